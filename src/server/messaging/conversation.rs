//! One conversation's page: the lead's summary, a page of messages, the calls, what may
//! be sent now. Opening it marks it read and is audited (it shows personal data).

use super::events;
use super::scope;
use super::send_facts::{quiet_wait, send_facts};
use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, CallView, Channel, ChatClaim, LeadStatus, MessageView, Thread, E164,
};
use crate::rules::authz::Capability;
use crate::rules::lead_query::{Cursor, CursorKey};
use crate::rules::send_decision::send_checks;
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// Messages a thread page shows at once; "earlier messages" pages back.
pub const THREAD_PAGE: i64 = 200;

/// The conversation page; opening it marks it read and is audited (it shows personal data).
#[tracing::instrument(skip_all, fields(org = %caller.org_id, conversation = %id))]
pub async fn thread(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    before: &str,
) -> Result<Thread, AppError> {
    let mut conn = pool.acquire().await?;
    let conversation = scope::row(&mut conn, caller, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let facts = send_facts(&mut conn, caller, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let lead = lead_summary(&mut conn, caller, conversation.lead_id).await?;
    let (messages, earlier) = messages_page(&mut conn, caller, id, before).await?;
    let calls = calls_of(&mut conn, caller, id).await?;
    mark_read(&mut conn, caller, ip, id).await?;
    let can_assign = caller.role.may(Capability::AssignLeads);
    let assignees = if can_assign {
        db::leads::assignees(&mut *conn, caller.org_id).await?
    } else {
        Vec::new()
    };
    let chat = match conversation.channel {
        Channel::Chat => Some(chat_claim(&mut conn, id).await?),
        _ => None,
    };
    let quiet = quiet_wait(&mut conn, caller, id).await?;
    let ai_handoff = sqlx::query_scalar("SELECT ai_handoff FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Thread {
        conversation,
        lead_phone: lead.0,
        lead_email: lead.1,
        lead_status: lead.2,
        lead_vehicle: lead.3,
        messages,
        calls,
        checks: send_checks(&facts, quiet),
        consent_review: facts.review,
        can_reply: caller.role.may(Capability::SendMessages),
        can_assign,
        assignees,
        chat,
        earlier,
        ai_handoff,
    })
}

type LeadSummary = (Option<String>, Option<String>, LeadStatus, Option<String>);

/// The lead's phone, e-mail, status and the vehicle it is interested in.
async fn lead_summary(
    conn: &mut PgConnection,
    caller: Caller,
    lead: Uuid,
) -> Result<LeadSummary, sqlx::Error> {
    sqlx::query_as(
        "SELECT phone, email, status, nullif(concat_ws(' ', interest_year::text, interest_make, interest_model), '')
         FROM leads WHERE id = $1 AND org_id = $2",
    )
    .bind(lead)
    .bind(caller.org_id)
    .fetch_one(conn)
    .await
}

/// The latest page of messages (or the page before a cursor), oldest first on screen,
/// and the cursor to the page before it; texts that carry a code were stored masked
/// (`system_text`).
async fn messages_page(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
    before: &str,
) -> Result<(Vec<MessageView>, Option<String>), sqlx::Error> {
    let before: Option<(DateTime<Utc>, Uuid)> = match Cursor::decode(before) {
        Some(Cursor {
            key: CursorKey::Time(at),
            id,
        }) => Some((at, id)),
        _ => None,
    };
    let mut messages: Vec<MessageView> = sqlx::query_as(
        "SELECT m.id, m.direction, m.body, m.media_count, m.sender, u.name AS sender_name, m.category,
                m.status, m.status_reason, m.simulated, m.ai_assisted, m.created_at
         FROM messages m LEFT JOIN users u ON u.id = m.sender_user_id
         WHERE m.conversation_id = $1 AND m.org_id = $2
           AND ($3::timestamptz IS NULL OR (m.created_at, m.id) < ($3, $4))
         ORDER BY m.created_at DESC, m.id DESC LIMIT $5",
    )
    .bind(id)
    .bind(caller.org_id)
    .bind(before.map(|(at, _)| at))
    .bind(before.map(|(_, id)| id))
    .bind(THREAD_PAGE + 1)
    .fetch_all(conn)
    .await?;
    let earlier = (messages.len() as i64 > THREAD_PAGE).then(|| {
        messages.truncate(THREAD_PAGE as usize);
        let oldest = &messages[messages.len() - 1];
        Cursor {
            key: CursorKey::Time(oldest.created_at),
            id: oldest.id,
        }
        .encode()
    });
    messages.reverse();
    Ok((messages, earlier))
}

async fn calls_of(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
) -> Result<Vec<CallView>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, from_number, to_number, direction, started_at, duration_secs, status, transcript
         FROM calls WHERE conversation_id = $1 AND org_id = $2 ORDER BY started_at",
    )
    .bind(id)
    .bind(caller.org_id)
    .fetch_all(conn)
    .await
}

/// The caller has read the conversation: its unread count goes (and other open inboxes
/// drop the badge), and the view is audited.
async fn mark_read(
    conn: &mut PgConnection,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
) -> Result<(), sqlx::Error> {
    let was_unread =
        sqlx::query("UPDATE conversations SET unread_count = 0 WHERE id = $1 AND unread_count > 0")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            > 0;
    if was_unread {
        events::notify(&mut *conn, caller.org_id, id).await?;
    }
    db::audit::record_view(
        &mut *conn,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::ConversationViewed,
            (AuditObject::Conversation, id.to_string()),
            json!({}),
        ),
    )
    .await?;
    Ok(())
}

/// What a web-chat visitor claimed, and whether it was proven.
async fn chat_claim(conn: &mut PgConnection, id: Uuid) -> Result<ChatClaim, sqlx::Error> {
    let (phone, email, verified_how, ended): (Option<String>, Option<String>, Option<String>, bool) =
        sqlx::query_as(
            "SELECT claimed_phone, claimed_email, verified_how, ended_at IS NOT NULL FROM conversations WHERE id = $1",
        )
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(ChatClaim {
        claimed: phone.map(|p| E164::from_stored(p).display()).or(email),
        verified_how,
        ended,
    })
}
