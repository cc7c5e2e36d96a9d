//! A person's reply: checked by `may_send` before it is queued; a refused reply is stored
//! as `blocked` with the reason, in the same transaction, and never reaches the outbox.

use super::events;
use super::inbound::{touch, Activity};
use super::queue::{queue_outbound, Outbound};
use super::send_facts::{quiet_wait, send_facts};
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, MessageCategory, Role, Sender};
use crate::rules::send_decision::{quiet_hours_apply, ReplyPlan};
use crate::rules::send_policy::may_send;
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

pub const MAX_BODY: usize = 1600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyOutcome {
    pub message_id: Uuid,
    /// Why the message was blocked, if it was.
    pub blocked: Option<String>,
}

/// A reply as typed.
pub struct Reply<'a> {
    pub body: &'a str,
    pub category: &'a str,
    /// The text began as the assistant's suggestion.
    pub ai_assisted: bool,
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id, %conversation))]
pub async fn reply(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    conversation: Uuid,
    reply: Reply<'_>,
) -> Result<ReplyOutcome, AppError> {
    let (body, category) = parse_reply(reply.body, reply.category)?;
    if reply.ai_assisted && category != MessageCategory::Conversational {
        return Err(AppError::field(
            "category",
            "A suggested reply goes as a conversational reply only.",
        ));
    }
    let mut tx = pool.begin().await?;
    let plan = decide_reply(&mut tx, caller, conversation, category).await?;
    let reason = plan.reason();
    let message = Outbound {
        sender_user_id: Some(caller.user_id),
        ai_assisted: reply.ai_assisted,
        status_reason: reason.as_deref(),
        not_before: match &plan {
            ReplyPlan::Queued { not_before } => *not_before,
            _ => None,
        },
        ..Outbound::new(
            caller.org_id,
            Some(conversation),
            body,
            Sender::Agent,
            category,
            plan.status(),
        )
    };
    let message_id = queue_outbound(&mut tx, &message).await?;
    touch(&mut tx, conversation, Activity::Reply).await?;
    if caller.role == Role::Agent {
        take_unassigned_lead(&mut tx, caller, conversation).await?;
    }
    if reply.ai_assisted {
        let object = (AuditObject::Conversation, conversation.to_string());
        let detail = json!({ "message": message_id, "blocked": reason });
        let event = AuditEvent::by(caller, ip, AuditAction::AiAssistedReply, object, detail);
        db::audit::record(&mut *tx, event).await?;
    }
    events::notify(&mut tx, caller.org_id, conversation).await?;
    tx.commit().await?;
    Ok(ReplyOutcome {
        message_id,
        blocked: match plan {
            ReplyPlan::Blocked(reason) => Some(reason),
            _ => None,
        },
    })
}

/// The reply's text, trimmed and within bounds, and its category (a reply by default).
fn parse_reply<'a>(body: &'a str, category: &str) -> Result<(&'a str, MessageCategory), AppError> {
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
    Ok((body, category))
}

/// Whether the reply is blocked, delivered or queued (the conversation locked until the
/// transaction ends). Quiet hours hold promotions until the customer's morning; they are
/// not refused.
async fn decide_reply(
    tx: &mut PgConnection,
    caller: Caller,
    conversation: Uuid,
    category: MessageCategory,
) -> Result<ReplyPlan, AppError> {
    let facts = send_facts(tx, caller, conversation, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let decision = may_send(&facts, category);
    let wait = match quiet_hours_apply(&decision, category, facts.channel) {
        true => quiet_wait(tx, caller, conversation).await?,
        false => None,
    };
    Ok(ReplyPlan::of(decision, facts.channel, wait))
}

/// Answering an unassigned conversation takes its lead, and so all its conversations.
async fn take_unassigned_lead(
    tx: &mut PgConnection,
    caller: Caller,
    conversation: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE leads l SET assigned_to = $2, updated_at = now() FROM conversations c
         WHERE c.id = $1 AND l.id = c.lead_id AND l.assigned_to IS NULL",
    )
    .bind(conversation)
    .bind(caller.user_id)
    .execute(tx)
    .await?;
    Ok(())
}
