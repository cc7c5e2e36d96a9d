//! Storing what customers send: one transaction per message, idempotent on the
//! provider's id, creating the lead and the conversation when they are new.

use super::events;
use crate::error::AppError;
use crate::model::{Channel, LeadSource, E164};
use crate::server::db::leads::{self, LeadFields, PhoneTaken};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct InboundMessage<'a> {
    pub org_id: Uuid,
    pub channel: Channel,
    pub provider_id: &'a str,
    pub from: &'a E164,
    pub body: &'a str,
    pub media_count: i32,
}

/// The conversation the message landed in, or `None` when this provider id was stored
/// before (a retried webhook): then nothing changes. A transaction that PostgreSQL aborted
/// (a deadlock, a serialization failure, a connection lost in a restart) is run again, a
/// few times: the carrier does not resend a text we answered with an error, and doing it
/// again is safe, since a message is stored once by its provider id.
#[tracing::instrument(skip_all, fields(org = %message.org_id, channel = message.channel.as_str()))]
pub async fn receive(pool: &PgPool, message: InboundMessage<'_>) -> Result<Option<Uuid>, AppError> {
    let mut attempt = 0;
    loop {
        match receive_once(pool, &message).await {
            Err(error) if attempt < RETRIES && worth_retrying(&error) => {
                attempt += 1;
                tracing::warn!(attempt, "inbound message transaction aborted; trying again");
                tokio::time::sleep(std::time::Duration::from_millis(100 * attempt as u64)).await;
            }
            other => return other.map_err(AppError::from),
        }
    }
}

const RETRIES: u32 = 3;

/// Aborted by PostgreSQL rather than refused: a deadlock, a serialization failure, or a
/// connection that died.
pub fn worth_retrying(error: &sqlx::Error) -> bool {
    crate::server::db::pool::is_connection_error(error)
        || error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| matches!(code.as_ref(), "40P01" | "40001"))
}

async fn receive_once(
    pool: &PgPool,
    message: &InboundMessage<'_>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let source = match message.channel {
        Channel::Sms => LeadSource::Sms,
        Channel::Voice => LeadSource::Call,
        Channel::Chat | Channel::Whatsapp => LeadSource::Chat,
    };
    let lead = lead_for_phone(&mut tx, message.org_id, message.from, source).await?;
    let conversation = conversation_for(&mut tx, message.org_id, lead, message.channel).await?;
    let stored: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, media_count, sender, status, provider_message_id)
         VALUES ($1, $2, 'inbound', $3, $4, 'customer', 'received', $5)
         ON CONFLICT (org_id, provider_message_id) DO NOTHING RETURNING id",
    )
    .bind(message.org_id)
    .bind(conversation)
    .bind(message.body)
    .bind(message.media_count)
    .bind(message.provider_id)
    .fetch_optional(&mut *tx)
    .await?;
    if stored.is_none() {
        tx.rollback().await?;
        return Ok(None);
    }
    touch(&mut tx, conversation, Activity::Inbound).await?;
    let keywords = crate::server::consent::keywords::Inbound {
        org_id: message.org_id,
        conversation,
        message_id: stored.unwrap_or_default(),
        phone: message.from.as_str(),
        channel: message.channel,
        body: message.body,
    };
    let intent = crate::server::consent::keywords::apply(&mut tx, &keywords).await?;
    crate::server::appointments::replies::after_inbound(
        &mut tx,
        message.org_id,
        conversation,
        message.body,
        intent,
    )
    .await?;
    crate::server::assistant::jobs::after_inbound(
        &mut tx,
        message.org_id,
        conversation,
        message.channel,
    )
    .await?;
    events::notify(&mut tx, message.org_id, conversation).await?;
    tx.commit().await?;
    Ok(Some(conversation))
}

/// The lead with this phone number, created (named after the number) if there is none.
pub async fn lead_for_phone(
    conn: &mut PgConnection,
    org_id: Uuid,
    phone: &E164,
    source: LeadSource,
) -> Result<Uuid, sqlx::Error> {
    let fields = LeadFields {
        name: phone.display(),
        phone: Some(phone.as_str().to_string()),
        ..LeadFields::default()
    };
    leads::insert(conn, org_id, source, None, &fields, PhoneTaken::UseExisting).await
}

/// The lead's conversation on a channel; the customer writing marks it customer-initiated.
/// Not for web chat, where every chat is a conversation of its own (`chat::start`).
pub async fn conversation_for(
    conn: &mut PgConnection,
    org_id: Uuid,
    lead: Uuid,
    channel: Channel,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO conversations (org_id, lead_id, channel, customer_initiated)
         VALUES ($1, $2, $3, true)
         ON CONFLICT (org_id, lead_id, channel) WHERE channel <> 'chat' DO UPDATE SET customer_initiated = true
         RETURNING id",
    )
    .bind(org_id)
    .bind(lead)
    .bind(channel)
    .fetch_one(conn)
    .await
}

/// What happened in a conversation, for its unread count and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// The customer wrote: one more unread, and a resolved thread opens again.
    Inbound,
    /// Someone answered: the thread has been read.
    Reply,
    /// Anything else (a call's progress): only the time moves.
    Other,
}

pub async fn touch(
    conn: &mut PgConnection,
    conversation: Uuid,
    activity: Activity,
) -> Result<(), sqlx::Error> {
    let sql = match activity {
        Activity::Inbound => {
            "UPDATE conversations SET last_activity_at = now(), unread_count = unread_count + 1,
                 status = 'open' WHERE id = $1"
        }
        Activity::Reply => {
            "UPDATE conversations SET last_activity_at = now(), unread_count = 0 WHERE id = $1"
        }
        Activity::Other => "UPDATE conversations SET last_activity_at = now() WHERE id = $1",
    };
    sqlx::query(sql).bind(conversation).execute(conn).await?;
    Ok(())
}
