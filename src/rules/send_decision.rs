//! What happens to an outgoing message, given the facts the server fetched: a person's
//! reply is blocked, delivered (web chat) or queued (perhaps until the morning); the
//! outbox worker sends a due message, holds it through quiet hours or blocks it; a
//! carrier's error is retried with back-off until the attempts run out (decision 13).
//!
//! Whether a message may go at all is `send_policy`'s question; this module only builds
//! on its answer.

use crate::model::Purpose;
use crate::model::{Channel, DeliveryStatus, MessageCategory, SendCheck};
use crate::rules::send_policy::{may_send, may_send_answer, SendFacts};
use chrono::{DateTime, Utc};

/// Attempts at the carrier before a message that keeps failing is given up.
pub const MAX_ATTEMPTS: i32 = 5;

/// Seconds to wait after the n-th failed attempt: 2, 4, 8, 16 … at most 15 minutes.
pub fn backoff_secs(attempts: i32) -> i64 {
    2_i64.saturating_pow(attempts.clamp(1, 20) as u32).min(900)
}

/// Shown beside a promotional message that waits for the morning.
pub fn quiet_note(at: DateTime<Utc>) -> String {
    format!(
        "Waiting for quiet hours to end: sends at {} UTC (08:00 for the customer).",
        at.format("%d %b %H:%M")
    )
}

/// Whether quiet hours are worth asking about for a reply: only a promotion that may go,
/// and never in web chat, where the visitor is on our page now.
pub fn quiet_hours_apply(
    decision: &Result<(), String>,
    category: MessageCategory,
    channel: Channel,
) -> bool {
    decision.is_ok() && category == MessageCategory::Promotional && channel != Channel::Chat
}

/// What becomes of a person's reply when it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyPlan {
    /// Refused: stored as `blocked` with the reason, never queued.
    Blocked(String),
    /// A web-chat reply, read on our own page the moment it is stored.
    Delivered,
    /// Into the outbox, at once or (a promotion in quiet hours) not before `at`.
    Queued { not_before: Option<DateTime<Utc>> },
}

impl ReplyPlan {
    /// `decision` is `may_send`'s answer; `quiet` is when a promotion may go, asked only
    /// when `quiet_hours_apply`.
    pub fn of(
        decision: Result<(), String>,
        channel: Channel,
        quiet: Option<DateTime<Utc>>,
    ) -> Self {
        match (decision, channel, quiet) {
            (Err(reason), _, _) => ReplyPlan::Blocked(reason),
            (Ok(()), _, Some(at)) => ReplyPlan::Queued {
                not_before: Some(at),
            },
            (Ok(()), Channel::Chat, None) => ReplyPlan::Delivered,
            (Ok(()), _, None) => ReplyPlan::Queued { not_before: None },
        }
    }

    pub fn status(&self) -> DeliveryStatus {
        match self {
            ReplyPlan::Blocked(_) => DeliveryStatus::Blocked,
            ReplyPlan::Delivered => DeliveryStatus::Delivered,
            ReplyPlan::Queued { .. } => DeliveryStatus::Queued,
        }
    }

    /// What the message shows beside it: why it was blocked, or when it will go.
    pub fn reason(&self) -> Option<String> {
        match self {
            ReplyPlan::Blocked(reason) => Some(reason.clone()),
            ReplyPlan::Queued {
                not_before: Some(at),
            } => Some(quiet_note(*at)),
            _ => None,
        }
    }
}

/// Whether a queued message may go, asked again by the worker: the system's own texts
/// (`purpose`) by `may_send_answer`, everything else by `may_send`.
pub fn check_queued(
    facts: &SendFacts,
    category: MessageCategory,
    purpose: Option<&str>,
) -> Result<(), String> {
    match purpose.map(Purpose::parse) {
        Some(Some(purpose)) => may_send_answer(purpose, facts),
        Some(None) => Err("Unknown kind of system message: not sent.".into()),
        None => may_send(facts, category),
    }
}

/// The worker's decision on a due message, before any carrier is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    Send,
    /// Quiet hours: it waits until then, without spending an attempt.
    Hold(DateTime<Utc>),
    /// It may not go: its final status is `blocked`, with the reason.
    Block(String),
}

impl Due {
    /// `quiet` is when a promotion to this recipient may go (`None`: now); it holds only
    /// promotions.
    pub fn decide(
        facts: &SendFacts,
        category: MessageCategory,
        purpose: Option<&str>,
        quiet: Option<DateTime<Utc>>,
    ) -> Self {
        let quiet = quiet.filter(|_| category == MessageCategory::Promotional);
        match (check_queued(facts, category, purpose), quiet) {
            (Err(reason), _) => Due::Block(reason),
            (Ok(()), Some(at)) => Due::Hold(at),
            (Ok(()), None) => Due::Send,
        }
    }
}

/// After the carrier answered an error (so did not take the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again after this many seconds; the attempt is counted.
    Retry { after_secs: i64 },
    /// The last attempt failed: its final status is `failed`.
    GiveUp,
}

impl AfterFailure {
    /// `attempts` is how many attempts failed before this one.
    pub fn of(attempts: i32) -> Self {
        match attempts.saturating_add(1) {
            failed if failed >= MAX_ATTEMPTS => AfterFailure::GiveUp,
            failed => AfterFailure::Retry {
                after_secs: backoff_secs(failed),
            },
        }
    }
}

/// What the conversation page shows for each category: may it go now, and if not (or
/// not yet), why.
pub fn send_checks(facts: &SendFacts, quiet: Option<DateTime<Utc>>) -> Vec<SendCheck> {
    MessageCategory::ALL
        .iter()
        .map(|category| {
            let decision = may_send(facts, *category);
            let reason = match (&decision, category, quiet) {
                (Ok(()), MessageCategory::Promotional, Some(at)) => Some(format!(
                    "Promotional: allowed, but quiet hours: it waits until {} UTC (08:00 for the customer).",
                    at.format("%d %b %H:%M")
                )),
                _ => decision.clone().err(),
            };
            SendCheck {
                category: *category,
                allowed: decision.is_ok(),
                reason,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "send_decision_tests.rs"]
mod tests;
