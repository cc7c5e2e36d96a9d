//! The handoffs every provider is held to, built-in or remote: an opt-out, a complaint, a
//! request for a person, a request for a price or finance commitment, low confidence. The
//! requests are read from the customer's latest turns only (since the store last spoke): an
//! old "call me" that was answered is not asked again.

use super::cues::{evidence, STRONG};
use super::text::{any_of, latest_customer, words};
use super::types::{Turn, CONFIDENCE_FLOOR};
use crate::model::{Handoff, Insight, LeadIntent};
use crate::rules::intent::{classify, Intent};

/// Asking for a person ("can I talk to a person", "call me").
const PERSON: &str = "talk to a person, talk to someone, speak to someone, speak with someone, \
    talk to somebody, a human, real person, actual person, live person, representative, \
    agent, human, manager, supervisor, call me, someone call, give me a call, persona real, \
    hablar con una persona, hablar con alguien, llamame, llameme";
/// Asking the store to commit to a price or to finance.
const COMMITMENT: &str = "best price, out the door, otd, guarantee*, will i be approved, \
    will i get approved, would i be approved, can i get approved, get financed, \
    monthly payment, my payment be, payments be, lowest price, bottom line, best deal, \
    best you can do, will you match, match that, price match, how much would you give, \
    what would you give, how much will you give, what can you give me, final price, \
    how much can i get for, lowest you";

pub fn handoff_rules(turns: &[Turn], insight: &Insight) -> Option<Handoff> {
    let latest: Vec<Vec<String>> = latest_customer(turns)
        .iter()
        .map(|t| words(&t.text))
        .collect();
    let asks = |list: &str| latest.iter().any(|w| any_of(w, list));
    let stops = latest_customer(turns)
        .iter()
        .any(|t| classify(&t.text) == Intent::OptOut);
    let complains = latest
        .iter()
        .any(|w| evidence(w).weight(LeadIntent::Complaint) >= STRONG);
    if insight.intent == LeadIntent::OptOut || stops {
        Some(Handoff::OptOut)
    } else if insight.intent == LeadIntent::Complaint || complains {
        Some(Handoff::Complaint)
    } else if asks(PERSON) {
        Some(Handoff::AskedForPerson)
    } else if asks(COMMITMENT) {
        Some(Handoff::Commitment)
    } else if insight.confidence < CONFIDENCE_FLOOR {
        Some(Handoff::LowConfidence)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Facts;

    fn insight(intent: LeadIntent, confidence: i16) -> Insight {
        Insight {
            intent,
            score: 50,
            reasons: vec![],
            summary: vec![],
            facts: Facts::default(),
            confidence,
        }
    }

    fn said(text: &str) -> Vec<Turn> {
        vec![Turn {
            customer: true,
            text: text.into(),
        }]
    }

    fn handoff(text: &str) -> Option<Handoff> {
        handoff_rules(&said(text), &insight(LeadIntent::Buying, 90))
    }

    #[test]
    fn asking_for_a_person_hands_off() {
        for text in [
            "can I talk to a person?",
            "real person pls",
            "get me a representative",
            "call me at 5",
        ] {
            assert_eq!(handoff(text), Some(Handoff::AskedForPerson), "{text}");
        }
    }

    #[test]
    fn asking_for_a_price_or_approval_hands_off() {
        for text in [
            "what's your best price",
            "out the door number?",
            "can you guarantee that",
            "will I be approved",
            "what would my monthly payment be",
            "lowest price?",
        ] {
            assert_eq!(handoff(text), Some(Handoff::Commitment), "{text}");
        }
    }

    #[test]
    fn a_negated_call_me_is_no_request() {
        assert_ne!(
            handoff("dont call me, just text"),
            Some(Handoff::AskedForPerson)
        );
    }

    #[test]
    fn an_answered_request_is_not_asked_again() {
        let turns = [
            Turn {
                customer: true,
                text: "call me".into(),
            },
            Turn {
                customer: false,
                text: "Calling you now!".into(),
            },
            Turn {
                customer: true,
                text: "thanks, is the civic still available".into(),
            },
        ];
        assert_eq!(
            handoff_rules(&turns, &insight(LeadIntent::Buying, 90)),
            None
        );
    }

    #[test]
    fn precedence_is_opt_out_complaint_person_commitment_confidence() {
        let all = "this is ridiculous, i want a manager and your best price";
        assert_eq!(
            handoff_rules(&said(all), &insight(LeadIntent::OptOut, 10)),
            Some(Handoff::OptOut)
        );
        assert_eq!(
            handoff_rules(&said(all), &insight(LeadIntent::Buying, 10)),
            Some(Handoff::Complaint)
        );
        let person = "can i talk to a person about your best price";
        assert_eq!(
            handoff_rules(&said(person), &insight(LeadIntent::Buying, 10)),
            Some(Handoff::AskedForPerson)
        );
        let price = "best price?";
        assert_eq!(
            handoff_rules(&said(price), &insight(LeadIntent::Buying, 10)),
            Some(Handoff::Commitment)
        );
        assert_eq!(
            handoff_rules(&said("hm"), &insight(LeadIntent::Buying, 10)),
            Some(Handoff::LowConfidence)
        );
    }

    #[test]
    fn a_stop_in_the_latest_turns_hands_off_whatever_the_insight_says() {
        assert_eq!(handoff("STOP"), Some(Handoff::OptOut));
    }
}
