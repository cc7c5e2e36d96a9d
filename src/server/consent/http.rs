//! The evidence packet as files: `GET /consent/number/{phone}/packet.json` and `.csv`.

use super::views;
use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, ConsentEventView, EvidencePacket, PacketMessage, PacketOptOut,
    Verification,
};
use crate::rules::authz::Capability;
use crate::rules::ledger::EventKind;
use crate::server::auth::Caller;
use crate::server::client_ip::client_ip;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

pub async fn packet_json(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    Path(phone): Path<String>,
) -> Result<Response, AppError> {
    let packet = load(&state, caller, &parts, &phone).await?;
    let body = serde_json::to_vec_pretty(&packet).map_err(anyhow::Error::from)?;
    Ok(file(&packet, "json", "application/json", body))
}

pub async fn packet_csv(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    Path(phone): Path<String>,
) -> Result<Response, AppError> {
    let packet = load(&state, caller, &parts, &phone).await?;
    let body = csv(&packet).map_err(|e| anyhow::anyhow!("writing the packet CSV: {e}"))?;
    Ok(file(&packet, "csv", "text/csv; charset=utf-8", body))
}

async fn load(
    state: &AppState,
    caller: Caller,
    parts: &Parts,
    phone: &str,
) -> Result<EvidencePacket, AppError> {
    let caller = caller.may(Capability::ExportData)?;
    let phone = views::number(&state.pool, caller, phone.trim_start_matches('+')).await?;
    let ip = client_ip(parts, state.config.trusted_proxies);
    views::packet(&state.pool, caller, ip, &phone).await
}

/// `GET /consent/ledger/head.json`: the chain's head, signed with the ledger key, to keep
/// outside the system. Audited.
pub async fn signed_head(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
) -> Result<Response, AppError> {
    let caller = caller.may(Capability::ReviewConsent)?;
    let head = super::signed_head(&state.pool, caller.org_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("This server has no ledger key: nothing can be signed.".into())
        })?;
    crate::server::db::audit::record(
        &state.pool,
        crate::server::db::audit::AuditEvent::by(
            caller,
            client_ip(&parts, state.config.trusted_proxies),
            AuditAction::LedgerHeadSigned,
            (AuditObject::ConsentEvent, head.seq.to_string()),
            serde_json::json!({ "hash": head.hash }),
        ),
    )
    .await?;
    let body = serde_json::to_vec_pretty(&head).map_err(anyhow::Error::from)?;
    let name = format!(
        "attachment; filename=\"consent-ledger-head-{}.json\"",
        head.seq
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

fn file(packet: &EvidencePacket, extension: &str, kind: &str, body: Vec<u8>) -> Response {
    let name = format!(
        "attachment; filename=\"consent-evidence-{}-{}.{extension}\"",
        packet.phone.trim_start_matches('+'),
        packet.generated_at.format("%Y-%m-%d")
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response()
}

/// The packet CSV's columns, in order.
const COLUMNS: [&str; 22] = [
    "record",
    "at",
    "seq",
    "family",
    "kind",
    "level",
    "categories",
    "medium",
    "language",
    "language_sha256",
    "campaign",
    "ip",
    "user_agent",
    "person",
    "captured_by",
    "source_ref",
    "hash",
    "prev_hash",
    "channel",
    "status",
    "detail",
    "body",
];

/// One table for spreadsheets: a `record` column says what each row is (an event, an
/// opt-out confirmation, a message, the verification), the other columns its facts.
pub fn csv(packet: &EvidencePacket) -> Result<Vec<u8>, csv::Error> {
    let mut out = Sheet(csv::Writer::from_writer(Vec::new()));
    out.write_record(COLUMNS)?;
    for e in &packet.events {
        out.write_record(event_row(e).each_ref().map(String::as_str))?;
    }
    for o in &packet.opt_outs {
        out.write_record(opt_out_row(o).each_ref().map(String::as_str))?;
    }
    for m in &packet.messages {
        out.write_record(message_row(m).each_ref().map(String::as_str))?;
    }
    out.write_record(
        verification_row(&packet.verification)
            .each_ref()
            .map(String::as_str),
    )?;
    out.0.into_inner().map_err(|e| e.into_error().into())
}

type Row = [String; 22];

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// A row with `record` and `at` set and every other cell empty.
fn row(record: &str, at: DateTime<Utc>) -> Row {
    let mut row: Row = Default::default();
    row[0] = record.into();
    row[1] = time(at);
    row
}

fn event_row(e: &ConsentEventView) -> Row {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let mut r = row("consent_event", e.at);
    r[2] = e.seq.to_string();
    r[3] = e.family.as_str().into();
    r[4] = EventKind::of(e.level).as_str().into();
    r[5] = e.level.map(|l| l.label()).unwrap_or_default().into();
    r[6] = e
        .categories
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    r[7] = e.medium.as_str().into();
    r[8] = text(&e.language);
    r[9] = text(&e.language_sha256);
    r[10] = text(&e.campaign);
    r[11] = text(&e.ip);
    r[12] = text(&e.user_agent);
    r[13] = text(&e.person_name);
    r[14] = e.captured_by.clone().unwrap_or_else(|| "system".into());
    r[15] = text(&e.source_ref);
    r[16] = e.hash.clone();
    r[17] = text(&e.prev_hash);
    r
}

fn opt_out_row(o: &PacketOptOut) -> Row {
    let mut r = row("opt_out", o.at);
    r[2] = o.seq.to_string();
    r[4] = EventKind::Revoke.as_str().into();
    r[7] = o.medium.as_str().into();
    r[19] = o
        .confirmation_status
        .map(|s| s.as_str())
        .unwrap_or_default()
        .into();
    r[20] = match (o.confirmation_queued_at, o.confirmation_sent_at) {
        (_, Some(sent)) => format!("confirmation sent {}", time(sent)),
        (Some(queued), None) => format!("confirmation queued {}", time(queued)),
        (None, None) => "no confirmation (not an SMS keyword, or a repeated STOP)".into(),
    };
    r
}

fn message_row(m: &PacketMessage) -> Row {
    let mut r = row("message", m.sent_at.unwrap_or(m.created_at));
    r[4] = "outbound".into();
    r[6] = m.category.map(|c| c.as_str()).unwrap_or_default().into();
    r[15] = m.id.to_string();
    r[18] = m.channel.as_str().into();
    r[19] = m.status.as_str().into();
    r[20] = m.status_reason.clone().unwrap_or_default();
    r[21] = m.body.clone();
    r
}

fn verification_row(v: &Verification) -> Row {
    let mut r = row("verification", v.at);
    r[20] = match &v.first_broken {
        None => format!("chain intact: {} events checked", v.checked),
        Some(b) => format!("chain BROKEN at event {}: {}", b.seq, b.why),
    };
    r
}

/// Every cell of the packet passes `inert`: customer text must not run as a formula.
struct Sheet(csv::Writer<Vec<u8>>);

impl Sheet {
    fn write_record<const N: usize>(&mut self, cells: [&str; N]) -> Result<(), csv::Error> {
        self.0
            .write_record(cells.map(crate::server::leads::csv_io::inert))
    }
}
