//! Doing what a verified request asks (SPEC §4), one button per kind. Each runs in one
//! transaction, is recorded on the request, and runs once: a completed request is not
//! executed again. The kinds themselves live in `bundle`, `correct`, `erase`, `restrict`
//! and `revoke`.

use super::correct::correct;
use super::erase::erase;
use super::notify;

use super::restrict::restrict;
use super::revoke::opt_out;
use super::store::{load, step, By, Stored};
use crate::error::AppError;
use crate::model::Purpose;
use crate::model::{
    AuditAction, CorrectionInput, ExecutionReport, PrivacyRequestKind, PrivacyRequestStatus,
};
use crate::server::auth::Caller;
use crate::server::db;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// Carries out a verified request. `correction` holds the new values of a correction.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, request = %id))]
pub async fn run(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    correction: &CorrectionInput,
) -> Result<ExecutionReport, AppError> {
    let mut tx = pool.begin().await?;
    let r = load(&mut tx, caller.org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status == PrivacyRequestStatus::Completed {
        // Idempotent: the second press shows what the first one did.
        return Ok(r
            .result
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default());
    }
    if !matches!(
        r.status,
        PrivacyRequestStatus::Verified | PrivacyRequestStatus::InProgress
    ) {
        return Err(AppError::Conflict(
            "The requester's identity is not verified yet: nothing about them may be released or changed.".into(),
        ));
    }
    let report = carry_out(&mut tx, caller, &r, correction).await?;
    complete(&mut tx, caller, &r, &report).await?;
    let told = tell_done(&mut tx, caller.org_id, &r).await?;
    step(
        &mut tx,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        AuditAction::PrivacyExecuted,
        json!({
            "kind": r.kind, "report": report, "told": told.channel(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Does what the request's kind asks.
async fn carry_out(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
    correction: &CorrectionInput,
) -> Result<ExecutionReport, AppError> {
    match r.kind {
        PrivacyRequestKind::Access | PrivacyRequestKind::Portability => bundle(tx, r).await,
        PrivacyRequestKind::Correction => correct(tx, caller, r, correction).await,
        PrivacyRequestKind::Deletion => erase(tx, caller, r).await,
        PrivacyRequestKind::Restriction => restrict(tx, r, true).await,
        PrivacyRequestKind::MarketingOptOut => opt_out(tx, caller, r).await,
    }
}

/// Access and portability: the bundle is built and kept on the request, for download.
async fn bundle(tx: &mut PgConnection, r: &Stored) -> Result<ExecutionReport, AppError> {
    let (bundle, manifest) = super::bundle::build(tx, r).await?;
    sqlx::query("UPDATE privacy_requests SET bundle = $2 WHERE id = $1")
        .bind(r.id)
        .bind(bundle)
        .execute(&mut *tx)
        .await?;
    Ok(ExecutionReport {
        summary: "A bundle of every record of the person (JSON and CSV, with a manifest) is ready to download and send to them.".into(),
        manifest,
        ..Default::default()
    })
}

/// Marks the request completed with its report; whoever ran it is its assignee if it
/// had none.
async fn complete(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
    report: &ExecutionReport,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE privacy_requests SET status = 'completed', completed_at = now(), result = $2,
             assignee = coalesce(assignee, $3) WHERE id = $1",
    )
    .bind(r.id)
    .bind(serde_json::to_value(report).map_err(anyhow::Error::from)?)
    .bind(caller.user_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Tells the requester it is done, where the code went. After an erasure the number is
/// suppressed, so a text is withheld (`notify`), as is one to a number that opted out.
async fn tell_done(
    tx: &mut PgConnection,
    org_id: Uuid,
    r: &Stored,
) -> Result<notify::Told, AppError> {
    let org = db::orgs::profile(&mut *tx, org_id).await?.name;
    let text = format!(
        "{org}: we have completed your {} request. {}",
        r.kind.as_str().replace('_', " "),
        match r.kind {
            PrivacyRequestKind::Access | PrivacyRequestKind::Portability =>
                "We will send you your data securely.",
            _ => "Thank you.",
        }
    );
    let (email, phone) = r.proven();
    Ok(notify::tell(
        tx,
        org_id,
        email,
        phone,
        "Your privacy request is complete",
        &text,
        Purpose::PrivacyNotice,
    )
    .await?)
}
