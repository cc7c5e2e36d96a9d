use crate::model::{
    BrokenLink, ChannelFamily as Family, ConsentEventView, ConsentMedium as Medium,
    MessageCategory, Verification,
};
use crate::rules::consent::{ConsentLevel, Event};
use crate::rules::ledger::{head_mac, Content, Head};
use crate::server::crypto::LedgerKey;
use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
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

pub use crate::rules::ledger::hex;

/// The ledger key of this process (`LEDGER_KEY`), set once at start-up.
static KEY: std::sync::OnceLock<LedgerKey> = std::sync::OnceLock::new();

/// Signs every event appended from now on (and lets verification check signatures).
pub fn use_key(key: LedgerKey) {
    if KEY.set(key.clone()).is_err() && KEY.get().map(LedgerKey::bytes) != Some(key.bytes()) {
        tracing::error!("a second, different ledger key was ignored");
    }
}

fn key() -> Option<&'static [u8]> {
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
pub async fn append(conn: &mut PgConnection, e: &NewEvent) -> Result<Appended, sqlx::Error> {
    sqlx::query("SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE")
        .bind(e.org_id)
        .execute(&mut *conn)
        .await?;
    // The number too: a send under way to it settles before the consent changes.
    sqlx::query(&format!("SELECT pg_advisory_xact_lock({NUMBER_LOCK})"))
        .bind(e.org_id)
        .bind(&e.phone)
        .execute(&mut *conn)
        .await?;
    let last: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, hash FROM consent_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(e.org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, Some(hash)),
        None => (1, None),
    };
    let content = Content {
        org_id: e.org_id,
        seq,
        phone: e.phone.clone(),
        family: e.family,
        grant: e.grant,
        categories: e.categories.clone(),
        medium: e.medium,
        language: e.language.clone(),
        campaign: e.campaign.clone(),
        ip: e.ip,
        user_agent: e.user_agent.clone(),
        person_name: e.person_name.clone(),
        captured_by: e.captured_by,
        source_ref: e.source_ref.clone(),
        at: Utc::now().trunc_subsecs(6),
        prev_hash,
    };
    let hash = content.hash();
    let mac = key().map(|key| content.mac(key));
    let language_sha256 = e
        .language
        .as_ref()
        .map(|l| Sha256::digest(l.as_bytes()).to_vec());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO consent_events (org_id, seq, phone, family, kind, level, categories, medium, language, language_sha256,
                                     campaign, ip, user_agent, person_name, captured_by, source_ref, at, prev_hash, hash, mac)
         VALUES ($1, $2, $3, $4, $5::consent_kind, $6, $7, $8, $9, $10, $11, $12::inet, $13, $14, $15, $16, $17, $18, $19, $20)
         RETURNING id",
    )
    .bind(e.org_id)
    .bind(seq)
    .bind(&e.phone)
    .bind(e.family)
    .bind(if e.grant.is_some() { "grant" } else { "revoke" })
    .bind(e.grant)
    .bind(&e.categories)
    .bind(e.medium)
    .bind(&e.language)
    .bind(language_sha256)
    .bind(&e.campaign)
    .bind(e.ip.map(|ip| ip.to_string()))
    .bind(&e.user_agent)
    .bind(&e.person_name)
    .bind(e.captured_by)
    .bind(&e.source_ref)
    .bind(content.at)
    .bind(&content.prev_hash)
    .bind(&hash)
    .bind(&mac)
    .fetch_one(&mut *conn)
    .await?;
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

/// A number's events in one family of one organisation, in ledger order.
pub async fn events_for(
    conn: &mut PgConnection,
    org_id: Uuid,
    phone: &str,
    family: Family,
) -> Result<Vec<Event>, sqlx::Error> {
    type Row = (
        Option<ConsentLevel>,
        Vec<MessageCategory>,
        Medium,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT level, categories, medium, at FROM consent_events WHERE org_id = $1 AND phone = $2 AND family = $3 ORDER BY seq",
    )
    .bind(org_id)
    .bind(phone)
    .bind(family)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(grant, categories, medium, at)| {
            let how = medium.label().to_lowercase();
            Event {
                grant,
                categories,
                summary: format!("{how}, {}", at.format("%d %b %Y %H:%M UTC")),
            }
        })
        .collect())
}

/// Whether a number may get a text nobody on it asked for from its own phone (a code a
/// visitor requests by typing it): not after an opt-out of everything, nor while its lead
/// is restricted.
pub async fn may_text_unasked(
    conn: &mut PgConnection,
    org_id: Uuid,
    phone: &str,
) -> Result<bool, sqlx::Error> {
    use crate::rules::consent::{standing, Standing};
    let events = events_for(conn, org_id, phone, Family::Texts).await?;
    if matches!(
        standing(&events, MessageCategory::Conversational),
        Standing::Revoked(_)
    ) {
        return Ok(false);
    }
    let restricted: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM leads WHERE org_id = $1 AND phone = $2 AND restricted_at IS NOT NULL)",
    )
    .bind(org_id)
    .bind(phone)
    .fetch_one(conn)
    .await?;
    Ok(!restricted)
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    seq: i64,
    at: DateTime<Utc>,
    phone: String,
    family: Family,
    level: Option<ConsentLevel>,
    categories: Vec<MessageCategory>,
    medium: Medium,
    language: Option<String>,
    language_sha256: Option<Vec<u8>>,
    campaign: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    person_name: Option<String>,
    captured_by: Option<String>,
    source_ref: Option<String>,
    hash: Vec<u8>,
    prev_hash: Option<Vec<u8>>,
}

/// Every event of a number in an organisation, every family, with all its evidence, in
/// ledger order.
pub async fn history(
    conn: &mut PgConnection,
    org_id: Uuid,
    phone: &str,
) -> Result<Vec<ConsentEventView>, sqlx::Error> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT e.seq, e.at, e.phone, e.family, e.level, e.categories, e.medium, e.language, e.language_sha256,
                e.campaign, host(e.ip) AS ip, e.user_agent, e.person_name, u.name AS captured_by, e.source_ref,
                e.hash, e.prev_hash
         FROM consent_events e LEFT JOIN users u ON u.id = e.captured_by
         WHERE e.org_id = $1 AND e.phone = $2 ORDER BY e.seq",
    )
    .bind(org_id)
    .bind(phone)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ConsentEventView {
            seq: r.seq,
            at: r.at,
            phone: r.phone,
            family: r.family,
            level: r.level,
            categories: r.categories,
            medium: r.medium,
            language: r.language,
            language_sha256: r.language_sha256.as_deref().map(hex),
            campaign: r.campaign,
            ip: r.ip,
            user_agent: r.user_agent,
            person_name: r.person_name,
            captured_by: r.captured_by,
            source_ref: r.source_ref,
            hash: hex(&r.hash),
            prev_hash: r.prev_hash.as_deref().map(hex),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    seq: i64,
    phone: String,
    family: Family,
    level: Option<ConsentLevel>,
    kind: String,
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

/// Recomputes the organisation's whole chain (links, hashes and, with the ledger key,
/// signatures) and names the first event that breaks it.
pub async fn verify(pool: &PgPool, org_id: Uuid) -> Result<Verification, sqlx::Error> {
    let rows: Vec<StoredRow> = sqlx::query_as(
        "SELECT seq, phone, family, level, kind::text, categories, medium, language, campaign, host(ip) AS ip, user_agent,
                person_name, captured_by, source_ref, at, prev_hash, hash, mac, language_sha256
         FROM consent_events WHERE org_id = $1 ORDER BY seq",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await?;
    let head: (Option<i64>, Option<Vec<u8>>, Option<Vec<u8>>) = sqlx::query_as(
        "SELECT consent_head_seq, consent_head_hash, consent_head_mac FROM organisations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_one(pool)
    .await?;
    let mut bad_kind = None;
    let stored: Vec<crate::rules::ledger::Stored> = rows
        .into_iter()
        .map(|r| {
            if (r.kind == "grant") != r.level.is_some() && bad_kind.is_none() {
                bad_kind = Some((r.seq, r.phone.clone()));
            }
            crate::rules::ledger::Stored {
                content: Content {
                    org_id,
                    seq: r.seq,
                    phone: r.phone,
                    family: r.family,
                    grant: r.level,
                    categories: r.categories,
                    medium: r.medium,
                    language: r.language,
                    campaign: r.campaign,
                    // PostgreSQL's text of the address, read back into the one form.
                    ip: r.ip.as_deref().and_then(|ip| ip.parse::<IpAddr>().ok()),
                    user_agent: r.user_agent,
                    person_name: r.person_name,
                    captured_by: r.captured_by,
                    source_ref: r.source_ref,
                    at: r.at,
                    prev_hash: r.prev_hash,
                },
                hash: r.hash,
                mac: r.mac,
                language_sha256: r.language_sha256,
            }
        })
        .collect();
    let outcome = match bad_kind {
        Some((seq, phone)) => Err(crate::rules::ledger::Broken {
            seq,
            phone,
            why: "its kind and level disagree".into(),
        }),
        None => crate::rules::ledger::verify(
            &stored,
            &Head {
                seq: head.0,
                hash: head.1,
                mac: head.2,
            },
            key(),
        ),
    };
    Ok(match outcome {
        Ok(checked) => Verification {
            checked,
            first_broken: None,
            at: Utc::now(),
        },
        Err(broken) => Verification {
            checked: stored
                .iter()
                .take_while(|r| r.content.seq < broken.seq)
                .count() as i64
                + 1,
            first_broken: Some(BrokenLink {
                seq: broken.seq,
                phone: broken.phone,
                why: broken.why,
            }),
            at: Utc::now(),
        },
    })
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
    let mac = hex(&crate::rules::ledger::signed_head_mac(
        key, org_id, seq, &hash, &at,
    ));
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
    let expected = hex(&crate::rules::ledger::signed_head_mac(
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
