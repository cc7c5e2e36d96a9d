//! `may_send`: whether a message of a category may go to a conversation now (SPEC §3).
//!
//! The consent ledger decides (`rules::consent`); calls cannot take texts; a recent text
//! that may have been an opt-out holds promotions until a person has looked at it.

use crate::model::{Channel, MessageCategory};
use crate::rules::consent::{allows, Event};

/// What the decision needs to know about the recipient and the thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFacts {
    pub channel: Channel,
    /// The customer has written to us on this thread (implied consent to a reply).
    pub customer_initiated: bool,
    pub has_address: bool,
    /// The number's consent events in this channel family, in ledger order.
    pub ledger: Vec<Event>,
    /// An unclear text ("stop what?") is waiting for a person.
    pub review: bool,
    /// A privacy request restricted processing of this person: nothing goes out.
    pub restricted: bool,
}

pub fn may_send(facts: &SendFacts, category: MessageCategory) -> Result<(), String> {
    if facts.restricted {
        return Err(
            "Processing of this person's data is restricted (a privacy request): nothing may be sent."
                .into(),
        );
    }
    if facts.channel == Channel::Voice {
        return Err("A call cannot receive a text message; reply by SMS instead.".into());
    }
    if !facts.has_address {
        return Err("This lead has no phone number to send to.".into());
    }
    if category == MessageCategory::Promotional && facts.review {
        return Err(
            "A recent text from the customer may be an opt-out; a person must review it first."
                .into(),
        );
    }
    allows(&facts.ledger, category, facts.customer_initiated)
}

/// A message the system sends in answer to the customer (a keyword's answer, a privacy
/// request's code): it needs no consent of its own, but an opt-out that came after it was
/// queued stops it, except the one confirmation of that opt-out (SPEC §3.4) and what a
/// privacy request the person just made calls for (its code and notices: a one-time
/// answer to their own request, which an opted-out person may well make).
pub fn may_send_answer(purpose: &str, ledger: &[Event]) -> Result<(), String> {
    use crate::rules::consent::{standing, Standing};
    if matches!(purpose, "opt_out_confirmation" | "privacy") {
        return Ok(());
    }
    match standing(ledger, MessageCategory::Conversational) {
        Standing::Revoked(summary) => Err(format!("The customer opted out ({summary}).")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::consent::ConsentLevel;

    fn started() -> SendFacts {
        SendFacts {
            channel: Channel::Sms,
            customer_initiated: true,
            has_address: true,
            ledger: Vec::new(),
            review: false,
            restricted: false,
        }
    }

    #[test]
    fn an_answer_queued_before_an_opt_out_stays_unsent_but_the_confirmation_goes() {
        let stop = Event {
            grant: None,
            categories: MessageCategory::ALL.to_vec(),
            summary: "STOP".into(),
        };
        assert_eq!(may_send_answer("help", &[]), Ok(()));
        assert!(may_send_answer("help", std::slice::from_ref(&stop)).is_err());
        assert!(may_send_answer("opt_in_confirmation", std::slice::from_ref(&stop)).is_err());
        assert_eq!(
            may_send_answer("privacy", std::slice::from_ref(&stop)),
            Ok(())
        );
        assert_eq!(may_send_answer("opt_out_confirmation", &[stop]), Ok(()));
    }

    #[test]
    fn a_reply_to_a_customer_who_wrote_first_is_allowed() {
        assert_eq!(
            may_send(&started(), MessageCategory::Conversational),
            Ok(())
        );
    }

    #[test]
    fn a_restricted_person_gets_nothing_even_a_reply() {
        let restricted = SendFacts {
            restricted: true,
            ..started()
        };
        for category in MessageCategory::ALL {
            assert!(may_send(&restricted, *category)
                .unwrap_err()
                .contains("restricted"));
        }
    }

    #[test]
    fn a_first_message_from_us_is_blocked() {
        let cold = SendFacts {
            customer_initiated: false,
            ..started()
        };
        assert!(may_send(&cold, MessageCategory::Conversational).is_err());
    }

    #[test]
    fn informational_and_promotional_need_recorded_consent() {
        assert!(may_send(&started(), MessageCategory::Informational)
            .unwrap_err()
            .contains("express consent"));
        assert!(may_send(&started(), MessageCategory::Promotional)
            .unwrap_err()
            .contains("written consent"));
    }

    #[test]
    fn calls_and_numberless_leads_cannot_be_texted() {
        assert!(may_send(
            &SendFacts {
                channel: Channel::Voice,
                ..started()
            },
            MessageCategory::Conversational
        )
        .is_err());
        assert!(may_send(
            &SendFacts {
                has_address: false,
                ..started()
            },
            MessageCategory::Conversational
        )
        .is_err());
    }

    #[test]
    fn an_unclear_text_holds_promotions_but_not_replies() {
        let written = Event {
            grant: Some(ConsentLevel::ExpressWritten),
            categories: ConsentLevel::ExpressWritten.covers(),
            summary: "form".into(),
        };
        let facts = SendFacts {
            review: true,
            ledger: vec![written],
            ..started()
        };
        assert!(may_send(&facts, MessageCategory::Promotional)
            .unwrap_err()
            .contains("review"));
        assert_eq!(may_send(&facts, MessageCategory::Informational), Ok(()));
    }
}
