//! The consent state of a number, derived from its ledger events (SPEC §3).
//!
//! Higher consent covers lower: express written ⊃ express ⊃ implied. For each message
//! category, the latest event that covers it decides: a revoke blocks it, a grant allows it
//! when its level is high enough. Conversational replies are also allowed by implied consent
//! when the customer started the thread, unless they have opted out.

use crate::model::{capitalised, ConsentEventView, ConsentMedium, MessageCategory};
use chrono::{DateTime, Utc};

/// Defined with the other shared types (the pages show it); the policy reads it from here.
pub use crate::model::ConsentLevel;

/// One ledger event as the state needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `None` for a revoke.
    pub grant: Option<ConsentLevel>,
    pub categories: Vec<MessageCategory>,
    /// Shown in the reason ("opted out by SMS keyword on 23 Nov").
    pub summary: String,
}

/// What the ledger says about one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Nothing,
    Granted(ConsentLevel, String),
    Revoked(String),
}

/// The standing of every category, from events in ledger order.
pub fn standing(events: &[Event], category: MessageCategory) -> Standing {
    events
        .iter()
        .rev()
        .find(|e| e.categories.contains(&category))
        .map_or(Standing::Nothing, |e| match e.grant {
            Some(level) => Standing::Granted(level, e.summary.clone()),
            None => Standing::Revoked(e.summary.clone()),
        })
}

impl Event {
    /// How and when it was given, for reasons: "sms keyword, 23 Nov 2026 14:05 UTC".
    pub fn summary(medium: ConsentMedium, at: DateTime<Utc>) -> String {
        format!(
            "{}, {}",
            medium.label().to_lowercase(),
            at.format("%d %b %Y %H:%M UTC")
        )
    }
}

impl From<&ConsentEventView> for Event {
    fn from(e: &ConsentEventView) -> Event {
        Event {
            grant: e.level,
            categories: e.categories.clone(),
            summary: Event::summary(e.medium, e.at),
        }
    }
}

/// Whether the number has opted out of replies, and so of everything: then no text goes
/// to it that it did not ask for from its own phone, not even one asking it to confirm.
pub fn opted_out(events: &[Event]) -> bool {
    matches!(
        standing(events, MessageCategory::Conversational),
        Standing::Revoked(_)
    )
}

/// What the ledger alone says of a category, for people: allowed or not, and why. (A
/// conversational reply is also allowed on a thread the customer started; see `allows`.)
pub fn describe(events: &[Event], category: MessageCategory) -> (bool, String) {
    let needed = ConsentLevel::required(category);
    match standing(events, category) {
        Standing::Revoked(summary) => (false, format!("Opted out ({summary}).")),
        Standing::Granted(level, summary) if level >= needed => (
            true,
            format!("{} consent ({summary}).", capitalised(level.label())),
        ),
        Standing::Granted(level, summary) => (
            false,
            format!(
                "Needs {} consent; has {} ({summary}).",
                needed.label(),
                level.label()
            ),
        ),
        Standing::Nothing if category == MessageCategory::Conversational => (
            false,
            "Only as a reply on a thread the customer starts (implied consent).".into(),
        ),
        Standing::Nothing => (false, format!("No {} consent on record.", needed.label())),
    }
}

/// Whether the ledger (plus an inbound-started thread) allows the category, and why not.
pub fn allows(
    events: &[Event],
    category: MessageCategory,
    customer_initiated: bool,
) -> Result<(), String> {
    match standing(events, category) {
        Standing::Revoked(summary) => Err(format!("The customer opted out ({summary}).")),
        Standing::Granted(level, _) if level >= ConsentLevel::required(category) => Ok(()),
        _ if category == MessageCategory::Conversational && customer_initiated => Ok(()),
        Standing::Granted(level, summary) => Err(format!(
            "{} messages need {} consent; the number has {} consent ({summary}).",
            category.label(),
            ConsentLevel::required(category).label(),
            level.label()
        )),
        Standing::Nothing => Err(match category {
            MessageCategory::Conversational => "The customer has not written to us on this thread, and no consent is on record.".into(),
            MessageCategory::Informational => "Informational messages need the customer's express consent, which is not on record.".into(),
            MessageCategory::Promotional => "Promotional messages need express written consent, which is not on record.".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::{grant, stop};
    use MessageCategory::*;

    #[test]
    fn higher_consent_covers_the_lower_categories() {
        assert_eq!(
            ConsentLevel::ExpressWritten.covers(),
            vec![Conversational, Informational, Promotional]
        );
        assert_eq!(
            ConsentLevel::Express.covers(),
            vec![Conversational, Informational]
        );
        assert_eq!(ConsentLevel::Implied.covers(), vec![Conversational]);
    }

    #[test]
    fn written_consent_allows_every_category() {
        let events = [grant(ConsentLevel::ExpressWritten)];
        for category in MessageCategory::ALL {
            assert_eq!(allows(&events, *category, false), Ok(()), "{category:?}");
        }
    }

    #[test]
    fn express_consent_does_not_allow_promotions() {
        let events = [grant(ConsentLevel::Express)];
        assert_eq!(allows(&events, Informational, false), Ok(()));
        assert!(allows(&events, Promotional, false).is_err());
    }

    #[test]
    fn a_customer_who_wrote_first_may_get_a_reply_and_nothing_more() {
        assert_eq!(allows(&[], Conversational, true), Ok(()));
        assert!(allows(&[], Informational, true).is_err());
        assert!(allows(&[], Conversational, false).is_err());
    }

    #[test]
    fn an_opt_out_blocks_everything_even_a_reply_to_a_customer_who_wrote() {
        let events = [grant(ConsentLevel::ExpressWritten), stop()];
        for category in MessageCategory::ALL {
            assert!(
                allows(&events, *category, true)
                    .unwrap_err()
                    .contains("opted out"),
                "{category:?}"
            );
        }
    }

    #[test]
    fn start_after_stop_restores_informational_but_not_promotional() {
        let events = [
            grant(ConsentLevel::ExpressWritten),
            stop(),
            grant(ConsentLevel::Express),
        ];
        assert_eq!(allows(&events, Informational, false), Ok(()));
        assert_eq!(allows(&events, Conversational, false), Ok(()));
        assert!(allows(&events, Promotional, false)
            .unwrap_err()
            .contains("opted out"));
    }

    #[test]
    fn the_state_says_why_in_words() {
        let events = [grant(ConsentLevel::Express), stop()];
        assert_eq!(
            describe(&events, Informational),
            (false, "Opted out (STOP).".into())
        );
        let events = [grant(ConsentLevel::Express)];
        assert_eq!(
            describe(&events, Informational),
            (true, "Express consent (express grant).".into())
        );
        assert!(!describe(&events, Promotional).0);
        assert_eq!(
            describe(&events, Promotional).1,
            "No express written consent on record."
        );
        let implied = [Event {
            grant: Some(ConsentLevel::Implied),
            categories: MessageCategory::ALL.to_vec(),
            summary: "import".into(),
        }];
        assert!(describe(&implied, Promotional)
            .1
            .contains("Needs express written"));
        assert!(!describe(&[], Conversational).0);
        assert!(describe(&[], Conversational).1.contains("customer starts"));
    }

    #[test]
    fn revoking_promotions_only_leaves_the_rest() {
        let promo_out = Event {
            grant: None,
            categories: vec![Promotional],
            summary: "marketing opt-out".into(),
        };
        let events = [grant(ConsentLevel::ExpressWritten), promo_out];
        assert!(allows(&events, Promotional, false).is_err());
        assert_eq!(allows(&events, Informational, false), Ok(()));
    }
}
