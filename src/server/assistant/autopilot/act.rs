//! What the autopilot does once it has decided: send (through `may_send`, as a person's
//! reply would go) or hand the conversation to a person.

use crate::model::{AuditAction, AuditObject, Handoff, Insight, MessageCategory, Sender};
use crate::rules::assistant::disclosure;
use crate::rules::send_decision::ReplyPlan;
use crate::rules::send_policy::may_send;
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use crate::server::messaging::inbound::{touch, Activity};
use crate::server::messaging::queue::{queue_outbound, Outbound};
use crate::server::messaging::{events, send_facts::send_facts};
use serde_json::json;
use sqlx::types::Json;
use sqlx::PgConnection;
use uuid::Uuid;

/// What the customer is told when a person takes over (not after an opt-out, which has its
/// own confirmation, nor for a restricted person, who is sent nothing).
pub const HANDOFF_NOTE: &str =
    "Thanks for your patience. I'm passing this to a member of our team, who will reply here shortly.";

/// An answer of the assistant's, with the reading it came from and how many answers in a
/// row made no progress.
pub struct Said<'a> {
    pub body: &'a str,
    pub reading: &'a Insight,
    pub stalled: i32,
}

/// Sends the assistant's answer (its first one in the conversation says it is automated).
pub async fn send(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    store: &str,
    said: Said<'_>,
) -> Result<(), sqlx::Error> {
    let message = say(tx, org_id, conversation, store, said.body).await?;
    sqlx::query(
        "UPDATE conversations SET ai_stalled_turns = $2, ai_last_insight = $3 WHERE id = $1",
    )
    .bind(conversation)
    .bind(said.stalled)
    .bind(Json(said.reading))
    .execute(&mut *tx)
    .await?;
    let detail = json!({ "message": message.0, "blocked": message.1 });
    audit(
        tx,
        org_id,
        conversation,
        AuditAction::AutopilotReplied,
        detail,
    )
    .await
}

/// Stops the autopilot in this conversation and gives it to a person: the lead's agent, or
/// the least busy active agent (a manager when there is none), told through the live inbox.
pub async fn hand_off(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    reason: Handoff,
    store: Option<&str>,
) -> Result<(), sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE conversations SET ai_handoff = $3, ai_handoff_at = now(), status = 'open'
         WHERE id = $1 AND org_id = $2 AND ai_handoff IS NULL",
    )
    .bind(conversation)
    .bind(org_id)
    .bind(reason)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(());
    }
    sqlx::query(
        "UPDATE leads l SET assigned_to = (
             SELECT u.id FROM users u WHERE u.org_id = $1 AND u.active AND u.role IN ('agent', 'manager')
             ORDER BY u.role = 'agent' DESC,
                      (SELECT count(*) FROM leads x WHERE x.assigned_to = u.id AND x.status NOT IN ('won', 'lost')),
                      u.id
             LIMIT 1)
         FROM conversations c
         WHERE c.id = $2 AND l.id = c.lead_id AND l.assigned_to IS NULL",
    )
    .bind(org_id)
    .bind(conversation)
    .execute(&mut *tx)
    .await?;
    let tells_customer = !matches!(reason, Handoff::OptOut | Handoff::Restricted);
    let note = match (store, tells_customer) {
        (Some(store), true) => Some(say(tx, org_id, conversation, store, HANDOFF_NOTE).await?),
        _ => None,
    };
    let detail = json!({ "reason": reason.as_str(), "note": note.map(|n| n.0) });
    audit(
        tx,
        org_id,
        conversation,
        AuditAction::AutopilotHandedOff,
        detail,
    )
    .await
}

/// Stores one assistant message through `may_send`, queued (or delivered, in a web chat)
/// when allowed and blocked with the reason when not; returns its id and the reason.
async fn say(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    store: &str,
    body: &str,
) -> Result<(Uuid, Option<String>), sqlx::Error> {
    let disclosed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = $1 AND sender = 'ai'
                         AND direction = 'outbound' AND status <> 'blocked')",
    )
    .bind(conversation)
    .fetch_one(&mut *tx)
    .await?;
    let body = match disclosed {
        true => body.to_string(),
        false => format!("{} {body}", disclosure(store)),
    };
    let facts = send_facts(tx, Caller::assistant(org_id), conversation, true).await?;
    let plan = match facts {
        Some(facts) => ReplyPlan::of(
            may_send(&facts, MessageCategory::Conversational),
            facts.channel,
            None,
        ),
        None => ReplyPlan::Blocked("The conversation is gone.".into()),
    };
    let reason = plan.reason();
    let message = Outbound {
        status_reason: reason.as_deref(),
        ai_assisted: true,
        ..Outbound::new(
            org_id,
            Some(conversation),
            &body,
            Sender::Ai,
            MessageCategory::Conversational,
            plan.status(),
        )
    };
    let id = queue_outbound(tx, &message).await?;
    touch(tx, conversation, Activity::Other).await?;
    events::notify(tx, org_id, conversation).await?;
    Ok((id, reason))
}

async fn audit(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    action: AuditAction,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let object = (AuditObject::Conversation, conversation.to_string());
    db::audit::record(&mut *tx, AuditEvent::system(org_id, action, object, detail)).await
}

/// A person gives the conversation back to the autopilot after a handoff.
pub async fn resume(
    pool: &sqlx::PgPool,
    caller: Caller,
    ip: Option<std::net::IpAddr>,
    conversation: Uuid,
) -> Result<(), crate::error::AppError> {
    let mut tx = pool.begin().await?;
    crate::server::messaging::scope::row(&mut tx, caller, conversation)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    sqlx::query(
        "UPDATE conversations SET ai_handoff = NULL, ai_handoff_at = NULL, ai_stalled_turns = 0
         WHERE id = $1 AND org_id = $2",
    )
    .bind(conversation)
    .bind(caller.org_id)
    .execute(&mut *tx)
    .await?;
    let object = (AuditObject::Conversation, conversation.to_string());
    let event = AuditEvent::by(caller, ip, AuditAction::AutopilotResumed, object, json!({}));
    db::audit::record(&mut *tx, event).await?;
    events::notify(&mut tx, caller.org_id, conversation).await?;
    tx.commit().await?;
    Ok(())
}
