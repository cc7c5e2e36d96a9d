//! The built-in assistant: the pure rules of `rules::assistant`, no network, no cost.

use super::{AiError, Answered, Assistant, Context};
use crate::model::{Draft, Insight};
use crate::rules::assistant;

pub const MODEL: &str = "builtin-rules-1";

#[derive(Debug, Clone, Copy, Default)]
pub struct Builtin;

fn answered<T>(value: T) -> Answered<T> {
    Answered {
        value,
        model: MODEL.to_string(),
        tokens_in: 0,
        tokens_out: 0,
    }
}

impl Assistant for Builtin {
    async fn insight(&self, context: &Context) -> Result<Answered<Insight>, AiError> {
        Ok(answered(assistant::read(&context.turns)))
    }

    async fn reply(
        &self,
        context: &Context,
        insight: &Insight,
    ) -> Result<Answered<Draft>, AiError> {
        let draft = assistant::draft(
            &context.turns,
            insight,
            &context.store,
            context.first_name.as_deref(),
        );
        Ok(answered(draft))
    }
}
