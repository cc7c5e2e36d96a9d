use crate::model::{
    BrokenLink, ChannelFamily as Family, ConsentEventView, ConsentMedium as Medium,
    MessageCategory, Verification,
};
use crate::rules::consent::{ConsentLevel, Event};
use chrono::{DateTime, SubsecRound, Utc};
use serde_json::json;
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

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The content an event's hash covers: every field, in a fixed order (sorted keys), and
/// the previous event's hash.
#[allow(clippy::too_many_arguments)]
fn canonical(
    org_id: Uuid,
    seq: i64,
    phone: &str,
    family: Family,
    grant: Option<ConsentLevel>,
    categories: &[MessageCategory],
    medium: Medium,
    language: Option<&str>,
    campaign: Option<&str>,
    ip: Option<&str>,
    user_agent: Option<&str>,
    person_name: Option<&str>,
    captured_by: Option<Uuid>,
    source_ref: Option<&str>,
    at: DateTime<Utc>,
    prev_hash: Option<&[u8]>,
) -> Vec<u8> {
    json!({
        "org_id": org_id,
        "seq": seq,
        "phone": phone,
        "family": family,
        "kind": if grant.is_some() { "grant" } else { "revoke" },
        "level": grant,
        "categories": categories,
        "medium": medium,
        "language": language,
        "campaign": campaign,
        "ip": ip,
        "user_agent": user_agent,
        "person_name": person_name,
        "captured_by": captured_by,
        "source_ref": source_ref,
        "at": at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "prev_hash": prev_hash.map(hex),
    })
    .to_string()
    .into_bytes()
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
/// serialised by locking its row, so the chain never forks.
pub async fn append(conn: &mut PgConnection, e: &NewEvent) -> Result<Appended, sqlx::Error> {
    // The number first: waiting for a send to this number must not hold up the chain
    // for every other number of the organisation.
    sqlx::query(&format!("SELECT pg_advisory_xact_lock({NUMBER_LOCK})"))
        .bind(e.org_id)
        .bind(&e.phone)
        .execute(&mut *conn)
        .await?;
    sqlx::query("SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE")
        .bind(e.org_id)
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
    let at = Utc::now().trunc_subsecs(6);
    let ip = e.ip.map(|ip| ip.to_string());
    let content = canonical(
        e.org_id,
        seq,
        &e.phone,
        e.family,
        e.grant,
        &e.categories,
        e.medium,
        e.language.as_deref(),
        e.campaign.as_deref(),
        ip.as_deref(),
        e.user_agent.as_deref(),
        e.person_name.as_deref(),
        e.captured_by,
        e.source_ref.as_deref(),
        at,
        prev_hash.as_deref(),
    );
    let hash = Sha256::digest(&content).to_vec();
    let language_sha256 = e
        .language
        .as_ref()
        .map(|l| Sha256::digest(l.as_bytes()).to_vec());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO consent_events (org_id, seq, phone, family, kind, level, categories, medium, language, language_sha256,
                                     campaign, ip, user_agent, person_name, captured_by, source_ref, at, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5::consent_kind, $6, $7, $8, $9, $10, $11, $12::inet, $13, $14, $15, $16, $17, $18, $19)
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
    .bind(ip)
    .bind(&e.user_agent)
    .bind(&e.person_name)
    .bind(e.captured_by)
    .bind(&e.source_ref)
    .bind(at)
    .bind(prev_hash)
    .bind(&hash)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE organisations SET consent_head_seq = $2, consent_head_hash = $3 WHERE id = $1",
    )
    .bind(e.org_id)
    .bind(seq)
    .bind(&hash)
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
struct Stored {
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
    language_sha256: Option<Vec<u8>>,
}

/// Recomputes the organisation's whole chain and names the first event that breaks it.
pub async fn verify(pool: &PgPool, org_id: Uuid) -> Result<Verification, sqlx::Error> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT seq, phone, family, level, kind::text, categories, medium, language, campaign, host(ip) AS ip, user_agent,
                person_name, captured_by, source_ref, at, prev_hash, hash, language_sha256
         FROM consent_events WHERE org_id = $1 ORDER BY seq",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await?;
    let mut previous: Option<Vec<u8>> = None;
    for (index, row) in rows.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        let broken = if row.seq != expected_seq {
            Some(format!("expected event {expected_seq}, found {}", row.seq))
        } else if row.prev_hash != previous {
            Some("its link to the previous event does not match".to_string())
        } else if (row.kind == "grant") != row.level.is_some() {
            Some("its kind and level disagree".to_string())
        } else if row
            .language
            .as_ref()
            .map(|l| Sha256::digest(l.as_bytes()).to_vec())
            != row.language_sha256
        {
            Some("its wording does not match the wording's stored hash".to_string())
        } else {
            let content = canonical(
                org_id,
                row.seq,
                &row.phone,
                row.family,
                row.level,
                &row.categories,
                row.medium,
                row.language.as_deref(),
                row.campaign.as_deref(),
                row.ip.as_deref(),
                row.user_agent.as_deref(),
                row.person_name.as_deref(),
                row.captured_by,
                row.source_ref.as_deref(),
                row.at,
                row.prev_hash.as_deref(),
            );
            (Sha256::digest(&content).as_slice() != row.hash.as_slice())
                .then(|| "its content does not match its hash".to_string())
        };
        if let Some(why) = broken {
            return Ok(Verification {
                checked: index as i64 + 1,
                first_broken: Some(BrokenLink {
                    seq: row.seq,
                    phone: row.phone.clone(),
                    why,
                }),
                at: Utc::now(),
            });
        }
        previous = Some(row.hash.clone());
    }
    // Events removed from the end leave no broken link: the recorded head tells.
    let head: (Option<i64>, Option<Vec<u8>>) = sqlx::query_as(
        "SELECT consent_head_seq, consent_head_hash FROM organisations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_one(pool)
    .await?;
    let last = rows.last().map(|r| (r.seq, r.hash.clone()));
    if let (Some(head_seq), head_hash) = head {
        if last.as_ref().map(|(seq, hash)| (*seq, Some(hash.clone())))
            != Some((head_seq, head_hash))
        {
            let found = last.as_ref().map_or(0, |(seq, _)| *seq);
            return Ok(Verification {
                checked: rows.len() as i64,
                first_broken: Some(BrokenLink {
                    seq: found + 1,
                    phone: String::new(),
                    why: format!(
                        "the chain stops at event {found} but event {head_seq} was recorded: events were removed from its end"
                    ),
                }),
                at: Utc::now(),
            });
        }
    }
    Ok(Verification {
        checked: rows.len() as i64,
        first_broken: None,
        at: Utc::now(),
    })
}
