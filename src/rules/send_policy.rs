//! `may_send`: whether a message of a category may go to a conversation now (SPEC §3).
//!
//! The consent ledger decides (`rules::consent`); calls cannot take texts; a recent text
//! that may have been an opt-out holds promotions until a person has looked at it.

use crate::model::{Channel, MessageCategory, Purpose};
use crate::rules::consent::{allows, Event};
use crate::rules::limits::{
    Limit, KEYWORD_ANSWERS_NUMBER, KEYWORD_ANSWERS_ORG, REQUESTED_TEXTS_NUMBER, REQUESTED_TEXTS_ORG,
};

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
    /// The web-chat visitor ended the chat (a STOP typed in a chat nobody verified).
    pub ended: bool,
    /// WhatsApp only: the customer's last message is younger than 24 hours
    /// (`rules::whatsapp_window`); outside it WhatsApp takes approved templates only.
    pub window_open: bool,
}

pub fn may_send(facts: &SendFacts, category: MessageCategory) -> Result<(), String> {
    if facts.restricted {
        return Err(RESTRICTED.into());
    }
    if facts.channel == Channel::Voice {
        return Err("A call cannot receive a text message; reply by SMS instead.".into());
    }
    if facts.ended {
        return Err("The visitor ended this chat; nothing more can be sent to it.".into());
    }
    if !facts.has_address {
        return Err("This lead has no phone number to send to.".into());
    }
    if facts.channel == Channel::Whatsapp && !facts.window_open {
        return Err(crate::rules::whatsapp_window::CLOSED.into());
    }
    if category == MessageCategory::Promotional && facts.review {
        return Err(
            "A recent text from the customer may be an opt-out; a person must review it first."
                .into(),
        );
    }
    allows(&facts.ledger, category, facts.customer_initiated)
}

/// The daily caps (per number, per organisation) a system text of this purpose counts
/// against (SPEC §3.12); none for the one confirmation of an opt-out, which happens once
/// per opt-out and must go.
pub fn caps(purpose: Purpose) -> Option<(Limit, Limit)> {
    match purpose {
        Purpose::OptOutConfirmation => None,
        Purpose::Help | Purpose::OptInConfirmation => {
            Some((KEYWORD_ANSWERS_NUMBER, KEYWORD_ANSWERS_ORG))
        }
        Purpose::PrivacyNotice
        | Purpose::PrivacyCode
        | Purpose::OptInRequest
        | Purpose::ChatCode => Some((REQUESTED_TEXTS_NUMBER, REQUESTED_TEXTS_ORG)),
    }
}

/// What staff see of a text that carries a one-time code: every run of six digits hidden.
pub fn mask_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() == 6 {
            out.push_str("••••••");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// A text the system sends on its own needs no consent of its own, but an opt-out or a
/// restriction stops it, with two exceptions: the one confirmation of an opt-out still
/// goes to a number that opted out (SPEC §3.4), and a privacy request's code goes
/// whatever the number's standing (a person who opted out may still ask for their data).
/// A privacy request's notices ignore a restriction (it is their own request) but not an
/// opt-out. A web chat's code is like any other text: a stranger must not be able to text
/// a number that said STOP by claiming it in a chat.
pub fn may_send_answer(purpose: Purpose, facts: &SendFacts) -> Result<(), String> {
    use crate::rules::consent::{standing, Standing};
    match purpose {
        Purpose::PrivacyCode => return Ok(()),
        Purpose::PrivacyNotice => {}
        _ if facts.restricted => return Err(RESTRICTED.into()),
        Purpose::OptOutConfirmation => return Ok(()),
        _ => {}
    }
    match standing(&facts.ledger, MessageCategory::Conversational) {
        Standing::Revoked(summary) => Err(format!("The customer opted out ({summary}).")),
        _ => Ok(()),
    }
}

const RESTRICTED: &str =
    "Processing of this person's data is restricted (a privacy request): nothing may be sent.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::{started, stop, written};

    #[test]
    fn an_answer_queued_before_an_opt_out_stays_unsent_but_the_confirmation_goes() {
        let stop = stop();
        let opted_out = SendFacts {
            ledger: vec![stop],
            ..started()
        };
        assert_eq!(may_send_answer(Purpose::Help, &started()), Ok(()));
        assert!(may_send_answer(Purpose::Help, &opted_out).is_err());
        assert!(may_send_answer(Purpose::OptInConfirmation, &opted_out).is_err());
        assert!(may_send_answer(Purpose::OptInRequest, &opted_out).is_err());
        assert_eq!(
            may_send_answer(Purpose::OptOutConfirmation, &opted_out),
            Ok(())
        );
    }

    #[test]
    fn a_number_that_opted_out_gets_only_the_privacy_code_it_asked_for() {
        let opted_out = SendFacts {
            ledger: vec![stop()],
            ..started()
        };
        assert_eq!(may_send_answer(Purpose::PrivacyCode, &opted_out), Ok(()));
        assert!(may_send_answer(Purpose::ChatCode, &opted_out).is_err());
        assert!(may_send_answer(Purpose::PrivacyNotice, &opted_out)
            .unwrap_err()
            .contains("opted out"));
    }

    #[test]
    fn purposes_round_trip_and_only_the_opt_out_confirmation_is_uncapped() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::parse(purpose.as_str()), Some(purpose));
            assert_eq!(
                caps(purpose).is_none(),
                purpose == Purpose::OptOutConfirmation
            );
        }
        // What strangers can ask for never uses up the answers to a number's own keywords.
        assert_ne!(caps(Purpose::ChatCode), caps(Purpose::Help));
        assert_eq!(Purpose::parse("marketing"), None);
    }

    #[test]
    fn codes_are_masked_but_other_numbers_are_not() {
        assert_eq!(
            mask_codes("Your code is 042917. Ref 12345, due 2026-12-01."),
            "Your code is ••••••. Ref 12345, due 2026-12-01."
        );
        assert_eq!(mask_codes("1234567 and 123456"), "1234567 and ••••••");
        assert_eq!(mask_codes(""), "");
    }

    #[test]
    fn an_ended_chat_takes_nothing_more() {
        let ended = SendFacts {
            channel: Channel::Chat,
            ended: true,
            ..started()
        };
        assert!(may_send(&ended, MessageCategory::Conversational)
            .unwrap_err()
            .contains("ended"));
    }

    #[test]
    fn a_restriction_stops_keyword_answers_but_not_the_privacy_requests_own_notices() {
        let restricted = SendFacts {
            restricted: true,
            ..started()
        };
        assert!(may_send_answer(Purpose::Help, &restricted)
            .unwrap_err()
            .contains("restricted"));
        assert!(may_send_answer(Purpose::OptOutConfirmation, &restricted).is_err());
        assert_eq!(may_send_answer(Purpose::PrivacyNotice, &restricted), Ok(()));
        assert_eq!(may_send_answer(Purpose::PrivacyCode, &restricted), Ok(()));
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
    fn whatsapp_takes_free_text_only_inside_the_customers_24_hours() {
        let open = SendFacts {
            channel: Channel::Whatsapp,
            ..started()
        };
        assert_eq!(may_send(&open, MessageCategory::Conversational), Ok(()));
        let closed = SendFacts {
            window_open: false,
            ..open.clone()
        };
        for category in MessageCategory::ALL {
            assert!(may_send(&closed, *category)
                .unwrap_err()
                .contains("24-hour"));
        }
        let sms = SendFacts {
            window_open: false,
            ..started()
        };
        assert_eq!(
            may_send(&sms, MessageCategory::Conversational),
            Ok(()),
            "texts have no window"
        );
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
        let written = written();
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
