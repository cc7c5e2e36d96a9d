//! The built-in assistant (SPEC §9): deterministic, offline, the default provider. It reads
//! a conversation into an `Insight` (intent by rules, a score from weighted and explained
//! features, an extractive summary, the facts it found), drafts conversational replies from
//! per-intent templates, and decides when a person must take over. The rules that bind
//! every provider (`handoff_rules`, `promotional`, `disclosure`) live here too, so a remote
//! model's answer is held to them exactly as the built-in one's.
//!
//! Pure and shared with the browser build: no I/O, no dependency beyond the crate's own.

mod cues;
mod facts;
mod handoff;
mod intent;
mod promo;
mod reply;
mod score;
mod summary;
mod text;
mod types;
mod vehicle;
mod when;

pub use handoff::handoff_rules;
pub use promo::promotional;
pub use types::{Store, Turn, CONFIDENCE_FLOOR, MAX_TURNS_WITHOUT_PROGRESS};

use crate::model::{Draft, Insight, LeadIntent};

/// The sentence the assistant's first message in a conversation starts with.
pub fn disclosure(store: &str) -> String {
    format!("This is {store}'s automated assistant.")
}

/// Reads a conversation: intent, score with reasons, summary, facts, confidence.
pub fn read(turns: &[Turn]) -> Insight {
    let reading = intent::reading(turns);
    let facts = facts::facts(turns);
    let seen = score::Seen {
        intent: reading.intent,
        facts: &facts,
        hedges: reading.hedges,
        customer_turns: turns.iter().filter(|t| t.customer).count(),
    };
    let (score, reasons) = score::score(&seen);
    Insight {
        intent: reading.intent,
        score,
        reasons,
        summary: summary::summary(turns),
        facts,
        confidence: reading.confidence,
    }
}

/// A conversational reply to the customer's last message, from per-intent templates, with
/// the handoff the rules call for (if any).
pub fn draft(turns: &[Turn], insight: &Insight, store: &Store, first_name: Option<&str>) -> Draft {
    reply::draft(turns, insight, store, first_name)
}

/// The conversation moved forward between two readings: more facts, an appointment it
/// did not have, or a score at least 5 higher. Counts "turns without progress".
pub fn progressed(before: Option<&Insight>, after: &Insight) -> bool {
    let facts = |i: Option<&Insight>| i.map_or(0, |i| i.facts.found().len());
    let was_appointment = before.is_some_and(|b| b.intent == LeadIntent::Appointment);
    let score_before = before.map_or(0, |b| b.score);
    facts(Some(after)) > facts(before)
        || (after.intent == LeadIntent::Appointment && !was_appointment)
        || after.score >= score_before + 5
}

#[cfg(test)]
mod tests;
