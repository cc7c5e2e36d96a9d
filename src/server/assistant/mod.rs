//! The AI assistant (SPEC §6, §9; issue 14): one trait, three providers (built-in, the
//! Anthropic Messages API, OpenAI-compatible Chat Completions), chosen per organisation.
//!
//! - `context`: what a provider may see — recent turns within a character budget, never a
//!   system text or a code, never a restricted or erased person.
//! - `jobs`: insight recomputed in the background after each inbound message (a PostgreSQL
//!   queue taken with `SKIP LOCKED`), and the autopilot's turn.
//! - `autopilot`: answers by itself where the organisation allows it, through `may_send`,
//!   and hands off to a person by the rules in `rules::assistant`.
//! - `events`: every call logged (tokens, latency, outcome), never a message body.

use crate::model::{Channel, Draft, Insight};
use crate::rules::assistant::{Store, Turn};
use std::future::Future;
use std::time::Duration;
use uuid::Uuid;

pub mod accept;
pub mod activity;
pub mod anthropic;
pub mod autopilot;
pub mod builtin;
pub mod context;
pub mod disclosure;
pub mod events;
mod http;
pub mod insight;
pub mod jobs;
pub mod openai;
mod prompt;
pub mod run;
pub mod runtime;
pub mod settings;
pub mod suggest;
pub mod voice;

/// Everything a provider is given about one conversation: no more.
#[derive(Debug, Clone)]
pub struct Context {
    pub org_id: Uuid,
    pub conversation_id: Uuid,
    pub store: Store,
    pub channel: Channel,
    /// Oldest first; the most recent that fit the character budget.
    pub turns: Vec<Turn>,
    /// The lead's first name, for a greeting; nothing else about the person.
    pub first_name: Option<String>,
}

/// A provider's answer and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered<T> {
    pub value: T,
    pub model: String,
    pub tokens_in: i32,
    pub tokens_out: i32,
}

/// Why a provider gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AiError {
    #[error("the provider did not answer in time")]
    Timeout,
    #[error("the provider is rate-limiting us (429)")]
    RateLimited,
    #[error("the provider is overloaded ({0})")]
    Overloaded(u16),
    #[error("the provider refused the key ({0})")]
    Unauthorized(u16),
    #[error("the provider refused the request ({0})")]
    Refused(u16),
    #[error("the provider's answer could not be read: {0}")]
    Malformed(String),
    #[error("the provider could not be reached: {0}")]
    Network(String),
}

impl AiError {
    /// Worth another try after a pause: 429, 529 and other 5xx, timeouts, network errors.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            AiError::Timeout | AiError::RateLimited | AiError::Overloaded(_) | AiError::Network(_)
        )
    }

    /// The short word stored as the AI event's outcome.
    pub fn outcome(&self) -> &'static str {
        match self {
            AiError::Timeout => "timeout",
            AiError::RateLimited => "rate_limited",
            AiError::Overloaded(_) => "overloaded",
            AiError::Unauthorized(_) => "unauthorized",
            AiError::Refused(_) => "refused",
            AiError::Malformed(_) => "malformed",
            AiError::Network(_) => "network",
        }
    }
}

/// What one assistant can do. The built-in one never fails; remote ones can.
pub trait Assistant {
    fn insight(
        &self,
        context: &Context,
    ) -> impl Future<Output = Result<Answered<Insight>, AiError>> + Send;

    fn reply(
        &self,
        context: &Context,
        insight: &Insight,
    ) -> impl Future<Output = Result<Answered<Draft>, AiError>> + Send;
}

/// How to reach a remote provider. `Debug` is written by hand: the key never shows.
#[derive(Clone)]
pub struct Remote {
    /// `https://api.anthropic.com`, `https://api.openai.com/v1`, or a compatible server.
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    /// For each attempt.
    pub timeout: Duration,
    /// Retries after the first attempt (429, 529, 5xx, timeouts): at most this many.
    pub retries: u32,
    /// The longest pause between attempts, whatever `retry-after` asks for.
    pub max_backoff: Duration,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("base_url", &self.base_url)
            .field("api_key", &"[redacted]")
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("max_backoff", &self.max_backoff)
            .finish()
    }
}

impl Remote {
    pub const RETRIES: u32 = 2;
    pub const TIMEOUT: Duration = Duration::from_secs(20);
    pub const MAX_BACKOFF: Duration = Duration::from_secs(10);
}
