//! What a number's ledger events add up to (SPEC §3): for every channel family and
//! message category, whether it may be sent now and why, as the number page and the
//! evidence packet show it.

use crate::model::{ChannelFamily, ConsentCell, ConsentEventView, MessageCategory};
use crate::rules::consent::{describe, Event};

/// The state of every family and category, from the number's events in ledger order.
/// Events of one family never speak for another.
pub fn state(events: &[ConsentEventView]) -> Vec<ConsentCell> {
    ChannelFamily::ALL
        .iter()
        .flat_map(|family| {
            let ledger: Vec<Event> = events
                .iter()
                .filter(|e| e.family == *family)
                .map(Event::from)
                .collect();
            MessageCategory::ALL.iter().map(move |category| {
                let (allowed, why) = describe(&ledger, *category);
                ConsentCell {
                    family: *family,
                    category: *category,
                    allowed,
                    why,
                }
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "consent_state_tests.rs"]
mod tests;
