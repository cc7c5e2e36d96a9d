//! A person's reply: checked by `may_send` before it is queued; a refused reply is stored
//! as `blocked` with the reason, in the same transaction, and never reaches the outbox.

use super::inbound::{touch, Activity};
use super::{events, threads};
use crate::error::AppError;
use crate::model::{Channel, MessageCategory, Role};
use crate::rules::send_policy::may_send;
use crate::server::auth::Caller;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

pub const MAX_BODY: usize = 1600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyOutcome {
    pub message_id: Uuid,
    /// Why the message was blocked, if it was.
    pub blocked: Option<String>,
}

pub async fn reply(
    pool: &PgPool,
    caller: Caller,
    conversation: Uuid,
    body: &str,
    category: &str,
) -> Result<ReplyOutcome, AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "Write a message first."));
    }
    if body.chars().count() > MAX_BODY {
        return Err(AppError::field(
            "body",
            format!("Keep a message under {MAX_BODY} characters."),
        ));
    }
    let category: MessageCategory = match category.trim() {
        "" => MessageCategory::Conversational,
        other => other
            .parse()
            .map_err(|e: String| AppError::field("category", e))?,
    };
    let mut tx = pool.begin().await?;
    let facts = threads::send_facts(&mut tx, caller, conversation, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let decision = may_send(&facts, category);
    let (status, reason) = match (&decision, facts.channel) {
        (Err(reason), _) => ("blocked", Some(reason.clone())),
        // Web chat replies are read on our own page: delivered the moment they are stored.
        (Ok(()), Channel::Chat) => ("delivered", None),
        (Ok(()), _) => ("queued", None),
    };
    let message_id: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, sender_user_id, category, status, status_reason)
         VALUES ($1, $2, 'outbound', $3, 'agent', $4, $5, $6::delivery_status, $7) RETURNING id",
    )
    .bind(caller.org_id)
    .bind(conversation)
    .bind(body)
    .bind(caller.user_id)
    .bind(category)
    .bind(status)
    .bind(&reason)
    .fetch_one(&mut *tx)
    .await?;
    if status == "queued" {
        sqlx::query("INSERT INTO outbox (message_id, org_id) VALUES ($1, $2)")
            .bind(message_id)
            .bind(caller.org_id)
            .execute(&mut *tx)
            .await?;
    }
    touch(&mut tx, conversation, Activity::Reply).await?;
    if caller.role == Role::Agent {
        // Answering an unassigned conversation takes it.
        sqlx::query(
            "UPDATE conversations SET assigned_to = $2 WHERE id = $1 AND assigned_to IS NULL",
        )
        .bind(conversation)
        .bind(caller.user_id)
        .execute(&mut *tx)
        .await?;
    }
    events::notify(&mut tx, caller.org_id, conversation).await?;
    tx.commit().await?;
    Ok(ReplyOutcome {
        message_id,
        blocked: reason,
    })
}
