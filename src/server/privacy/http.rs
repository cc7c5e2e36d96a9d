//! Files: a request's bundle and report, and the audit log as CSV.

use super::audit_log;
use super::store::{self, By};
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, AuditQuery};
use crate::rules::authz::Capability;
use crate::server::auth::Caller;
use crate::server::client_ip::client_ip;
use crate::server::db::{self, audit::AuditEvent};
use crate::server::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

fn file(name: String, kind: &str, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /privacy-requests/{id}/bundle.zip`: the person's records, for the compliance
/// officer to send on. Only after verification (the bundle exists only then); audited.
pub async fn bundle(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let caller = caller.may(Capability::ProcessPrivacyRequests)?;
    let mut conn = state.pool.acquire().await?;
    let r = store::load(&mut conn, caller.org_id, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.verified_at.is_none() {
        return Err(AppError::Forbidden);
    }
    let bundle: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT bundle FROM privacy_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let bundle = bundle.ok_or(AppError::NotFound)?;
    let ip = client_ip(&parts, state.config.trusted_proxies);
    store::step(
        &mut conn,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        AuditAction::PrivacyBundleDownloaded,
        json!({ "bytes": bundle.len() }),
    )
    .await?;
    Ok(file(
        format!("privacy-request-{}.zip", &id.simple().to_string()[..8]),
        "application/zip",
        bundle,
    ))
}

/// `GET /privacy-requests/{id}/report.json`: what was done, erased and kept, and why.
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let caller = caller.may(Capability::ViewPrivacyRequests)?;
    let mut conn = state.pool.acquire().await?;
    let r = store::load(&mut conn, caller.org_id, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = r.result.ok_or(AppError::NotFound)?;
    let body = serde_json::to_vec_pretty(&json!({
        "request": r.id,
        "kind": r.kind,
        "received_at": r.received_at,
        "due_on": r.due_on,
        "completed_at": r.completed_at,
        "status": r.status,
        "report": result,
    }))
    .map_err(anyhow::Error::from)?;
    let ip = client_ip(&parts, state.config.trusted_proxies);
    store::step(
        &mut conn,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        AuditAction::PrivacyReportDownloaded,
        json!({}),
    )
    .await?;
    Ok(file(
        format!(
            "privacy-request-{}-report.json",
            &id.simple().to_string()[..8]
        ),
        "application/json",
        body,
    ))
}

/// `GET /audit/export.csv?…`: the filtered audit log; the export is itself audited.
pub async fn audit_export(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let caller = caller.may(Capability::ViewAuditLog)?;
    let rows = audit_log::all(&state.pool, caller, &query).await?;
    let body = audit_log::csv(&rows).map_err(|e| anyhow::anyhow!("audit CSV: {e}"))?;
    let ip = client_ip(&parts, state.config.trusted_proxies);
    db::audit::record(
        &state.pool,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::AuditExported,
            (AuditObject::AuditLog, "filtered".into()),
            json!({ "rows": rows.len(), "filters": query }),
        ),
    )
    .await?;
    Ok(file(
        format!("audit-log-{}.csv", chrono::Utc::now().format("%Y-%m-%d")),
        "text/csv; charset=utf-8",
        body,
    ))
}
