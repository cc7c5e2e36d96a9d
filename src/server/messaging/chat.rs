//! Web chat: a visitor leaves a name and a phone or e-mail and chats. The visitor holds a
//! random token (an HttpOnly cookie); the database keeps only its SHA-256. A visitor sees
//! only what was said since their token was issued, so claiming someone's phone number
//! reveals nothing of earlier chats.

use super::{events, inbound};
use crate::error::AppError;
use crate::model::{Channel, ChatLine, Email, FieldErrors, LeadSource, E164};
use crate::rules::account::person_name;
use crate::server::db;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

pub const COOKIE: &str = "consentdesk_chat";

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts (or takes over) the visitor's chat; returns the token to hand to the browser.
pub async fn start(
    pool: &PgPool,
    slug: &str,
    name: &str,
    contact: &str,
) -> Result<String, AppError> {
    let org_id = db::orgs::id_by_slug(pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let country = db::orgs::profile(pool, org_id).await?.country;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", person_name(name));
    let contact = contact.trim();
    let (phone, email) = if contact.contains('@') {
        (None, errors.check("contact", Email::parse(contact)))
    } else if contact.is_empty() {
        errors.add(
            "contact",
            "Leave a phone number or an email address so we can answer.",
        );
        (None, None)
    } else {
        (
            errors.check("contact", E164::parse(contact, &country)),
            None,
        )
    };
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let mut token_bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut token_bytes);
    let token = URL_SAFE_NO_PAD.encode(token_bytes);

    let mut tx = pool.begin().await?;
    let lead = match (&phone, &email) {
        (Some(phone), _) => {
            inbound::lead_for_phone(&mut tx, org_id, phone, LeadSource::Chat).await?
        }
        (None, Some(email)) => {
            let existing: Option<Uuid> = sqlx::query_scalar(
                "SELECT id FROM leads WHERE org_id = $1 AND email = $2 ORDER BY created_at LIMIT 1",
            )
            .bind(org_id)
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            match existing {
                Some(id) => id,
                None => {
                    sqlx::query_scalar("INSERT INTO leads (org_id, name, email, source) VALUES ($1, $2, $3, 'chat') RETURNING id")
                        .bind(org_id)
                        .bind(&name)
                        .bind(email.as_str())
                        .fetch_one(&mut *tx)
                        .await?
                }
            }
        }
        (None, None) => return Err(AppError::Internal),
    };
    // A lead first seen through this chat is named by the visitor, not by their number.
    sqlx::query("UPDATE leads SET name = $2 WHERE id = $1 AND phone IS NOT NULL AND name = $3")
        .bind(lead)
        .bind(&name)
        .bind(phone.as_ref().map(|p| p.display()))
        .execute(&mut *tx)
        .await?;
    let conversation = inbound::conversation_for(&mut tx, org_id, lead, Channel::Chat).await?;
    sqlx::query("UPDATE conversations SET visitor_token_hash = $2, visitor_since = now(), last_activity_at = now() WHERE id = $1")
        .bind(conversation)
        .bind(hash(&token))
        .execute(&mut *tx)
        .await?;
    events::notify(&mut tx, org_id, conversation).await?;
    tx.commit().await?;
    Ok(token)
}

async fn conversation(pool: &PgPool, slug: &str, token: &str) -> Result<(Uuid, Uuid), AppError> {
    let row: Option<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT c.id, c.org_id FROM conversations c JOIN organisations o ON o.id = c.org_id
         WHERE o.slug = $1 AND c.visitor_token_hash = $2 AND c.channel = 'chat'",
    )
    .bind(slug)
    .bind(hash(token))
    .fetch_optional(pool)
    .await?;
    row.ok_or(AppError::NotFound)
}

pub async fn lines(pool: &PgPool, slug: &str, token: &str) -> Result<Vec<ChatLine>, AppError> {
    let (conversation, _) = conversation(pool, slug, token).await?;
    let rows: Vec<(bool, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "SELECT m.direction = 'inbound', m.body, m.created_at FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.conversation_id = $1 AND m.created_at >= c.visitor_since AND m.status <> 'blocked'
         ORDER BY m.created_at, m.id",
    )
    .bind(conversation)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(from_visitor, body, at)| ChatLine {
            from_visitor,
            body,
            at,
        })
        .collect())
}

pub async fn send(pool: &PgPool, slug: &str, token: &str, body: &str) -> Result<(), AppError> {
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
    let (conversation, org_id) = conversation(pool, slug, token).await?;
    let mut tx = pool.begin().await?;
    let message: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, status) VALUES ($1, $2, 'inbound', $3, 'customer', 'received') RETURNING id",
    )
    .bind(org_id)
    .bind(conversation)
    .bind(body)
    .fetch_one(&mut *tx)
    .await?;
    inbound::touch(&mut tx, conversation, inbound::Activity::Inbound).await?;
    // "Please stop texting me" typed in the chat is an opt-out too, of the visitor's phone.
    let phone: Option<String> = sqlx::query_scalar(
        "SELECT l.phone FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1",
    )
    .bind(conversation)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(phone) = &phone {
        let keywords = crate::server::consent::keywords::Inbound {
            org_id,
            conversation,
            message_id: message,
            phone,
            channel: Channel::Chat,
            body,
        };
        crate::server::consent::keywords::apply(&mut tx, &keywords).await?;
    }
    events::notify(&mut tx, org_id, conversation).await?;
    tx.commit().await?;
    Ok(())
}
