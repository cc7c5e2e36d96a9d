//! Appending to the consent ledger: one hash-chained, signed event at a time (SPEC §3.2).

use crate::model::{
    ChannelFamily as Family, ConsentLevel, ConsentMedium as Medium, MessageCategory,
};
use crate::rules::ledger::{head_mac, Content, EventKind};
use crate::server::crypto::LedgerKey;
use chrono::{SubsecRound, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub org_id: Uuid,
    pub phone: String,
    pub family: Family,
    /// `None` revokes `categories`; `Some(level)` grants it.
    pub grant: Option<ConsentLevel>,
    pub categories: Vec<MessageCategory>,
    pub medium: Medium,
    pub language: Option<String>,
    pub campaign: Option<String>,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub person_name: Option<String>,
    pub captured_by: Option<Uuid>,
    pub source_ref: Option<String>,
}

impl NewEvent {
    /// What the event's hash and signature cover, at its place in the chain.
    fn content(&self, seq: i64, prev_hash: Option<Vec<u8>>) -> Content {
        Content {
            org_id: self.org_id,
            seq,
            phone: self.phone.clone(),
            family: self.family,
            grant: self.grant,
            categories: self.categories.clone(),
            medium: self.medium,
            language: self.language.clone(),
            campaign: self.campaign.clone(),
            ip: self.ip,
            user_agent: self.user_agent.clone(),
            person_name: self.person_name.clone(),
            captured_by: self.captured_by,
            source_ref: self.source_ref.clone(),
            // Stored to the microsecond, so hashed to the microsecond.
            at: Utc::now().trunc_subsecs(6),
            prev_hash,
        }
    }
}

/// The ledger key of this process (`LEDGER_KEY`), set once at start-up.
static KEY: std::sync::OnceLock<LedgerKey> = std::sync::OnceLock::new();

/// Signs every event appended from now on (and lets verification check signatures).
pub fn use_key(key: LedgerKey) {
    if KEY.set(key.clone()).is_err() && KEY.get().map(LedgerKey::bytes) != Some(key.bytes()) {
        tracing::error!("a second, different ledger key was ignored");
    }
}

pub(super) fn key() -> Option<&'static [u8]> {
    KEY.get().map(LedgerKey::bytes)
}

/// Where an appended event landed: its row id and its place in the organisation's chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub id: i64,
    pub seq: i64,
}

/// The number's lock: the outbox worker holds it shared from its consent check until the
/// send is recorded; a new consent event takes it exclusively, so an opt-out waits for a
/// send already under way and every send after it sees the opt-out.
const NUMBER_LOCK: &str = "hashtextextended($1::text || '/' || $2, 0)";

pub async fn lock_number_shared(
    conn: &mut PgConnection,
    org_id: Uuid,
    phone: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "SELECT pg_advisory_xact_lock_shared({NUMBER_LOCK})"
    ))
    .bind(org_id)
    .bind(phone)
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends an event to the organisation's chain. Appends of one organisation are
/// serialised by locking its row, so the chain never forks. Locks are taken in one order
/// everywhere, the organisation's chain first, then the number: an erasure appending for
/// two numbers and a STOP from the second wait for each other instead of deadlocking.
#[tracing::instrument(skip_all, fields(org_id = %e.org_id, family = %e.family.as_str()))]
pub async fn append(conn: &mut PgConnection, e: &NewEvent) -> Result<Appended, sqlx::Error> {
    lock_chain_and_number(conn, e.org_id, &e.phone).await?;
    let (seq, prev_hash) = next_link(conn, e.org_id).await?;
    let content = e.content(seq, prev_hash);
    let hash = content.hash();
    let id = insert(conn, &content, &hash).await?;
    sqlx::query(
        "UPDATE organisations SET consent_head_seq = $2, consent_head_hash = $3, consent_head_mac = $4 WHERE id = $1",
    )
    .bind(e.org_id)
    .bind(seq)
    .bind(&hash)
    .bind(key().map(|key| head_mac(key, e.org_id, seq, &hash)))
    .execute(&mut *conn)
    .await?;
    Ok(Appended { id, seq })
}

async fn lock_chain_and_number(
    conn: &mut PgConnection,
    org_id: Uuid,
    phone: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    // The number too: a send under way to it settles before the consent changes.
    sqlx::query(&format!("SELECT pg_advisory_xact_lock({NUMBER_LOCK})"))
        .bind(org_id)
        .bind(phone)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The next event's sequence number and the hash it links to.
async fn next_link(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<(i64, Option<Vec<u8>>), sqlx::Error> {
    let last: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, hash FROM consent_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match last {
        Some((seq, hash)) => (seq + 1, Some(hash)),
        None => (1, None),
    })
}

async fn insert(conn: &mut PgConnection, c: &Content, hash: &[u8]) -> Result<i64, sqlx::Error> {
    let mac = key().map(|key| c.mac(key));
    let language_sha256 = c
        .language
        .as_ref()
        .map(|l| Sha256::digest(l.as_bytes()).to_vec());
    sqlx::query_scalar(
        "INSERT INTO consent_events (org_id, seq, phone, family, kind, level, categories, medium, language, language_sha256,
                                     campaign, ip, user_agent, person_name, captured_by, source_ref, at, prev_hash, hash, mac)
         VALUES ($1, $2, $3, $4, $5::consent_kind, $6, $7, $8, $9, $10, $11, $12::inet, $13, $14, $15, $16, $17, $18, $19, $20)
         RETURNING id",
    )
    .bind(c.org_id)
    .bind(c.seq)
    .bind(&c.phone)
    .bind(c.family)
    .bind(EventKind::of(c.grant).as_str())
    .bind(c.grant)
    .bind(&c.categories)
    .bind(c.medium)
    .bind(&c.language)
    .bind(language_sha256)
    .bind(&c.campaign)
    .bind(c.ip.map(|ip| ip.to_string()))
    .bind(&c.user_agent)
    .bind(&c.person_name)
    .bind(c.captured_by)
    .bind(&c.source_ref)
    .bind(c.at)
    .bind(&c.prev_hash)
    .bind(hash)
    .bind(&mac)
    .fetch_one(&mut *conn)
    .await
}
