//! The insight stored on a lead (score, intent, reasons, summary, facts), and what a
//! person sees of it. The assistant writes it; only a person's click moves a fact into the
//! lead's own fields (`accept`).

use crate::error::AppError;
use crate::model::{Facts, Insight, InsightView, LeadIntent, ScoreReason};
use crate::server::auth::Caller;
use crate::server::db;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, QueryBuilder};
use uuid::Uuid;

/// Stores the insight on the conversation's lead, unless the lead is restricted or erased.
/// The lead's `updated_at` stays: the assistant reading a thread is not an edit.
pub async fn store(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation_id: Uuid,
    insight: &Insight,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE leads l SET ai_score = $3, ai_intent = $4, ai_reasons = $5, ai_summary = $6,
             ai_facts = $7, ai_confidence = $8, ai_updated_at = now()
         FROM conversations c
         WHERE c.id = $2 AND c.org_id = $1 AND l.id = c.lead_id
           AND l.restricted_at IS NULL AND l.erased_at IS NULL",
    )
    .bind(org_id)
    .bind(conversation_id)
    .bind(insight.score.clamp(0, 100))
    .bind(insight.intent)
    .bind(Json(&insight.reasons))
    .bind(&insight.summary)
    .bind(Json(&insight.facts))
    .bind(insight.confidence.clamp(0, 100))
    .execute(conn)
    .await?;
    Ok(())
}

type Row = (
    i16,
    LeadIntent,
    Json<Vec<ScoreReason>>,
    Vec<String>,
    Json<Facts>,
    i16,
    DateTime<Utc>,
    bool,
);

/// The lead's insight, if the caller can see the lead and there is one.
pub async fn for_lead(
    conn: &mut PgConnection,
    caller: Caller,
    lead_id: Uuid,
) -> Result<Option<InsightView>, AppError> {
    let mut qb = QueryBuilder::new(
        "SELECT l.ai_score, l.ai_intent, l.ai_reasons, l.ai_summary, l.ai_facts, l.ai_confidence,
                l.ai_updated_at, l.restricted_at IS NOT NULL
         FROM leads l WHERE l.ai_updated_at IS NOT NULL AND l.erased_at IS NULL AND l.org_id = ",
    );
    qb.push_bind(caller.org_id)
        .push(" AND l.id = ")
        .push_bind(lead_id);
    db::scope::visible(&mut qb, caller.scope());
    let row: Option<Row> = qb.build_query_as().fetch_optional(conn).await?;
    Ok(row.map(
        |(score, intent, reasons, summary, facts, confidence, at, restricted)| InsightView {
            lead_id,
            insight: Insight {
                intent,
                score,
                reasons: reasons.0,
                summary,
                facts: facts.0,
                confidence,
            },
            updated_at: at,
            restricted,
        },
    ))
}
