//! What the assistant makes of a conversation (SPEC §2 "AI score with intent and reasons",
//! §9): the lead's intent, a score with the reasons that made it, a short summary and the
//! facts it found, each of which a person accepts before it touches the lead.

use crate::text_enum;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

text_enum!(
    LeadIntent,
    "lead_intent",
    "Unknown intent.",
    [
        Buying = "buying" / "Buying",
        Service = "service" / "Service",
        Financing = "financing" / "Financing",
        TradeIn = "trade_in" / "Trade-in",
        Appointment = "appointment" / "Appointment",
        Question = "question" / "Question",
        Complaint = "complaint" / "Complaint",
        OptOut = "opt_out" / "Opt-out",
    ]
);

text_enum!(
    AiProvider,
    "ai_provider",
    "Choose built-in, Anthropic or OpenAI-compatible.",
    [
        Builtin = "builtin" / "Built-in (offline)",
        Anthropic = "anthropic" / "Anthropic",
        // Not `OpenAi`: the database names the value by the variant in snake case.
        Openai = "openai" / "OpenAI-compatible",
    ]
);

text_enum!(
    Handoff,
    "ai_handoff",
    "Unknown handoff reason.",
    [
        OptOut = "opt_out" / "The customer opted out",
        Complaint = "complaint" / "A complaint",
        AskedForPerson = "asked_for_person" / "Asked for a person",
        Commitment = "commitment" / "A price or finance commitment",
        LowConfidence = "low_confidence" / "The assistant was not sure",
        ProviderFailure = "provider_failure" / "The AI provider failed",
        NoProgress = "no_progress" / "Three turns without progress",
        Promotional = "promotional" / "The answer would have been promotional",
        Restricted = "restricted" / "The lead is restricted",
    ]
);

/// One reason for a score: what was seen and the points it gave (negative takes away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreReason {
    pub label: String,
    pub points: i16,
}

/// Facts the assistant found in the conversation, each offered to a person as an update to
/// the lead. Free text as the customer put it ("2021 Honda Civic", "under $25k").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    pub vehicle: Option<String>,
    pub budget: Option<String>,
    pub timeline: Option<String>,
    pub trade_in: Option<String>,
    pub preferred_time: Option<String>,
}

impl Facts {
    /// The facts that were found, as (field name, label, value).
    pub fn found(&self) -> Vec<(&'static str, &'static str, &str)> {
        [
            ("vehicle", "Vehicle of interest", &self.vehicle),
            ("budget", "Budget", &self.budget),
            ("timeline", "Timeline", &self.timeline),
            ("trade_in", "Trade-in", &self.trade_in),
            ("preferred_time", "Preferred time", &self.preferred_time),
        ]
        .into_iter()
        .filter_map(|(name, label, value)| value.as_deref().map(|v| (name, label, v)))
        .collect()
    }
}

/// The assistant's reading of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insight {
    pub intent: LeadIntent,
    /// 0–100: how likely and how soon this lead buys (or books).
    pub score: i16,
    pub reasons: Vec<ScoreReason>,
    /// At most three short lines.
    pub summary: Vec<String>,
    pub facts: Facts,
    /// 0–100: how sure the assistant is of the intent; autopilot hands off below a floor.
    pub confidence: i16,
}

/// A reply the assistant proposes (or, on autopilot, sends): always conversational.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub body: String,
    /// Set when a person should take over instead of the assistant answering.
    pub handoff: Option<Handoff>,
    pub confidence: i16,
}
