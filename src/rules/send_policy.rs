//! `may_send`: whether a message of a category may go to a conversation now.
//!
//! This is the one hook the consent engine plugs into (SPEC §3). Until the consent ledger
//! exists, only conversational replies to threads the customer started are allowed.

use crate::model::{Channel, MessageCategory};

/// What the decision needs to know about the recipient and the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendFacts {
    pub channel: Channel,
    /// The customer has written to us on this thread (implied consent to a reply).
    pub customer_initiated: bool,
    pub has_address: bool,
}

pub fn may_send(facts: SendFacts, category: MessageCategory) -> Result<(), String> {
    if facts.channel == Channel::Voice {
        return Err("A call cannot receive a text message; reply by SMS instead.".into());
    }
    if !facts.has_address {
        return Err("This lead has no phone number to send to.".into());
    }
    match category {
        MessageCategory::Conversational if facts.customer_initiated => Ok(()),
        MessageCategory::Conversational => Err(
            "The customer has not written to us on this thread, so a reply is not allowed yet."
                .into(),
        ),
        MessageCategory::Informational => Err(
            "Informational messages need the customer's express consent, which is not on record."
                .into(),
        ),
        MessageCategory::Promotional => {
            Err("Promotional messages need express written consent, which is not on record.".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARTED: SendFacts = SendFacts {
        channel: Channel::Sms,
        customer_initiated: true,
        has_address: true,
    };

    #[test]
    fn a_reply_to_a_customer_who_wrote_first_is_allowed() {
        assert_eq!(may_send(STARTED, MessageCategory::Conversational), Ok(()));
    }

    #[test]
    fn a_first_message_from_us_is_blocked() {
        let cold = SendFacts {
            customer_initiated: false,
            ..STARTED
        };
        assert!(may_send(cold, MessageCategory::Conversational).is_err());
    }

    #[test]
    fn informational_and_promotional_need_consent_that_is_not_recorded_yet() {
        assert!(may_send(STARTED, MessageCategory::Informational)
            .unwrap_err()
            .contains("express consent"));
        assert!(may_send(STARTED, MessageCategory::Promotional)
            .unwrap_err()
            .contains("written consent"));
    }

    #[test]
    fn calls_and_numberless_leads_cannot_be_texted() {
        assert!(may_send(
            SendFacts {
                channel: Channel::Voice,
                ..STARTED
            },
            MessageCategory::Conversational
        )
        .is_err());
        assert!(may_send(
            SendFacts {
                has_address: false,
                ..STARTED
            },
            MessageCategory::Conversational
        )
        .is_err());
    }
}
