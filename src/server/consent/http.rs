//! The evidence packet as files: `GET /consent/number/{phone}/packet.json` and `.csv`.

use super::views;
use crate::error::AppError;
use crate::model::EvidencePacket;
use crate::rules::authz::Capability;
use crate::server::auth::Caller;
use crate::server::client_ip::client_ip;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};

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
        crate::server::db::audit::Event::by(
            caller,
            client_ip(&parts, state.config.trusted_proxies),
            "consent.head_signed",
            ("consent_event", head.seq.to_string()),
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

/// One table for spreadsheets: a `record` column says what each row is (an event, an
/// opt-out confirmation, a message, the verification), the other columns its facts.
pub fn csv(packet: &EvidencePacket) -> Result<Vec<u8>, csv::Error> {
    let mut out = Sheet(csv::Writer::from_writer(Vec::new()));
    out.write_record([
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
    ])?;
    let time = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339();
    for e in &packet.events {
        let categories = e
            .categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        out.write_record([
            "consent_event",
            &time(e.at),
            &e.seq.to_string(),
            e.family.as_str(),
            if e.is_grant() { "grant" } else { "revoke" },
            e.level.map(|l| l.label()).unwrap_or_default(),
            &categories,
            e.medium.as_str(),
            e.language.as_deref().unwrap_or_default(),
            e.language_sha256.as_deref().unwrap_or_default(),
            e.campaign.as_deref().unwrap_or_default(),
            e.ip.as_deref().unwrap_or_default(),
            e.user_agent.as_deref().unwrap_or_default(),
            e.person_name.as_deref().unwrap_or_default(),
            e.captured_by.as_deref().unwrap_or("system"),
            e.source_ref.as_deref().unwrap_or_default(),
            &e.hash,
            e.prev_hash.as_deref().unwrap_or_default(),
            "",
            "",
            "",
            "",
        ])?;
    }
    for o in &packet.opt_outs {
        let detail = match (o.confirmation_queued_at, o.confirmation_sent_at) {
            (_, Some(sent)) => format!("confirmation sent {}", time(sent)),
            (Some(queued), None) => format!("confirmation queued {}", time(queued)),
            (None, None) => "no confirmation (not an SMS keyword, or a repeated STOP)".into(),
        };
        out.write_record([
            "opt_out",
            &time(o.at),
            &o.seq.to_string(),
            "",
            "revoke",
            "",
            "",
            o.medium.as_str(),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            o.confirmation_status
                .map(|s| s.as_str())
                .unwrap_or_default(),
            &detail,
            "",
        ])?;
    }
    for m in &packet.messages {
        out.write_record([
            "message",
            &time(m.sent_at.unwrap_or(m.created_at)),
            "",
            "",
            "outbound",
            "",
            m.category.map(|c| c.as_str()).unwrap_or_default(),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &m.id.to_string(),
            "",
            "",
            m.channel.as_str(),
            m.status.as_str(),
            m.status_reason.as_deref().unwrap_or_default(),
            &m.body,
        ])?;
    }
    let verdict = match &packet.verification.first_broken {
        None => format!(
            "chain intact: {} events checked",
            packet.verification.checked
        ),
        Some(b) => format!("chain BROKEN at event {}: {}", b.seq, b.why),
    };
    out.write_record([
        "verification",
        &time(packet.verification.at),
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        &verdict,
        "",
    ])?;
    out.0.into_inner().map_err(|e| e.into_error().into())
}

/// Every cell of the packet passes `inert`: customer text must not run as a formula.
struct Sheet(csv::Writer<Vec<u8>>);

impl Sheet {
    fn write_record<const N: usize>(&mut self, cells: [&str; N]) -> Result<(), csv::Error> {
        self.0
            .write_record(cells.map(crate::server::leads::csv_io::inert))
    }
}
