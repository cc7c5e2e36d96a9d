//! The inbox, a lead's conversations, and what staff do to a conversation (status,
//! consent review, assignment), scoped by their lead (`scope`). The conversation page
//! itself is `conversation`.

use super::events;
use super::scope::{scoped, FROM, ROW};
use super::send_facts::send_facts;
use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, CallView, Channel, ConversationRow, ConversationStatus, InboxQuery,
    Page,
};
use crate::rules::lead_query::{Cursor, CursorKey};
use crate::server::auth::Caller;
use crate::server::consent;
use crate::server::db::{self, audit::AuditEvent};
use serde_json::json;
use sqlx::{PgPool, QueryBuilder};
use std::net::IpAddr;
use uuid::Uuid;

pub use super::conversation::{thread, THREAD_PAGE};

/// Whose conversations the inbox lists (`InboxQuery::view`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InboxView {
    /// Everything the caller may see (the default, and any view it does not know).
    All,
    Mine,
    Unassigned,
}

impl InboxView {
    fn parse(view: &str) -> InboxView {
        match view {
            "mine" => InboxView::Mine,
            "unassigned" => InboxView::Unassigned,
            _ => InboxView::All,
        }
    }
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn inbox(
    pool: &PgPool,
    caller: Caller,
    query: &InboxQuery,
) -> Result<Page<ConversationRow>, AppError> {
    let mut qb = QueryBuilder::new(format!("SELECT {ROW}{FROM}"));
    scoped(&mut qb, caller);
    match InboxView::parse(&query.view) {
        InboxView::Mine => {
            qb.push(" AND l.assigned_to = ").push_bind(caller.user_id);
        }
        InboxView::Unassigned => {
            qb.push(" AND l.assigned_to IS NULL");
        }
        InboxView::All => {}
    }
    if let Ok(status) = query.status.parse::<ConversationStatus>() {
        qb.push(" AND c.status = ").push_bind(status);
    }
    if let Ok(channel) = query.channel.parse::<Channel>() {
        qb.push(" AND c.channel = ").push_bind(channel);
    }
    if let Some(Cursor {
        key: CursorKey::Time(at),
        id,
    }) = Cursor::decode(&query.cursor)
    {
        qb.push(" AND (c.last_activity_at, c.id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    qb.push(" ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ")
        .push_bind(Page::<ConversationRow>::FETCH);
    let rows = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    Ok(Page::cut(rows, |last: &ConversationRow| {
        Cursor {
            key: CursorKey::Time(last.last_activity_at),
            id: last.id,
        }
        .encode()
    }))
}

/// A lead's conversations the caller can see, and the calls among them, for its timeline.
pub async fn for_lead(
    pool: &PgPool,
    caller: Caller,
    lead: Uuid,
) -> Result<(Vec<ConversationRow>, Vec<CallView>), sqlx::Error> {
    let mut qb = QueryBuilder::new(format!("SELECT {ROW}{FROM}"));
    scoped(&mut qb, caller);
    qb.push(" AND c.lead_id = ")
        .push_bind(lead)
        .push(" ORDER BY c.last_activity_at DESC");
    let conversations: Vec<ConversationRow> = qb.build_query_as().fetch_all(pool).await?;
    let ids: Vec<Uuid> = conversations.iter().map(|c| c.id).collect();
    let calls = sqlx::query_as(
        "SELECT id, from_number, to_number, direction, started_at, duration_secs, status, transcript
         FROM calls WHERE org_id = $1 AND conversation_id = ANY($2) ORDER BY started_at DESC",
    )
    .bind(caller.org_id)
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    Ok((conversations, calls))
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id, conversation = %id))]
pub async fn set_status(
    pool: &PgPool,
    caller: Caller,
    id: Uuid,
    status: &str,
) -> Result<(), AppError> {
    let status: ConversationStatus = status
        .parse()
        .map_err(|e: String| AppError::field("status", e))?;
    let mut tx = pool.begin().await?;
    send_facts(&mut tx, caller, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    sqlx::query("UPDATE conversations SET status = $2 WHERE id = $1")
        .bind(id)
        .bind(status)
        .execute(&mut *tx)
        .await?;
    events::notify(&mut tx, caller.org_id, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A person decides whether a text held for review was an opt-out; audited.
#[tracing::instrument(skip_all, fields(org = %caller.org_id, conversation = %id))]
pub async fn review_consent(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    opted_out: bool,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    send_facts(&mut tx, caller, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if !consent::keywords::settle_review(&mut tx, caller, id, opted_out).await? {
        return Err(AppError::Conflict(
            "Nothing on this conversation is waiting for review.".into(),
        ));
    }
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::ConsentReviewed,
            (AuditObject::Conversation, id.to_string()),
            json!({ "opt_out": opted_out }),
        ),
    )
    .await?;
    events::notify(&mut tx, caller.org_id, id).await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id, conversation = %id))]
pub async fn assign(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    assignee: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let assignee = match assignee.trim() {
        "" => None,
        text => {
            let allowed = db::leads::assignees(&mut *tx, caller.org_id).await?;
            let id = text
                .parse::<Uuid>()
                .ok()
                .filter(|id| allowed.iter().any(|a| a.id == *id));
            Some(id.ok_or_else(|| AppError::field("assignee", "Choose someone from the list."))?)
        }
    };
    // A conversation is its lead's: assigning it assigns the lead and all its conversations.
    let lead: Option<Uuid> = sqlx::query_scalar(
        "UPDATE leads l SET assigned_to = $3, updated_at = now() FROM conversations c
         WHERE c.org_id = $1 AND c.id = $2 AND l.id = c.lead_id RETURNING l.id",
    )
    .bind(caller.org_id)
    .bind(id)
    .bind(assignee)
    .fetch_optional(&mut *tx)
    .await?;
    let lead = lead.ok_or(AppError::NotFound)?;
    events::notify_lead(&mut tx, caller.org_id, lead).await?;
    let detail = json!({ "assignee": assignee, "lead": lead });
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::ConversationAssigned,
            (AuditObject::Conversation, id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
