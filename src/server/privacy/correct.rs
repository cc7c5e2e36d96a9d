//! Correction (SPEC §4): the given fields replace the old ones on every lead of the
//! person, with before and after in the request's history.

use super::records::lead_ids;
use super::store::{step, By, Stored};
use crate::error::AppError;
use crate::model::{
    AuditAction, CorrectionInput, Email, ExecutionReport, FieldErrors, LeadRef, E164,
};
use crate::rules::account::person_name;
use crate::server::auth::Caller;
use crate::server::db;
use serde_json::{json, Value};
use sqlx::PgConnection;

/// The corrected values; `None` leaves a field as it is.
struct Correction {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// Checks the new values (a phone in the organisation's `region`); at least one is needed.
fn parse(input: &CorrectionInput, region: &str) -> Result<Correction, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.optional("name", &input.name, person_name);
    let email = errors.optional("email", &input.email, |e| {
        Email::parse(e).map(|e| e.as_str().to_string())
    });
    let phone = errors.optional("phone", &input.phone, |p| {
        E164::parse(p, region).map(|p| p.as_str().to_string())
    });
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if name.is_none() && email.is_none() && phone.is_none() {
        return Err(AppError::field(
            "name",
            "Enter at least one corrected value.",
        ));
    }
    Ok(Correction { name, email, phone })
}

/// Corrects one lead; its values before and after, for the history.
async fn apply(tx: &mut PgConnection, lead: &LeadRef, new: &Correction) -> Result<Value, AppError> {
    let before: (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT name, email, phone FROM leads WHERE id = $1")
            .bind(lead.id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "UPDATE leads SET name = coalesce($2, name), email = coalesce($3, email), phone = coalesce($4, phone), updated_at = now()
         WHERE id = $1",
    )
    .bind(lead.id)
    .bind(&new.name)
    .bind(&new.email)
    .bind(&new.phone)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if db::is_unique_violation(&e, db::leads::PHONE_KEY) {
            AppError::field("phone", "Another lead already has this phone number.")
        } else {
            e.into()
        }
    })?;
    Ok(json!({
        "lead": lead.id,
        "before": { "name": before.0, "email": before.1, "phone": before.2 },
        "after": {
            "name": new.name.as_ref().unwrap_or(&before.0),
            "email": new.email.clone().or(before.1),
            "phone": new.phone.clone().or(before.2),
        },
    }))
}

pub async fn correct(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
    input: &CorrectionInput,
) -> Result<ExecutionReport, AppError> {
    let region = db::orgs::profile(&mut *tx, r.org_id).await?.country;
    let new = parse(input, &region)?;
    let (proven_email, proven_phone) = r.proven();
    let leads = lead_ids(tx, r.org_id, proven_email, proven_phone).await?;
    let mut changes = Vec::new();
    for lead in &leads {
        changes.push(apply(tx, lead, &new).await?);
    }
    step(
        tx,
        r.org_id,
        r.id,
        By::Staff(caller),
        None,
        AuditAction::PrivacyCorrected,
        json!({ "changes": changes }),
    )
    .await?;
    Ok(ExecutionReport {
        summary: format!(
            "Corrected {} lead(s); the history shows each value before and after.",
            leads.len()
        ),
        ..Default::default()
    })
}
