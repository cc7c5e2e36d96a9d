//! What compliance officers (and agents, for their own leads) read of the ledger: search,
//! a number's history and state, the evidence packet, chain verification, blocked sends.

use super::{history, verify, wording};
use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, BlockedSend, ConsentNumberRow, EvidencePacket, LeadRef,
    NumberConsent, PacketMessage, PacketOptOut, Page, Verification, E164, PAGE_SIZE,
};
use crate::rules::authz::Capability;
use crate::rules::consent_state::state;
use crate::rules::lead_query::{Cursor, CursorKey};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use serde_json::json;
use sqlx::{PgConnection, PgPool, QueryBuilder};
use std::net::IpAddr;

/// Reads a number typed or taken from a link, in the organisation's region.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn number(pool: &PgPool, caller: Caller, input: &str) -> Result<E164, AppError> {
    let region = db::orgs::profile(pool, caller.org_id).await?.country;
    let input = input.trim();
    // Links carry E.164 without its plus (`/consent/number/13125550100`).
    let typed = if input.chars().all(|c| c.is_ascii_digit()) && input.len() > 10 {
        format!("+{input}")
    } else {
        input.to_string()
    };
    E164::parse(&typed, &region).map_err(|e| AppError::field("phone", e))
}

/// The leads that carry the number and the caller may see. For an agent, a number none
/// of their leads carries does not exist.
async fn leads_with(
    conn: &mut PgConnection,
    caller: Caller,
    phone: &E164,
) -> Result<Vec<LeadRef>, AppError> {
    let scope = caller.scope();
    let mut qb = QueryBuilder::new("SELECT l.id, l.name FROM leads l");
    db::scope::scoped(&mut qb, scope);
    qb.push(" AND l.phone = ")
        .push_bind(phone.as_str())
        .push(" ORDER BY l.created_at");
    let leads: Vec<LeadRef> = qb.build_query_as().fetch_all(&mut *conn).await?;
    if scope.own_only && leads.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(leads)
}

/// The number page. Reading personal evidence is audited.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
pub async fn number_page(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    phone: &E164,
) -> Result<NumberConsent, AppError> {
    let mut conn = pool.acquire().await?;
    let leads = leads_with(&mut conn, caller, phone).await?;
    let events = history(&mut conn, caller.org_id, phone.as_str()).await?;
    let wordings = wording::load(&mut conn, caller.org_id).await?;
    db::audit::record_view(
        &mut conn,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::ConsentViewed,
            (AuditObject::Phone, phone.as_str().to_string()),
            json!({ "events": events.len() }),
        ),
    )
    .await?;
    let state = state(&events);
    Ok(NumberConsent {
        phone: phone.as_str().to_string(),
        leads,
        state,
        events: events.into_iter().rev().collect(),
        wordings,
    })
}

/// Numbers matching what was typed (phone digits, or a lead's name), or, with nothing
/// typed, the numbers with the most recent consent events. Agents search their leads only.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
pub async fn search(
    pool: &PgPool,
    caller: Caller,
    q: &str,
) -> Result<Vec<ConsentNumberRow>, AppError> {
    let q = q.trim();
    let everyone = caller.role.may(Capability::ReviewConsent);
    let numbers: Vec<String> = if q.is_empty() {
        if !everyone {
            return Ok(Vec::new());
        }
        // The latest events, not the whole ledger: this page must stay fast at any size.
        sqlx::query_scalar(
            "SELECT phone FROM (SELECT phone, seq FROM consent_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1000) recent
             GROUP BY phone ORDER BY max(seq) DESC LIMIT $2",
        )
        .bind(caller.org_id)
        .bind(PAGE_SIZE)
        .fetch_all(pool)
        .await?
    } else {
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let by_phone = !q.chars().any(char::is_alphabetic) && digits.len() >= 3;
        let pattern = if by_phone {
            format!("%{digits}%")
        } else {
            format!(
                "%{}%",
                crate::rules::lead_query::like_escape(&q.to_lowercase())
            )
        };
        let mut qb = QueryBuilder::new("SELECT l.phone FROM leads l");
        db::scope::scoped(&mut qb, caller.scope());
        qb.push(" AND l.phone IS NOT NULL AND ");
        if by_phone {
            qb.push("l.phone LIKE ").push_bind(pattern.clone());
        } else {
            qb.push("lower(l.name) LIKE ").push_bind(pattern.clone());
        }
        // Numbers with consent events but no lead: only for those who review consent.
        if everyone && by_phone {
            qb.push(" UNION SELECT DISTINCT e.phone FROM consent_events e WHERE e.org_id = ")
                .push_bind(caller.org_id)
                .push(" AND e.phone LIKE ")
                .push_bind(pattern);
        }
        qb.push(" LIMIT ").push_bind(PAGE_SIZE);
        qb.build_query_scalar()
            .persistent(false)
            .fetch_all(pool)
            .await?
    };
    let rows = sqlx::query_as(
        "SELECT n.phone,
                (SELECT l.name FROM leads l WHERE l.org_id = $1 AND l.phone = n.phone) AS lead_name,
                (SELECT max(e.at) FROM consent_events e WHERE e.org_id = $1 AND e.phone = n.phone) AS last_at,
                (SELECT count(*) FROM consent_events e WHERE e.org_id = $1 AND e.phone = n.phone) AS events
         FROM unnest($2::text[]) AS n(phone)
         ORDER BY last_at DESC NULLS LAST, n.phone",
    )
    .bind(caller.org_id)
    .bind(&numbers)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Everything that proves what the number agreed to and what it was sent, audited as an
/// export of personal data.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
pub async fn packet(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    phone: &E164,
) -> Result<EvidencePacket, AppError> {
    let mut conn = pool.acquire().await?;
    let leads = leads_with(&mut conn, caller, phone).await?;
    let events = history(&mut conn, caller.org_id, phone.as_str()).await?;
    let opt_outs: Vec<PacketOptOut> = sqlx::query_as::<_, OptOutRow>(
        "SELECT e.seq, e.at, e.medium, m.created_at AS queued_at, m.sent_at, m.status
         FROM consent_events e
         LEFT JOIN messages m ON m.consent_event_id = e.id AND m.purpose = 'opt_out_confirmation'
         WHERE e.org_id = $1 AND e.phone = $2 AND e.kind = 'revoke' ORDER BY e.seq",
    )
    .bind(caller.org_id)
    .bind(phone.as_str())
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(OptOutRow::into_packet)
    .collect();
    let messages: Vec<PacketMessage> = sqlx::query_as(
        "SELECT m.id, m.created_at, m.sent_at, c.channel, m.category, m.status, m.status_reason, m.purpose, m.body
         FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         JOIN leads l ON l.id = c.lead_id
         WHERE m.org_id = $1 AND l.phone = $2 AND m.direction = 'outbound'
         UNION ALL
         -- Texts addressed to the number itself (a code, the consent form's \"reply YES\").
         SELECT m.id, m.created_at, m.sent_at, 'sms'::channel, m.category, m.status, m.status_reason, m.purpose, m.body
         FROM messages m
         WHERE m.org_id = $1 AND m.to_phone = $2
         ORDER BY 2, 1",
    )
    .bind(caller.org_id)
    .bind(phone.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let organisation = db::orgs::profile(&mut *conn, caller.org_id).await?.name;
    let generated_by: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_one(&mut *conn)
        .await?;
    let verification = verify(pool, caller.org_id).await?;
    db::audit::record(
        &mut *conn,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::ConsentPacketExported,
            (AuditObject::Phone, phone.as_str().to_string()),
            json!({ "events": events.len(), "messages": messages.len() }),
        ),
    )
    .await?;
    Ok(EvidencePacket {
        organisation,
        phone: phone.as_str().to_string(),
        generated_at: chrono::Utc::now(),
        generated_by,
        leads,
        state: state(&events),
        events,
        opt_outs,
        messages,
        verification,
    })
}

#[derive(sqlx::FromRow)]
struct OptOutRow {
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    medium: crate::model::ConsentMedium,
    queued_at: Option<chrono::DateTime<chrono::Utc>>,
    sent_at: Option<chrono::DateTime<chrono::Utc>>,
    status: Option<crate::model::DeliveryStatus>,
}

impl OptOutRow {
    fn into_packet(self) -> PacketOptOut {
        PacketOptOut {
            seq: self.seq,
            at: self.at,
            medium: self.medium,
            confirmation_queued_at: self.queued_at,
            confirmation_sent_at: self.sent_at,
            confirmation_status: self.status,
        }
    }
}

/// Re-computes the organisation's whole chain; the check itself is audited.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
pub async fn verify_ledger(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
) -> Result<Verification, AppError> {
    let result = verify(pool, caller.org_id).await?;
    let detail = json!({ "checked": result.checked, "first_broken": result.first_broken.as_ref().map(|b| b.seq) });
    db::audit::record(
        pool,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LedgerVerified,
            (AuditObject::Organisation, caller.org_id.to_string()),
            detail,
        ),
    )
    .await?;
    Ok(result)
}

/// Refused sends, newest first, a page at a time.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
pub async fn blocked(
    pool: &PgPool,
    caller: Caller,
    cursor: &str,
) -> Result<Page<BlockedSend>, AppError> {
    let after = Cursor::decode(cursor).and_then(|c| match c.key {
        CursorKey::Time(at) => Some((at, c.id)),
        CursorKey::Name(_) | CursorKey::Score(_) => None,
    });
    let rows = sqlx::query_as(
        "SELECT m.id, m.created_at, m.conversation_id,
                coalesce(l.name, 'A number typed on a public page') AS lead_name, coalesce(l.phone, m.to_phone) AS phone,
                coalesce(c.channel, 'sms') AS channel, m.category, u.name AS sender_name, m.status_reason AS reason
         FROM messages m
         LEFT JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN leads l ON l.id = c.lead_id
         LEFT JOIN users u ON u.id = m.sender_user_id
         WHERE m.org_id = $1 AND m.status = 'blocked'
           AND ($2::timestamptz IS NULL OR (m.created_at, m.id) < ($2, $3))
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT $4",
    )
    .bind(caller.org_id)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(Page::<BlockedSend>::FETCH)
    .fetch_all(pool)
    .await?;
    Ok(Page::cut(rows, |last: &BlockedSend| {
        Cursor {
            key: CursorKey::Time(last.created_at),
            id: last.id,
        }
        .encode()
    }))
}
