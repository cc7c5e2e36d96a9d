//! Restriction of processing (SPEC §4): nothing is sent to the person and no AI reads
//! them, until a compliance officer lifts it.

use super::records::lead_ids;
use super::store::{load, step, By, Stored};
use crate::error::AppError;
use crate::model::{AuditAction, ExecutionReport, PrivacyRequestKind, PrivacyRequestStatus};
use crate::server::auth::Caller;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// Restricts (`on`) or lifts the restriction on every lead of the person.
pub async fn restrict(
    tx: &mut PgConnection,
    r: &Stored,
    on: bool,
) -> Result<ExecutionReport, AppError> {
    let (email, phone) = r.proven();
    let leads = lead_ids(tx, r.org_id, email, phone).await?;
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let changed = sqlx::query(
        "UPDATE leads SET restricted_at = CASE WHEN $3 THEN coalesce(restricted_at, now()) END WHERE org_id = $1 AND id = ANY($2)",
    )
    .bind(r.org_id)
    .bind(&ids)
    .bind(on)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(ExecutionReport {
        summary: if on {
            format!("Processing restricted for {changed} lead(s): no message will be sent to them and no AI will read them until the restriction is lifted.")
        } else {
            format!("Restriction lifted for {changed} lead(s).")
        },
        ..Default::default()
    })
}

/// Lifts the restriction a completed restriction request put in place.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, request = %id))]
pub async fn lift(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let r = load(&mut tx, caller.org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.kind != PrivacyRequestKind::Restriction || r.status != PrivacyRequestStatus::Completed {
        return Err(AppError::Conflict(
            "Only a completed restriction can be lifted.".into(),
        ));
    }
    let report = restrict(&mut tx, &r, false).await?;
    step(
        &mut tx,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        AuditAction::PrivacyRestrictionLifted,
        json!({ "summary": report.summary }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
