//! The inbox and one conversation, scoped by their lead: agents see the conversations of
//! leads assigned to them or to nobody; another organisation's conversation does not exist.

use crate::error::AppError;
use crate::model::{
    CallView, Channel, ChatClaim, ConversationRow, ConversationStatus, InboxPage, InboxQuery,
    MessageCategory, MessageView, SendCheck, Thread,
};
use crate::rules::authz::Capability;
use crate::rules::lead_query::{Cursor, CursorKey};
use crate::rules::send_policy::{may_send, SendFacts};
use crate::server::auth::Caller;
use crate::server::consent;
use crate::server::db::{self, audit::Event};
use crate::server::messaging::events;
use serde_json::json;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use std::net::IpAddr;
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 50;

const ROW: &str = "c.id, c.lead_id, l.name AS lead_name, c.channel, c.status, l.assigned_to, u.name AS assignee,
    c.unread_count, c.last_activity_at,
    (SELECT m.body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_message";
const FROM: &str = " FROM conversations c JOIN leads l ON l.id = c.lead_id LEFT JOIN users u ON u.id = l.assigned_to";

fn scoped(qb: &mut QueryBuilder<'_, Postgres>, caller: Caller) {
    qb.push(" WHERE c.org_id = ").push_bind(caller.org_id);
    db::leads::visible(qb, caller.scope());
}

pub async fn inbox(
    pool: &PgPool,
    caller: Caller,
    query: &InboxQuery,
) -> Result<InboxPage, AppError> {
    let mut qb = QueryBuilder::new(format!("SELECT {ROW}{FROM}"));
    scoped(&mut qb, caller);
    match query.view.as_str() {
        "mine" => {
            qb.push(" AND l.assigned_to = ").push_bind(caller.user_id);
        }
        "unassigned" => {
            qb.push(" AND l.assigned_to IS NULL");
        }
        _ => {}
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
        .push_bind(PAGE_SIZE + 1);
    let mut rows: Vec<ConversationRow> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let next_cursor = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        let last = &rows[rows.len() - 1];
        Cursor {
            key: CursorKey::Time(last.last_activity_at),
            id: last.id,
        }
        .encode()
    });
    Ok(InboxPage { rows, next_cursor })
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

async fn row(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
) -> Result<Option<ConversationRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(format!("SELECT {ROW}{FROM}"));
    scoped(&mut qb, caller);
    qb.push(" AND c.id = ").push_bind(id);
    qb.build_query_as().fetch_optional(conn).await
}

/// What `may_send` needs about a conversation the caller can see (locked when `lock`).
pub async fn send_facts(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
    lock: bool,
) -> Result<Option<SendFacts>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT c.channel, c.customer_initiated, (l.phone IS NOT NULL OR c.channel = 'chat'), l.phone, c.consent_review,
                l.restricted_at IS NOT NULL, c.ended_at IS NOT NULL
         FROM conversations c JOIN leads l ON l.id = c.lead_id",
    );
    scoped(&mut qb, caller);
    qb.push(" AND c.id = ").push_bind(id);
    if lock {
        qb.push(" FOR UPDATE OF c");
    }
    let row: Option<FactsRow> = qb.build_query_as().fetch_optional(&mut *conn).await?;
    let Some((channel, customer_initiated, has_address, phone, review, restricted, ended)) = row
    else {
        return Ok(None);
    };
    let ledger = match phone {
        Some(phone) => {
            consent::events_for(
                conn,
                caller.org_id,
                &phone,
                crate::model::ChannelFamily::of(channel),
            )
            .await?
        }
        None => Vec::new(),
    };
    Ok(Some(SendFacts {
        channel,
        customer_initiated,
        has_address,
        ledger,
        review,
        restricted,
        ended,
    }))
}

type FactsRow = (Channel, bool, bool, Option<String>, bool, bool, bool);

/// The conversation page; opening it marks it read and is audited (it shows personal data).
pub async fn thread(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    before: &str,
) -> Result<Thread, AppError> {
    let mut conn = pool.acquire().await?;
    let conversation = row(&mut conn, caller, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let facts = send_facts(&mut conn, caller, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let lead: (Option<String>, Option<String>, crate::model::LeadStatus, Option<String>) = sqlx::query_as(
        "SELECT phone, email, status, nullif(concat_ws(' ', interest_year::text, interest_make, interest_model), '')
         FROM leads WHERE id = $1 AND org_id = $2",
    )
    .bind(conversation.lead_id)
    .bind(caller.org_id)
    .fetch_one(&mut *conn)
    .await?;
    // The latest page of messages (or the page before a cursor), oldest first on screen;
    // texts that carry a code were stored masked (`system_text`).
    let before = match Cursor::decode(before) {
        Some(Cursor {
            key: CursorKey::Time(at),
            id,
        }) => Some((at, id)),
        _ => None,
    };
    let mut messages: Vec<MessageView> = sqlx::query_as(
        "SELECT m.id, m.direction, m.body, m.media_count, m.sender, u.name AS sender_name, m.category,
                m.status, m.status_reason, m.simulated, m.created_at
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
    .fetch_all(&mut *conn)
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
    let calls: Vec<CallView> = sqlx::query_as(
        "SELECT id, from_number, to_number, direction, started_at, duration_secs, status, transcript
         FROM calls WHERE conversation_id = $1 AND org_id = $2 ORDER BY started_at",
    )
    .bind(id)
    .bind(caller.org_id)
    .fetch_all(&mut *conn)
    .await?;
    let was_unread =
        sqlx::query("UPDATE conversations SET unread_count = 0 WHERE id = $1 AND unread_count > 0")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            > 0;
    if was_unread {
        // Other open inboxes drop the badge too.
        events::notify(&mut conn, caller.org_id, id).await?;
    }
    db::audit::record_view(
        &mut conn,
        Event::by(
            caller,
            ip,
            "conversation.viewed",
            ("conversation", id.to_string()),
            json!({}),
        ),
    )
    .await?;
    let can_assign = caller.role.may(Capability::AssignLeads);
    let assignees = if can_assign {
        db::leads::assignees(&mut *conn, caller.org_id).await?
    } else {
        Vec::new()
    };
    let chat = match conversation.channel {
        Channel::Chat => {
            let (phone, email, verified_how, ended): (Option<String>, Option<String>, Option<String>, bool) =
                sqlx::query_as(
                    "SELECT claimed_phone, claimed_email, verified_how, ended_at IS NOT NULL FROM conversations WHERE id = $1",
                )
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
            Some(ChatClaim {
                claimed: phone
                    .map(|p| crate::model::E164::from_stored(p).display())
                    .or(email),
                verified_how,
                ended,
            })
        }
        _ => None,
    };
    let quiet = super::outbound::quiet_wait(&mut conn, caller, id).await?;
    let checks = MessageCategory::ALL
        .iter()
        .map(|category| {
            let decision = may_send(&facts, *category);
            let reason = match (&decision, category, quiet) {
                (Ok(()), MessageCategory::Promotional, Some(at)) => Some(format!(
                    "Promotional: allowed, but quiet hours: it waits until {} UTC (08:00 for the customer).",
                    at.format("%d %b %H:%M")
                )),
                _ => decision.clone().err(),
            };
            SendCheck {
                category: *category,
                allowed: decision.is_ok(),
                reason,
            }
        })
        .collect();
    Ok(Thread {
        conversation,
        lead_phone: lead.0,
        lead_email: lead.1,
        lead_status: lead.2,
        lead_vehicle: lead.3,
        messages,
        calls,
        checks,
        consent_review: facts.review,
        can_reply: caller.role.may(Capability::SendMessages),
        can_assign,
        assignees,
        chat,
        earlier,
    })
}

/// Messages a thread page shows at once; "earlier messages" pages back.
pub const THREAD_PAGE: i64 = 200;

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
    super::events::notify(&mut tx, caller.org_id, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A person decides whether a text held for review was an opt-out; audited.
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
        Event::by(
            caller,
            ip,
            "consent.reviewed",
            ("conversation", id.to_string()),
            json!({ "opt_out": opted_out }),
        ),
    )
    .await?;
    events::notify(&mut tx, caller.org_id, id).await?;
    tx.commit().await?;
    Ok(())
}

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
    super::events::notify_lead(&mut tx, caller.org_id, lead).await?;
    let detail = json!({ "assignee": assignee, "lead": lead });
    db::audit::record(
        &mut *tx,
        Event::by(
            caller,
            ip,
            "conversation.assigned",
            ("conversation", id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
