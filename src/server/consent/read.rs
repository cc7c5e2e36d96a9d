//! Reading a number's consent events: as the consent rules need them, and with all their
//! evidence for people.

use crate::model::{
    ChannelFamily as Family, ConsentEventView, ConsentLevel, ConsentMedium as Medium,
    MessageCategory,
};
use crate::rules::consent::{opted_out, Event};
use crate::rules::ledger::hex;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

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
        .map(|(grant, categories, medium, at)| Event {
            grant,
            categories,
            summary: Event::summary(medium, at),
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
    let events = events_for(conn, org_id, phone, Family::Texts).await?;
    if opted_out(&events) {
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
