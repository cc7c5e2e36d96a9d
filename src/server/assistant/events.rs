//! The AI event log: one row per call with its organisation, conversation, provider, model,
//! purpose, tokens, latency and outcome — never what was said.

use super::Context;
use crate::model::{AiProvider, AiUsageRow};
use sqlx::PgPool;
use uuid::Uuid;

/// What an AI call was for, as the usage page groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallPurpose {
    Insight,
    Draft,
    Autopilot,
    Voice,
}

impl CallPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CallPurpose::Insight => "insight",
            CallPurpose::Draft => "draft",
            CallPurpose::Autopilot => "autopilot",
            CallPurpose::Voice => "voice",
        }
    }
}

pub struct AiEvent {
    pub org_id: Uuid,
    pub conversation_id: Option<Uuid>,
    pub provider: AiProvider,
    pub model: String,
    pub purpose: CallPurpose,
    pub tokens_in: i32,
    pub tokens_out: i32,
    pub latency_ms: i32,
    pub outcome: &'static str,
}

impl AiEvent {
    pub fn new(
        context: &Context,
        provider: AiProvider,
        purpose: CallPurpose,
        latency_ms: i32,
    ) -> AiEvent {
        AiEvent {
            org_id: context.org_id,
            conversation_id: Some(context.conversation_id),
            provider,
            model: String::new(),
            purpose,
            tokens_in: 0,
            tokens_out: 0,
            latency_ms,
            outcome: "ok",
        }
    }
}

pub async fn record(pool: &PgPool, e: &AiEvent) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ai_events (org_id, conversation_id, provider, model, purpose, tokens_in, tokens_out, latency_ms, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.org_id)
    .bind(e.conversation_id)
    .bind(e.provider)
    .bind(if e.model.is_empty() { "unknown" } else { &e.model })
    .bind(e.purpose.as_str())
    .bind(e.tokens_in)
    .bind(e.tokens_out)
    .bind(e.latency_ms)
    .bind(e.outcome)
    .execute(pool)
    .await?;
    Ok(())
}

/// Calls per day (in the organisation's zone) and purpose, the last 30 days, newest first.
pub async fn usage(pool: &PgPool, org_id: Uuid) -> Result<Vec<AiUsageRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT (e.created_at AT TIME ZONE o.time_zone)::date AS day, e.purpose,
                count(*) AS calls, count(*) FILTER (WHERE e.outcome <> 'ok') AS failures,
                coalesce(sum(e.tokens_in), 0)::bigint AS tokens_in,
                coalesce(sum(e.tokens_out), 0)::bigint AS tokens_out,
                coalesce(avg(e.latency_ms), 0)::bigint AS mean_latency_ms
         FROM ai_events e JOIN organisations o ON o.id = e.org_id
         WHERE e.org_id = $1 AND e.created_at > now() - interval '30 days'
         GROUP BY 1, 2 ORDER BY 1 DESC, 2",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await
}
