//! CSV import: upload, preview with per-row outcomes, then one import of exactly that.

use super::csv_io;
use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, ImportPreview, ImportReport, LeadSource, PreviewRow, RejectedRow,
    RowOutcome,
};
use crate::rules::lead_form;
use crate::server::auth::Caller;
use crate::server::db::leads::{LeadFields, PhoneTaken::Refuse};
use crate::server::db::{self, audit::AuditEvent};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use std::net::IpAddr;
use uuid::Uuid;

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ROWS: usize = 20_000;
const PREVIEW_ROWS: usize = 20;

/// Stores an uploaded file after checking that it reads as a lead CSV.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn upload(
    pool: &PgPool,
    caller: Caller,
    filename: &str,
    body: &str,
) -> Result<Uuid, AppError> {
    let parsed = csv_io::parse(body).map_err(|e| AppError::field("file", e))?;
    if parsed.rows.is_empty() {
        return Err(AppError::field(
            "file",
            "The file has a header row but no leads.",
        ));
    }
    if parsed.rows.len() > MAX_ROWS {
        return Err(AppError::field(
            "file",
            format!("Import at most {MAX_ROWS} rows at a time."),
        ));
    }
    let id = sqlx::query_scalar("INSERT INTO lead_imports (org_id, user_id, filename, body) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(caller.org_id)
        .bind(caller.user_id)
        .bind(filename.chars().take(200).collect::<String>())
        .bind(body)
        .fetch_one(pool)
        .await?;
    Ok(id)
}

enum Plan {
    New(LeadFields),
    Merge(Uuid, LeadFields),
    SkipEarlierRow(u64),
    Invalid(Vec<String>),
}

struct Planned {
    line: u64,
    name: String,
    phone: String,
    email: String,
    plan: Plan,
}

async fn plan(
    conn: &mut PgConnection,
    org_id: Uuid,
    body: &str,
) -> Result<(Vec<Planned>, Vec<String>), AppError> {
    let org = db::orgs::profile(&mut *conn, org_id).await?;
    let parsed = csv_io::parse(body).map_err(|e| AppError::field("file", e))?;
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    let validated: Vec<_> = parsed
        .rows
        .iter()
        .map(|row| lead_form::lead(&row.input, &org.country, this_year))
        .collect();
    let phones: Vec<String> = validated
        .iter()
        .filter_map(|v| v.as_ref().ok()?.phone.clone())
        .collect();
    let emails: Vec<String> = validated
        .iter()
        .filter_map(|v| v.as_ref().ok()?.email.clone())
        .collect();
    let existing: Vec<(Uuid, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT id, phone, email FROM leads WHERE org_id = $1 AND (phone = ANY($2) OR email = ANY($3))")
            .bind(org_id)
            .bind(&phones)
            .bind(&emails)
            .fetch_all(&mut *conn)
            .await?;
    let mut by_key: HashMap<String, Uuid> = HashMap::new();
    for (id, phone, email) in existing {
        by_key.extend(phone.into_iter().chain(email).map(|key| (key, id)));
    }
    let mut seen_in_file: HashMap<String, u64> = HashMap::new();
    let mut planned = Vec::with_capacity(parsed.rows.len());
    for (row, result) in parsed.rows.iter().zip(validated) {
        let plan = match result {
            Err(errors) => Plan::Invalid(errors.messages()),
            Ok(fields) => {
                let keys: Vec<String> = fields
                    .phone
                    .iter()
                    .chain(fields.email.iter())
                    .cloned()
                    .collect();
                if let Some(line) = keys.iter().find_map(|k| seen_in_file.get(k)) {
                    Plan::SkipEarlierRow(*line)
                } else {
                    for key in &keys {
                        seen_in_file.insert(key.clone(), row.line);
                    }
                    match keys.iter().find_map(|k| by_key.get(k)) {
                        Some(id) => Plan::Merge(*id, fields),
                        None => Plan::New(fields),
                    }
                }
            }
        };
        planned.push(Planned {
            line: row.line,
            name: row.input.name.clone(),
            phone: row.input.phone.clone(),
            email: row.input.email.clone(),
            plan,
        });
    }
    Ok((planned, parsed.ignored_columns))
}

async fn load(
    pool: &PgPool,
    caller: Caller,
    id: Uuid,
) -> Result<(String, String, Option<ImportReport>), AppError> {
    let row: Option<(String, String, Option<sqlx::types::Json<ImportReport>>)> = sqlx::query_as(
        "SELECT filename, body, report FROM lead_imports WHERE org_id = $1 AND id = $2",
    )
    .bind(caller.org_id)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let (filename, body, report) = row.ok_or(AppError::NotFound)?;
    Ok((filename, body, report.map(|r| r.0)))
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn preview(pool: &PgPool, caller: Caller, id: Uuid) -> Result<ImportPreview, AppError> {
    let (filename, body, report) = load(pool, caller, id).await?;
    let mut conn = pool.acquire().await?;
    let (planned, ignored_columns) = plan(&mut conn, caller.org_id, &body).await?;
    let count = |f: fn(&Plan) -> bool| planned.iter().filter(|p| f(&p.plan)).count();
    let rows = planned
        .iter()
        .take(PREVIEW_ROWS)
        .map(|p| PreviewRow {
            line: p.line,
            name: p.name.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            outcome: match &p.plan {
                Plan::New(_) => RowOutcome::New,
                Plan::Merge(..) => RowOutcome::Duplicate("an existing lead".into()),
                Plan::SkipEarlierRow(line) => {
                    RowOutcome::Duplicate(format!("row {line} of this file"))
                }
                Plan::Invalid(reasons) => RowOutcome::Invalid(reasons.clone()),
            },
        })
        .collect();
    Ok(ImportPreview {
        id,
        filename,
        total: planned.len(),
        new: count(|p| matches!(p, Plan::New(_))),
        duplicates: count(|p| matches!(p, Plan::Merge(..) | Plan::SkipEarlierRow(_))),
        invalid: count(|p| matches!(p, Plan::Invalid(_))),
        rows,
        ignored_columns,
        report,
    })
}

/// Imports the valid rows once; duplicates of existing leads are merged (empty fields
/// filled, tags added; nothing overwritten) or skipped. Running it again returns the report.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn run(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    merge: bool,
) -> Result<ImportReport, AppError> {
    let mut tx = pool.begin().await?;
    let locked: Option<Option<sqlx::types::Json<ImportReport>>> = sqlx::query_scalar(
        "SELECT report FROM lead_imports WHERE org_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(caller.org_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    match locked {
        None => return Err(AppError::NotFound),
        Some(Some(done)) => return Ok(done.0),
        Some(None) => {}
    }
    let body: String = sqlx::query_scalar("SELECT body FROM lead_imports WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let (planned, _) = plan(&mut tx, caller.org_id, &body).await?;
    let mut report = ImportReport {
        imported: 0,
        merged: 0,
        skipped: 0,
        rejected: Vec::new(),
    };
    for row in planned {
        match row.plan {
            Plan::New(fields) => {
                let source = LeadSource::Import;
                db::leads::insert(&mut tx, caller.org_id, source, None, &fields, Refuse).await?;
                report.imported += 1;
            }
            Plan::Merge(lead, fields) if merge => {
                merge_into(&mut tx, caller.org_id, lead, &fields).await?;
                report.merged += 1;
            }
            Plan::Merge(..) | Plan::SkipEarlierRow(_) => report.skipped += 1,
            Plan::Invalid(reasons) => report.rejected.push(RejectedRow {
                line: row.line,
                name: row.name,
                reasons,
            }),
        }
    }
    sqlx::query("UPDATE lead_imports SET report = $2, imported_at = now() WHERE id = $1")
        .bind(id)
        .bind(sqlx::types::Json(&report))
        .execute(&mut *tx)
        .await?;
    let detail = json!({ "imported": report.imported, "merged": report.merged, "skipped": report.skipped, "rejected": report.rejected.len() });
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadsImported,
            (AuditObject::LeadImport, id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

async fn merge_into(
    conn: &mut PgConnection,
    org_id: Uuid,
    lead: Uuid,
    f: &LeadFields,
) -> Result<(), sqlx::Error> {
    // Only empty fields are filled: what the lead already says wins over the file.
    sqlx::query(
        "UPDATE leads SET updated_at = now(),
            email = coalesce(email, $3), phone = coalesce(phone, $4),
            tags = ARRAY(SELECT DISTINCT unnest(tags || $5::text[])),
            time_zone = coalesce(time_zone, $6),
            interest_year = coalesce(interest_year, $7), interest_make = coalesce(interest_make, $8),
            interest_model = coalesce(interest_model, $9), interest_vin = coalesce(interest_vin, $10),
            owned_year = coalesce(owned_year, $11), owned_make = coalesce(owned_make, $12),
            owned_model = coalesce(owned_model, $13), owned_vin = coalesce(owned_vin, $14),
            budget_min = coalesce(budget_min, $15),
            budget_max = CASE WHEN budget_max IS NULL AND $16 >= coalesce(budget_min, $15, 0) THEN $16 ELSE budget_max END,
            locations = coalesce(locations, $17), property_type = coalesce(property_type, $18),
            timeline = coalesce(timeline, $19)
         WHERE org_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(lead)
    .bind(&f.email)
    .bind(&f.phone)
    .bind(&f.tags)
    .bind(&f.time_zone)
    .bind(f.interest_year)
    .bind(&f.interest_make)
    .bind(&f.interest_model)
    .bind(&f.interest_vin)
    .bind(f.owned_year)
    .bind(&f.owned_make)
    .bind(&f.owned_model)
    .bind(&f.owned_vin)
    .bind(f.budget_min)
    .bind(f.budget_max)
    .bind(&f.locations)
    .bind(&f.property_type)
    .bind(&f.timeline)
    .execute(conn)
    .await?;
    Ok(())
}
