//! The lead routes that are files rather than pages: CSV export and CSV upload.

use super::{import, ops::scope};
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, LeadQuery};
use crate::rules::authz::Capability;
use crate::rules::lead_query::LeadFilter;
use crate::server::auth::Caller;
use crate::server::client_ip::client_ip;
use crate::server::db::{self, audit::AuditEvent};
use crate::server::AppState;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// `GET /leads/export.csv?…` with the list's filters: every matching lead, audited, and
/// streamed as it is read (memory stays flat however many leads match).
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    parts: Parts,
    Query(query): Query<LeadQuery>,
) -> Result<Response, AppError> {
    use futures_util::StreamExt;
    let caller = caller.may(Capability::ExportData)?;
    let mut filter = LeadFilter::parse(&query);
    let mut conn = state.pool.acquire().await?;
    let mut matching = db::lead_list::count_all(&mut conn, scope(caller), &filter).await?;
    // The same fallback as the list: words that start nothing are searched anywhere.
    if let (0, Some(loose)) = (matching, filter.loosened()) {
        matching = db::lead_list::count_all(&mut conn, scope(caller), &loose).await?;
        filter = loose;
    }
    let ip = client_ip(&parts, state.config.trusted_proxies);
    let detail = json!({ "count": matching, "filters": query });
    db::audit::record(
        &mut *conn,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadsExported,
            (AuditObject::Leads, "list".into()),
            detail,
        ),
    )
    .await?;
    drop(conn);
    let header = super::csv_io::export_header().map_err(|e| anyhow::anyhow!("CSV: {e}"))?;
    let rows = db::lead_list::stream_all(state.pool.clone(), scope(caller), filter).map(|row| {
        let lead = row.map_err(|error| {
            tracing::error!(%error, "lead export stopped");
            std::io::Error::other("the export stopped")
        })?;
        let mut line = csv::Writer::from_writer(Vec::new());
        super::csv_io::export_row(&mut line, &lead).map_err(std::io::Error::other)?;
        line.into_inner()
            .map(axum::body::Bytes::from)
            .map_err(|e| std::io::Error::other(e.to_string()))
    });
    let body = futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(axum::body::Bytes::from(header))
    })
    .chain(rows);
    let filename = format!(
        "attachment; filename=\"leads-{}.csv\"",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}

/// `POST /leads/import` (multipart, field `file`): stores the file and shows its preview.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let caller = caller.may(Capability::ImportLeads)?;
    let back = |message: &str| {
        Redirect::to(&format!(
            "/leads/import?error={}",
            crate::rules::url::encode(message)
        ))
        .into_response()
    };
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.csv").to_string();
            match field.bytes().await {
                Ok(bytes) => file = Some((name, bytes)),
                Err(_) => {
                    return Ok(back(
                        "The upload did not arrive whole, or is larger than 5 MB.",
                    ))
                }
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(back("Choose a CSV file to upload."));
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(back(
            "The file is not UTF-8 text. Save it from your spreadsheet as \"CSV UTF-8\".",
        ));
    };
    match import::upload(
        &state.pool,
        caller,
        &name,
        text.trim_start_matches('\u{feff}'),
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/leads/import/{id}")).into_response()),
        Err(AppError::Validation(errors)) => Ok(back(
            errors.get("file").unwrap_or("The file could not be read."),
        )),
        Err(other) => Err(other),
    }
}
