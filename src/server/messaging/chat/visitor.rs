//! Who a chat's visitor is: the token they hold (of which the database keeps only the
//! SHA-256) and the phone or e-mail they claimed, which proves nothing by itself.

use crate::error::AppError;
use crate::model::{Email, E164};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

pub const COOKIE: &str = "consentdesk_chat";

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A phone or e-mail as the visitor typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    Phone(E164),
    Email(Email),
}

impl Claim {
    pub fn parse(contact: &str, region: &str) -> Result<Claim, String> {
        let contact = contact.trim();
        if contact.is_empty() {
            Err("Leave a phone number or an email address so we can answer.".into())
        } else if contact.contains('@') {
            Email::parse(contact).map(Claim::Email)
        } else {
            E164::parse(contact, region).map(Claim::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Claim::Phone(phone) => phone.as_str(),
            Claim::Email(email) => email.as_str(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct Visitor {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org_name: String,
    claimed_phone: Option<String>,
    claimed_email: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub code_expires_at: Option<DateTime<Utc>>,
}

impl Visitor {
    pub fn claim(&self) -> Option<Claim> {
        match (&self.claimed_phone, &self.claimed_email) {
            (Some(phone), _) => Some(Claim::Phone(E164::from_stored(phone.clone()))),
            (None, Some(email)) => Email::parse(email).ok().map(Claim::Email),
            (None, None) => None,
        }
    }
}

/// The visitor's chat, by their token; `lock`ed for the rest of the transaction when it
/// is about to change.
pub async fn visitor(
    conn: &mut PgConnection,
    slug: &str,
    token: &str,
    lock: bool,
) -> Result<Visitor, AppError> {
    let row: Option<Visitor> = sqlx::query_as(&format!(
        "SELECT c.id, c.org_id, o.name AS org_name, c.claimed_phone, c.claimed_email, c.verified_at,
                c.ended_at, c.code_expires_at
         FROM conversations c JOIN organisations o ON o.id = c.org_id
         WHERE o.slug = $1 AND c.visitor_token_hash = $2 AND c.channel = 'chat'{}",
        if lock { " FOR UPDATE OF c" } else { "" }
    ))
    .bind(slug)
    .bind(hash(token))
    .fetch_optional(conn)
    .await?;
    row.ok_or(AppError::NotFound)
}
