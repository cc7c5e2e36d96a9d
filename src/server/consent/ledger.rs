use crate::model::{Channel, MessageCategory};
use crate::rules::consent::{ConsentLevel, Event};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "channel_family", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Texts,
    Calls,
    Whatsapp,
}

/// Consent is kept per channel family: texts (SMS and our web chat), calls, WhatsApp.
pub fn family_of(channel: Channel) -> Family {
    match channel {
        Channel::Sms | Channel::Chat => Family::Texts,
        Channel::Voice => Family::Calls,
        Channel::Whatsapp => Family::Whatsapp,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "consent_medium", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    WebForm,
    PaperForm,
    InPerson,
    SmsKeyword,
    VerbalCall,
    Email,
    Import,
}

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

fn hex(bytes: &[u8]) -> String {
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

/// Appends an event to the organisation's chain. Appends of one organisation are
/// serialised by locking its row, so the chain never forks.
pub async fn append(conn: &mut PgConnection, e: &NewEvent) -> Result<i64, sqlx::Error> {
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
    sqlx::query(
        "INSERT INTO consent_events (org_id, seq, phone, family, kind, level, categories, medium, language, language_sha256,
                                     campaign, ip, user_agent, person_name, captured_by, source_ref, at, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5::consent_kind, $6, $7, $8, $9, $10, $11, $12::inet, $13, $14, $15, $16, $17, $18, $19)",
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
    .bind(hash)
    .execute(&mut *conn)
    .await?;
    Ok(seq)
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
            let how = serde_json::to_value(medium)
                .ok()
                .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                .unwrap_or_default();
            Event {
                grant,
                categories,
                summary: format!("{how}, {}", at.format("%d %b %Y %H:%M UTC")),
            }
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub checked: i64,
    /// The first event whose stored hash or link does not match its content.
    pub first_broken: Option<(i64, String)>,
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
}

/// Recomputes the organisation's whole chain and names the first event that breaks it.
pub async fn verify(pool: &PgPool, org_id: Uuid) -> Result<Verification, sqlx::Error> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT seq, phone, family, level, kind::text, categories, medium, language, campaign, host(ip) AS ip, user_agent,
                person_name, captured_by, source_ref, at, prev_hash, hash
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
                first_broken: Some((row.seq, why)),
            });
        }
        previous = Some(row.hash.clone());
    }
    Ok(Verification {
        checked: rows.len() as i64,
        first_broken: None,
    })
}
