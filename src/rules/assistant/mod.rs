//! The built-in assistant (SPEC §9): deterministic, offline, the default provider. It reads
//! a conversation into an `Insight` (intent by rules, a score from weighted and explained
//! features, an extractive summary, the facts it found), drafts conversational replies from
//! per-intent templates, and decides when a person must take over. The rules that bind
//! every provider (`handoff_rules`, `promotional`, `disclosure`) live here too, so a remote
//! model's answer is held to them exactly as the built-in one's.

use crate::model::{Draft, Handoff, Insight};

/// One line of the conversation, as the assistant may see it (system texts and codes are
/// never among them: `server::assistant::context` leaves them out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The customer wrote it; otherwise the store (a person or the assistant) did.
    pub customer: bool,
    pub text: String,
}

/// What the replies may say about the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub name: String,
    /// Opening hours as people read them ("Mon–Sat 9 am–7 pm").
    pub hours: String,
}

/// Below this confidence the autopilot hands the conversation to a person.
pub const CONFIDENCE_FLOOR: i16 = 50;

/// Assistant answers in a row without progress before a person takes over.
pub const MAX_TURNS_WITHOUT_PROGRESS: i32 = 3;

/// The sentence the assistant's first message in a conversation starts with.
pub fn disclosure(store: &str) -> String {
    format!("This is {store}'s automated assistant.")
}

// SCAFFOLD (replaced by the built-in model in this change): the interface the server uses.

/// Reads a conversation: intent, score with reasons, summary, facts, confidence.
pub fn read(turns: &[Turn]) -> Insight {
    let _ = turns;
    Insight {
        intent: crate::model::LeadIntent::Question,
        score: 0,
        reasons: Vec::new(),
        summary: Vec::new(),
        facts: Default::default(),
        confidence: 0,
    }
}

/// A conversational reply to the customer's last message, from per-intent templates, with
/// the handoff the rules call for (if any).
pub fn draft(turns: &[Turn], insight: &Insight, store: &Store, first_name: Option<&str>) -> Draft {
    let _ = (turns, first_name);
    Draft {
        body: format!(
            "Thanks for your message. {} will get back to you.",
            store.name
        ),
        handoff: handoff_rules(turns, insight),
        confidence: insight.confidence,
    }
}

/// The handoffs every provider's answer is held to: an opt-out or complaint, a request for
/// a person, a price or finance commitment, low confidence.
pub fn handoff_rules(turns: &[Turn], insight: &Insight) -> Option<Handoff> {
    let _ = turns;
    (insight.confidence < CONFIDENCE_FLOOR).then_some(Handoff::LowConfidence)
}

/// Whether a text reads as promotional (an offer, a sale, a discount): the assistant never
/// sends one, whoever wrote it.
pub fn promotional(text: &str) -> bool {
    let _ = text;
    false
}

/// Whether the conversation moved forward since the assistant last answered.
pub fn progressed(before: Option<&Insight>, after: &Insight) -> bool {
    let _ = (before, after);
    true
}
