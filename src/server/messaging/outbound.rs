//! A person's reply: checked by `may_send` before it is queued; a refused reply is stored
//! as `blocked` with the reason, in the same transaction, and never reaches the outbox.

use super::inbound::{touch, Activity};
use super::{events, threads};
use crate::error::AppError;
use crate::model::{Channel, MessageCategory, Role};
use crate::rules::quiet_hours;
use crate::rules::send_policy::may_send;
use crate::server::auth::Caller;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
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
    // Quiet hours hold promotions until the customer's morning; they are not refused.
    // A web-chat visitor is on our page now: chat replies are delivered, never queued.
    let wait = match (&decision, category, facts.channel) {
        (Ok(()), MessageCategory::Promotional, channel) if channel != Channel::Chat => {
            quiet_wait(&mut tx, caller, conversation).await?
        }
        _ => None,
    };
    let (status, reason) = match (&decision, facts.channel, wait) {
        (Err(reason), _, _) => ("blocked", Some(reason.clone())),
        (Ok(()), _, Some(at)) => ("queued", Some(super::outbox::quiet_note(at))),
        // Web chat replies are read on our own page: delivered the moment they are stored.
        (Ok(()), Channel::Chat, None) => ("delivered", None),
        (Ok(()), _, None) => ("queued", None),
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
        sqlx::query("INSERT INTO outbox (message_id, org_id, next_attempt_at) VALUES ($1, $2, coalesce($3, now()))")
            .bind(message_id)
            .bind(caller.org_id)
            .bind(wait)
            .execute(&mut *tx)
            .await?;
    }
    touch(&mut tx, conversation, Activity::Reply).await?;
    if caller.role == Role::Agent {
        // Answering an unassigned conversation takes its lead, and so all its conversations.
        sqlx::query(
            "UPDATE leads l SET assigned_to = $2, updated_at = now() FROM conversations c
             WHERE c.id = $1 AND l.id = c.lead_id AND l.assigned_to IS NULL",
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
        blocked: reason.filter(|_| status == "blocked"),
    })
}

/// When a promotional message to this conversation's customer may go, if not now.
pub async fn quiet_wait(
    conn: &mut PgConnection,
    caller: Caller,
    conversation: Uuid,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    let (lead_zone, org_zone): (Option<String>, String) = sqlx::query_as(
        "SELECT l.time_zone, o.time_zone FROM conversations c JOIN leads l ON l.id = c.lead_id
         JOIN organisations o ON o.id = c.org_id WHERE c.id = $1 AND c.org_id = $2",
    )
    .bind(conversation)
    .bind(caller.org_id)
    .fetch_one(conn)
    .await?;
    let zone = quiet_hours::zone_of(lead_zone.as_deref(), &org_zone);
    Ok(quiet_hours::promotional_wait(chrono::Utc::now(), zone))
}
