//! Storing an outgoing message: one insert for a person's reply, a system text and a
//! web-chat line alike, and the outbox row when the message waits for the worker.

use crate::model::Purpose;
use crate::model::{DeliveryStatus, MessageCategory, Sender};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// An outgoing message as it is stored.
pub struct Outbound<'a> {
    pub org_id: Uuid,
    /// None for a system text to a number that is nobody's conversation (`to_phone`).
    pub conversation: Option<Uuid>,
    pub to_phone: Option<&'a str>,
    /// What staff see (a code masked).
    pub body: &'a str,
    pub sender: Sender,
    pub sender_user_id: Option<Uuid>,
    pub category: MessageCategory,
    /// `Queued` puts it in the outbox; any other status stores it as it is.
    pub status: DeliveryStatus,
    pub status_reason: Option<&'a str>,
    pub purpose: Option<Purpose>,
    /// The consent event it answers (the opt-out it confirms).
    pub consent_event_id: Option<i64>,
    /// What the carrier gets instead of `body` (a code); leaves with the outbox row.
    pub secret_body: Option<&'a str>,
    /// A promotion held for quiet hours; none to go as soon as the worker can.
    pub not_before: Option<DateTime<Utc>>,
    /// Written by the assistant, or drafted by it and sent by a person.
    pub ai_assisted: bool,
}

impl<'a> Outbound<'a> {
    /// A message with no purpose, reason, secret or wait, to fill in from.
    pub fn new(
        org_id: Uuid,
        conversation: Option<Uuid>,
        body: &'a str,
        sender: Sender,
        category: MessageCategory,
        status: DeliveryStatus,
    ) -> Self {
        Outbound {
            org_id,
            conversation,
            to_phone: None,
            body,
            sender,
            sender_user_id: None,
            category,
            status,
            status_reason: None,
            purpose: None,
            consent_event_id: None,
            secret_body: None,
            not_before: None,
            ai_assisted: false,
        }
    }
}

/// Stores the message, and queues it for the worker when its status is `Queued`, in the
/// caller's transaction. Returns the message's id.
pub async fn queue_outbound(
    conn: &mut PgConnection,
    m: &Outbound<'_>,
) -> Result<Uuid, sqlx::Error> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, to_phone, direction, body, sender, sender_user_id,
                               category, status, status_reason, purpose, consent_event_id, ai_assisted)
         VALUES ($1, $2, $3, 'outbound', $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(m.org_id)
    .bind(m.conversation)
    .bind(m.to_phone)
    .bind(m.body)
    .bind(m.sender)
    .bind(m.sender_user_id)
    .bind(m.category)
    .bind(m.status)
    .bind(m.status_reason)
    .bind(m.purpose)
    .bind(m.consent_event_id)
    .bind(m.ai_assisted)
    .fetch_one(&mut *conn)
    .await?;
    if m.status == DeliveryStatus::Queued {
        sqlx::query(
            "INSERT INTO outbox (message_id, org_id, secret_body, next_attempt_at)
             VALUES ($1, $2, $3, coalesce($4, now()))",
        )
        .bind(id)
        .bind(m.org_id)
        .bind(m.secret_body)
        .bind(m.not_before)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}
