//! What managers read of the assistant: AI calls per day and purpose, and every autopilot
//! message and handoff with its reason.

use crate::error::AppError;
use crate::model::{AiActivity, AutopilotEntry};
use sqlx::PgPool;
use uuid::Uuid;

/// The newest autopilot messages and handoffs shown.
const LOG_ROWS: i64 = 100;

#[tracing::instrument(skip_all, fields(org = %org_id))]
pub async fn activity(pool: &PgPool, org_id: Uuid) -> Result<AiActivity, AppError> {
    let usage = super::events::usage(pool, org_id).await?;
    let autopilot: Vec<AutopilotEntry> = sqlx::query_as(
        "(SELECT m.conversation_id, l.name AS lead_name, c.channel, m.created_at AS at,
                 NULL::ai_handoff AS handoff,
                 CASE WHEN m.status = 'blocked' THEN 'Blocked: ' || coalesce(m.status_reason, '')
                      ELSE m.body END AS detail
          FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN leads l ON l.id = c.lead_id
          WHERE m.org_id = $1 AND m.sender = 'ai' AND m.direction = 'outbound'
          ORDER BY m.created_at DESC LIMIT $2)
         UNION ALL
         (SELECT c.id, l.name, c.channel, c.ai_handoff_at, c.ai_handoff, ''
          FROM conversations c JOIN leads l ON l.id = c.lead_id
          WHERE c.org_id = $1 AND c.ai_handoff IS NOT NULL
          ORDER BY c.ai_handoff_at DESC LIMIT $2)
         ORDER BY at DESC LIMIT $2",
    )
    .bind(org_id)
    .bind(LOG_ROWS)
    .fetch_all(pool)
    .await?;
    Ok(AiActivity { usage, autopilot })
}
