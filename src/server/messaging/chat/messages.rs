//! A chat's lines: starting a chat, what the visitor's page shows, and what they type.

use super::visitor::{hash, visitor, Claim, Visitor};
use crate::error::AppError;
use crate::model::{
    Channel, ChatLine, ChatView, DeliveryStatus, FieldErrors, LeadSource, MessageCategory, Sender,
};
use crate::rules::account::person_name;
use crate::rules::intent::{classify, Intent};
use crate::rules::limits::{CHAT_SEND_IP, CHAT_START_CONTACT, CHAT_START_IP};
use crate::server::db::leads::{self, LeadFields, PhoneTaken::Refuse};
use crate::server::messaging::queue::{queue_outbound, Outbound};
use crate::server::messaging::{events, inbound};
use crate::server::{db, rate_limit};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

fn address(ip: Option<IpAddr>) -> String {
    crate::rules::limits::address_subject(ip)
}

/// Starts a chat of its own for the visitor; returns the token to hand to the browser.
#[tracing::instrument(skip_all, fields(org = %slug))]
pub async fn start(
    pool: &PgPool,
    slug: &str,
    ip: Option<IpAddr>,
    name: &str,
    contact: &str,
) -> Result<String, AppError> {
    let org_id = db::orgs::id_by_slug(pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let country = db::orgs::profile(pool, org_id).await?.country;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", person_name(name));
    let claim = errors.check("contact", Claim::parse(contact, &country));
    let (Some(name), Some(claim), true) = (name, claim, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    rate_limit::hit(pool, CHAT_START_IP, &address(ip)).await?;
    rate_limit::hit(
        pool,
        CHAT_START_CONTACT,
        &format!("{org_id} {}", claim.as_str()),
    )
    .await?;
    let mut token_bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut token_bytes);
    let token = URL_SAFE_NO_PAD.encode(token_bytes);

    let mut tx = pool.begin().await?;
    let fields = LeadFields {
        name: name.clone(),
        ..LeadFields::default()
    };
    let lead = leads::insert(&mut tx, org_id, LeadSource::Chat, None, &fields, Refuse).await?;
    let (phone, email) = match &claim {
        Claim::Phone(phone) => (Some(phone.as_str()), None),
        Claim::Email(email) => (None, Some(email.as_str())),
    };
    let conversation: Uuid = sqlx::query_scalar(
        "INSERT INTO conversations (org_id, lead_id, channel, customer_initiated, visitor_token_hash, visitor_since,
                                    claimed_phone, claimed_email)
         VALUES ($1, $2, 'chat', true, $3, now(), $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(lead)
    .bind(hash(&token))
    .bind(phone)
    .bind(email)
    .fetch_one(&mut *tx)
    .await?;
    events::notify(&mut tx, org_id, conversation).await?;
    tx.commit().await?;
    Ok(token)
}

/// What the visitor's page shows: the lines since the chat began, and where it stands.
pub async fn view(pool: &PgPool, slug: &str, token: &str) -> Result<ChatView, AppError> {
    let mut conn = pool.acquire().await?;
    let v = visitor(&mut conn, slug, token, false).await?;
    let rows: Vec<(bool, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT m.direction = 'inbound', m.body, m.created_at FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.conversation_id = $1 AND m.created_at >= c.visitor_since AND m.status <> 'blocked'
         ORDER BY m.created_at, m.id",
    )
    .bind(v.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ChatView {
        lines: rows
            .into_iter()
            .map(|(from_visitor, body, at)| ChatLine {
                from_visitor,
                body,
                at,
            })
            .collect(),
        claimed: v.claim().map(|c| match c {
            Claim::Phone(phone) => phone.display(),
            Claim::Email(email) => email.as_str().to_string(),
        }),
        verified: v.verified_at.is_some(),
        ended: v.ended_at.is_some(),
        code_sent: v.verified_at.is_none() && v.code_expires_at.is_some(),
    })
}

/// Stores what the visitor typed. In a proven chat, keywords count for the person's number
/// (in the transaction that stores the text); in an unproven one, a STOP ends the chat.
#[tracing::instrument(skip_all, fields(org = %slug))]
pub async fn send(
    pool: &PgPool,
    slug: &str,
    ip: Option<IpAddr>,
    token: &str,
    body: &str,
) -> Result<(), AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "Write a message first."));
    }
    if body.chars().count() > 2000 {
        return Err(AppError::field(
            "body",
            "Keep a message under 2,000 characters.",
        ));
    }
    rate_limit::hit(pool, CHAT_SEND_IP, &address(ip)).await?;
    let mut tx = pool.begin().await?;
    let v = visitor(&mut tx, slug, token, true).await?;
    if v.ended_at.is_some() {
        return Err(AppError::Conflict(
            "This chat has ended. Start a new one to talk to us again.".into(),
        ));
    }
    let message: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, status) VALUES ($1, $2, 'inbound', $3, 'customer', 'received') RETURNING id",
    )
    .bind(v.org_id)
    .bind(v.id)
    .bind(body)
    .fetch_one(&mut *tx)
    .await?;
    inbound::touch(&mut tx, v.id, inbound::Activity::Inbound).await?;
    // Words count for a number only when the number itself was proven (a code texted to
    // it), or staff linked the chat knowing the person: an e-mail code proves the e-mail,
    // not whatever phone the lead it joined has.
    let phone: Option<String> = sqlx::query_scalar(
        "SELECT l.phone FROM conversations c JOIN leads l ON l.id = c.lead_id
         WHERE c.id = $1 AND c.verified_at IS NOT NULL
           AND (c.verified_how = 'staff' OR c.claimed_phone = l.phone)",
    )
    .bind(v.id)
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    match phone {
        Some(phone) => {
            let keywords = crate::server::consent::keywords::Inbound {
                org_id: v.org_id,
                conversation: v.id,
                message_id: message,
                phone: &phone,
                channel: Channel::Chat,
                body,
            };
            crate::server::consent::keywords::apply(&mut tx, &keywords).await?;
        }
        None if classify(body) == Intent::OptOut => end(&mut tx, &v).await?,
        None => {}
    }
    crate::server::assistant::jobs::after_inbound(&mut tx, v.org_id, v.id, Channel::Chat).await?;
    events::notify(&mut tx, v.org_id, v.id).await?;
    tx.commit().await?;
    Ok(())
}

/// A STOP in a chat that proves no number: the chat ends, and no consent event is written.
async fn end(conn: &mut PgConnection, v: &Visitor) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE conversations SET ended_at = now(), status = 'resolved' WHERE id = $1")
        .bind(v.id)
        .execute(&mut *conn)
        .await?;
    let body = format!(
        "{}: this chat has ended and we will not write to you here again. To stop texts to your phone, reply STOP to any of our texts.",
        v.org_name
    );
    let goodbye = Outbound::new(
        v.org_id,
        Some(v.id),
        &body,
        Sender::System,
        MessageCategory::Conversational,
        DeliveryStatus::Delivered,
    );
    queue_outbound(conn, &goodbye).await?;
    Ok(())
}
