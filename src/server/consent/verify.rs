//! Checking the consent ledger (SPEC §3.2): the whole chain, recomputed by
//! `rules::ledger_chain`, and signed heads that compliance keeps outside the system.

use super::ledger::key;
use crate::model::{
    BrokenLink, ChannelFamily as Family, ConsentLevel, ConsentMedium as Medium, MessageCategory,
    Verification,
};
use crate::rules::ledger::{hex, signed_head_mac, Content, EventKind};
use crate::rules::ledger_chain::{self, Broken, Head, Stored};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::net::IpAddr;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct StoredRow {
    seq: i64,
    phone: String,
    family: Family,
    level: Option<ConsentLevel>,
    kind: EventKind,
    categories: Vec<MessageCategory>,
    medium: Medium,
    language: Option<String>,
    campaign: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    person_name: Option<String>,
    captured_by: Option<Uuid>,
    source_ref: Option<String>,
    at: DateTime<Utc>,
    prev_hash: Option<Vec<u8>>,
    hash: Vec<u8>,
    mac: Option<Vec<u8>>,
    language_sha256: Option<Vec<u8>>,
}

impl StoredRow {
    fn into_stored(self, org_id: Uuid) -> Stored {
        Stored {
            content: Content {
                org_id,
                seq: self.seq,
                phone: self.phone,
                family: self.family,
                grant: self.level,
                categories: self.categories,
                medium: self.medium,
                language: self.language,
                campaign: self.campaign,
                // PostgreSQL's text of the address, read back into the one form.
                ip: self.ip.as_deref().and_then(|ip| ip.parse::<IpAddr>().ok()),
                user_agent: self.user_agent,
                person_name: self.person_name,
                captured_by: self.captured_by,
                source_ref: self.source_ref,
                at: self.at,
                prev_hash: self.prev_hash,
            },
            kind: self.kind,
            hash: self.hash,
            mac: self.mac,
            language_sha256: self.language_sha256,
        }
    }
}

/// Recomputes the organisation's whole chain (links, hashes and, with the ledger key,
/// signatures) and names the first event that breaks it.
#[tracing::instrument(skip_all, fields(%org_id))]
pub async fn verify(pool: &PgPool, org_id: Uuid) -> Result<Verification, sqlx::Error> {
    let rows: Vec<StoredRow> = sqlx::query_as(
        "SELECT seq, phone, family, level, kind, categories, medium, language, campaign, host(ip) AS ip, user_agent,
                person_name, captured_by, source_ref, at, prev_hash, hash, mac, language_sha256
         FROM consent_events WHERE org_id = $1 ORDER BY seq",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await?;
    let (seq, hash, mac) = sqlx::query_as(
        "SELECT consent_head_seq, consent_head_hash, consent_head_mac FROM organisations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_one(pool)
    .await?;
    let stored: Vec<Stored> = rows.into_iter().map(|r| r.into_stored(org_id)).collect();
    let outcome = ledger_chain::verify(&stored, &Head { seq, hash, mac }, key());
    Ok(verification(outcome))
}

fn verification(outcome: Result<i64, Broken>) -> Verification {
    match outcome {
        Ok(checked) => Verification {
            checked,
            first_broken: None,
            at: Utc::now(),
        },
        Err(broken) => Verification {
            checked: broken.checked,
            first_broken: Some(BrokenLink {
                seq: broken.seq,
                phone: broken.phone,
                why: broken.why,
            }),
            at: Utc::now(),
        },
    }
}

/// The organisation's head, signed, for compliance to keep outside the system.
pub async fn signed_head(pool: &PgPool, org_id: Uuid) -> Result<Option<SignedHead>, sqlx::Error> {
    let Some(key) = key() else {
        return Ok(None);
    };
    let last: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, hash FROM consent_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(pool)
    .await?;
    let (seq, hash) = last.unwrap_or((0, Vec::new()));
    let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let hash = hex(&hash);
    let mac = hex(&signed_head_mac(key, org_id, seq, &hash, &at));
    Ok(Some(SignedHead {
        org_id,
        seq,
        hash,
        at,
        mac,
    }))
}

/// A signed head as downloaded, and as pasted back to check it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedHead {
    pub org_id: Uuid,
    pub seq: i64,
    pub hash: String,
    pub at: String,
    pub mac: String,
}

/// Whether a head saved earlier is genuine (our signature) and the ledger still holds the
/// same event at its sequence: then nothing up to it has changed since.
pub async fn check_signed_head(
    pool: &PgPool,
    org_id: Uuid,
    head: &SignedHead,
) -> Result<Result<(), String>, sqlx::Error> {
    let Some(key) = key() else {
        return Ok(Err(
            "This server has no ledger key, so it cannot check signatures.".into(),
        ));
    };
    let expected = hex(&signed_head_mac(
        key,
        head.org_id,
        head.seq,
        &head.hash,
        &head.at,
    ));
    if head.org_id != org_id || expected != head.mac.trim().to_lowercase() {
        return Ok(Err(
            "This head was not signed by this organisation's ledger: it is not genuine.".into(),
        ));
    }
    let now: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT hash FROM consent_events WHERE org_id = $1 AND seq = $2")
            .bind(org_id)
            .bind(head.seq)
            .fetch_optional(pool)
            .await?;
    if head.seq > 0 && now.as_deref().map(hex) != Some(head.hash.clone()) {
        return Ok(Err(format!(
            "Event {} is no longer the one this head was signed for: the ledger was changed at or before it.",
            head.seq
        )));
    }
    let verification = verify(pool, org_id).await?;
    match verification.first_broken {
        Some(b) if b.seq <= head.seq => Ok(Err(format!(
            "The ledger was changed at event {} ({}), before this head.",
            b.seq, b.why
        ))),
        _ => Ok(Ok(())),
    }
}
