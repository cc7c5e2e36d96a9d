//! Calling the organisation's assistant: the provider its settings choose, every call
//! logged as an AI event (never a message body), failures counted towards the fallback.

use super::anthropic::Anthropic;
use super::builtin::Builtin;
use super::events::{self, CallPurpose};
use super::openai::OpenAi;
use super::settings::{self, AiConfig};
use super::{AiError, Answered, Assistant, Context, Remote};
use crate::model::{AiProvider, Draft, Insight};
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// The assistant an organisation's settings choose.
pub enum Configured {
    Builtin(Builtin),
    Anthropic(Anthropic),
    OpenAi(OpenAi),
}

impl Configured {
    /// The provider in use for these settings; `timeout` bounds each attempt (a caller on
    /// the line cannot wait as long as a background job).
    pub fn of(
        config: &AiConfig,
        http: &reqwest::Client,
        timeout: Duration,
        retries: u32,
    ) -> Configured {
        let provider = config.provider();
        let remote = |default_base: &str, default_model: &str| Remote {
            base_url: config
                .api_base_url
                .clone()
                .unwrap_or_else(|| default_base.to_string()),
            api_key: config.api_key.clone().unwrap_or_default(),
            model: config
                .model
                .clone()
                .unwrap_or_else(|| default_model.to_string()),
            timeout,
            retries,
            max_backoff: Remote::MAX_BACKOFF,
        };
        match provider {
            AiProvider::Builtin => Configured::Builtin(Builtin),
            AiProvider::Anthropic => Configured::Anthropic(Anthropic {
                remote: remote(super::anthropic::BASE_URL, super::anthropic::MODEL),
                http: http.clone(),
            }),
            AiProvider::Openai => Configured::OpenAi(OpenAi {
                remote: remote(super::openai::BASE_URL, super::openai::MODEL),
                http: http.clone(),
            }),
        }
    }

    pub fn provider(&self) -> AiProvider {
        match self {
            Configured::Builtin(_) => AiProvider::Builtin,
            Configured::Anthropic(_) => AiProvider::Anthropic,
            Configured::OpenAi(_) => AiProvider::Openai,
        }
    }

    pub async fn insight(&self, context: &Context) -> Result<Answered<Insight>, AiError> {
        match self {
            Configured::Builtin(a) => a.insight(context).await,
            Configured::Anthropic(a) => a.insight(context).await,
            Configured::OpenAi(a) => a.insight(context).await,
        }
    }

    pub async fn reply(
        &self,
        context: &Context,
        insight: &Insight,
    ) -> Result<Answered<Draft>, AiError> {
        match self {
            Configured::Builtin(a) => a.reply(context, insight).await,
            Configured::Anthropic(a) => a.reply(context, insight).await,
            Configured::OpenAi(a) => a.reply(context, insight).await,
        }
    }
}

/// One call, logged, with the fallback counter kept.
pub async fn logged<T>(
    pool: &PgPool,
    assistant: &Configured,
    context: &Context,
    purpose: CallPurpose,
    call: impl std::future::Future<Output = Result<Answered<T>, AiError>>,
) -> Result<T, AiError> {
    let started = Instant::now();
    let result = call.await;
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let provider = assistant.provider();
    let event = match &result {
        Ok(answer) => events::AiEvent {
            model: answer.model.clone(),
            tokens_in: answer.tokens_in,
            tokens_out: answer.tokens_out,
            outcome: "ok",
            ..events::AiEvent::new(context, provider, purpose, latency_ms)
        },
        Err(error) => events::AiEvent {
            outcome: error.outcome(),
            ..events::AiEvent::new(context, provider, purpose, latency_ms)
        },
    };
    let bookkeeping = async {
        events::record(pool, &event).await?;
        match (&result, provider) {
            (_, AiProvider::Builtin) => Ok(()),
            (Ok(_), _) => settings::record_success(pool, context.org_id).await,
            (Err(error), _) => {
                settings::record_failure(pool, context.org_id, &error.to_string()).await
            }
        }
    };
    if let Err(error) = bookkeeping.await {
        tracing::warn!(%error, "AI event not recorded");
    }
    result.map(|answer| answer.value)
}
