//! SCAFFOLD: replaced by the real adapter in this change.
use super::{AiError, Answered, Assistant, Context, Remote};
use crate::model::{Draft, Insight};

pub const BASE_URL: &str = "https://api.anthropic.com";
pub const MODEL: &str = "claude-sonnet-4-5";

pub struct Anthropic {
    pub remote: Remote,
    pub http: reqwest::Client,
}

impl Assistant for Anthropic {
    async fn insight(&self, _: &Context) -> Result<Answered<Insight>, AiError> {
        Err(AiError::Network("scaffold".into()))
    }
    async fn reply(&self, _: &Context, _: &Insight) -> Result<Answered<Draft>, AiError> {
        Err(AiError::Network("scaffold".into()))
    }
}
