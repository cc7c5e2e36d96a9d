//! The intent of a conversation and how sure the rules are of it. The customer's latest
//! turns (since the store last spoke) decide; earlier turns count for less, and only break
//! ties or fill in when the latest say nothing. An opt-out anywhere that no later opt-in
//! undid is the intent, whatever else was said.

use super::cues::{evidence, Evidence, STRONG};
use super::facts::has_budget;
use super::text::{any_of, latest_customer, store_before_latest, words};
use super::types::Turn;
use super::vehicle::mentions;
use super::when::when;
use crate::model::LeadIntent::{self, *};
use crate::rules::intent::{classify, Intent};

/// Ties go to the intent a person would want to see first.
const PRECEDENCE: [LeadIntent; 7] = [
    Complaint,
    Appointment,
    TradeIn,
    Financing,
    Service,
    Buying,
    Question,
];
/// Earlier turns weigh this much of the latest ones.
const EARLIER: f32 = 0.3;
/// The store invited them in: a "yes" or a time in answer is an appointment.
const INVITATIONS: &str = "come see, come in, come by, stop by, swing by, test drive, schedule, \
    when could you, when can you, what time, what day, bring it by, bring it in, \
    come take a look, want to come, like to come, visit";
const AFFIRMATIVES: &str = "yes, yeah, yep, yup, sure, ok, okay, sounds good, si, claro, perfect, \
    definitely, absolutely";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reading {
    pub intent: LeadIntent,
    pub confidence: i16,
    /// The latest turns sounded unsure ("maybe", "idk").
    pub hedges: bool,
}

pub(super) fn reading(turns: &[Turn]) -> Reading {
    if opted_out(turns) {
        return Reading {
            intent: OptOut,
            confidence: 98,
            hedges: false,
        };
    }
    let latest = latest_customer(turns);
    let earlier = &turns[..turns.len() - latest.len()];
    let now = latest_evidence(turns, latest);
    let mut total = now.clone();
    for turn in earlier.iter().filter(|t| t.customer) {
        for (intent, weight) in evidence(&words(&turn.text)).weights {
            total.add(intent, weight * EARLIER);
        }
    }
    let mut ranked: Vec<(LeadIntent, f32)> =
        PRECEDENCE.iter().map(|&i| (i, total.weight(i))).collect();
    // A stable sort keeps the precedence order among equals.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (intent, s1) = ranked[0];
    if s1 <= 0.0 {
        return Reading {
            intent: Question,
            confidence: 20,
            hedges: now.hedges,
        };
    }
    let s2 = ranked[1].1;
    let base = (35.0 + 12.0 * s1).min(95.0);
    let mut confidence = (base * (0.5 + 0.5 * (s1 - s2) / s1)).round() as i16;
    if now.weights.iter().all(|(_, w)| *w <= 0.0) {
        confidence = confidence.min(40);
    }
    if now.hedges {
        confidence -= 25;
    }
    if latest.iter().any(|t| classify(&t.text) == Intent::Unclear) {
        confidence = confidence.min(30);
    }
    Reading {
        intent,
        confidence: confidence.clamp(0, 100),
        hedges: now.hedges,
    }
}

/// The last STOP or START the customer sent decides.
fn opted_out(turns: &[Turn]) -> bool {
    turns
        .iter()
        .rev()
        .filter(|t| t.customer)
        .find_map(|t| match classify(&t.text) {
            Intent::OptOut => Some(true),
            Intent::OptIn => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

/// The cues of the latest turns, with what their facts add: a vehicle they name (not their
/// own) or a budget points to buying, a time to an appointment, and so does a yes to an
/// invitation.
fn latest_evidence(turns: &[Turn], latest: &[Turn]) -> Evidence {
    let mut found = Evidence::default();
    for turn in latest {
        let w = words(&turn.text);
        let e = evidence(&w);
        for (intent, weight) in e.weights {
            found.add(intent, weight);
        }
        found.hedges |= e.hedges;
        let own = w.iter().any(|x| matches!(x.as_str(), "my" | "our" | "mi"));
        if !own && !mentions(&w).is_empty() {
            found.add(Buying, 1.5);
        }
        if has_budget(&w) {
            found.add(Buying, 1.5);
        }
        let timed = when(&w).1.is_some();
        if timed {
            found.add(Appointment, 1.5);
        }
        let invited =
            store_before_latest(turns).is_some_and(|s| any_of(&words(&s.text), INVITATIONS));
        if invited && (timed || any_of(&w, AFFIRMATIVES)) && !e.hedges {
            found.add(Appointment, STRONG);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(customer: bool, text: &str) -> Turn {
        Turn {
            customer,
            text: text.into(),
        }
    }

    #[test]
    fn a_strong_cue_gives_a_confident_intent() {
        let r = reading(&[t(
            true,
            "can i come test drive the mustang saturday morning?",
        )]);
        assert_eq!(r.intent, Appointment);
        assert!(r.confidence >= 70, "{r:?}");
    }

    #[test]
    fn nothing_recognised_is_a_question_of_low_confidence() {
        let r = reading(&[t(true, "hmm")]);
        assert_eq!((r.intent, r.confidence), (Question, 20));
    }

    #[test]
    fn an_opt_out_wins_over_everything_said_before() {
        let r = reading(&[
            t(true, "is the civic still available"),
            t(true, "actually stop texting me"),
        ]);
        assert_eq!(r.intent, OptOut);
    }

    #[test]
    fn a_start_after_a_stop_undoes_the_opt_out() {
        let r = reading(&[
            t(true, "STOP"),
            t(true, "START"),
            t(true, "is the civic available"),
        ]);
        assert_eq!(r.intent, Buying);
    }

    #[test]
    fn a_yes_to_an_invitation_is_an_appointment() {
        let r = reading(&[t(false, "Would you like to come see it?"), t(true, "yes!")]);
        assert_eq!(r.intent, Appointment);
    }

    #[test]
    fn a_reply_with_nothing_in_it_leans_on_the_past_but_is_not_sure() {
        let r = reading(&[
            t(true, "interested in the civic"),
            t(false, "Test drive?"),
            t(true, "maybe, idk yet"),
        ]);
        assert_eq!(r.intent, Buying);
        assert!(r.confidence < crate::rules::assistant::CONFIDENCE_FLOOR);
    }

    #[test]
    fn conflicting_cues_lower_the_confidence() {
        let clear = reading(&[t(true, "is the civic still available")]).confidence;
        let mixed = reading(&[t(
            true,
            "is the civic still available? my salesman was rude",
        )])
        .confidence;
        assert!(mixed < clear);
    }
}
