//! The organisation's privacy policies: the request deadline and communications retention.

use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, FieldErrors, PrivacySettings};
use crate::rules::deadlines::DeadlinePolicy;
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;
use std::net::IpAddr;
use uuid::Uuid;

#[tracing::instrument(skip_all, fields(org = %org_id))]
pub async fn load(pool: &PgPool, org_id: Uuid) -> Result<PrivacySettings, AppError> {
    let (kind, days, ends, max_age): (String, i32, Option<NaiveDate>, Option<i32>) = sqlx::query_as(
        "SELECT request_deadline_kind, request_deadline_days, subscription_ends_on, communications_max_age_days
         FROM organisations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_one(pool)
    .await?;
    Ok(PrivacySettings {
        deadline_kind: kind,
        deadline_days: days.to_string(),
        subscription_ends_on: ends.map(|d| d.to_string()).unwrap_or_default(),
        communications_max_age_days: max_age.map(|d| d.to_string()).unwrap_or_default(),
    })
}

/// Saves both policies. A new deadline applies to requests received from now on: each
/// request's due date was fixed when it arrived.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn save(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: &PrivacySettings,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let days = input.deadline_days.trim().parse::<i32>().unwrap_or(0);
    let policy = errors.check(
        "deadline_days",
        DeadlinePolicy::from_settings(input.deadline_kind.trim(), days),
    );
    let ends = errors.optional(
        "subscription_ends_on",
        &input.subscription_ends_on,
        |text| {
            text.parse::<NaiveDate>()
                .ok()
                .filter(|d| (2000..=2200).contains(&chrono::Datelike::year(d)))
                .ok_or("Use a date like 2027-06-30.")
        },
    );
    let max_age = errors.optional("communications_max_age_days", &input.communications_max_age_days, |text| {
        text.parse::<i32>()
            .ok()
            .filter(|d| (30..=36500).contains(d))
            .ok_or("Between 30 and 36,500 days, or empty to keep for the subscription plus 90 days.")
    });
    let Some(policy) = policy.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let (kind, days) = policy.setting();
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE organisations SET request_deadline_kind = $2, request_deadline_days = $3,
             subscription_ends_on = $4, communications_max_age_days = $5 WHERE id = $1",
    )
    .bind(caller.org_id)
    .bind(kind.as_str())
    .bind(i32::from(days))
    .bind(ends)
    .bind(max_age)
    .execute(&mut *tx)
    .await?;
    db::audit::record(
        &mut *tx,
        AuditEvent::by(caller, ip, AuditAction::PrivacySettingsChanged, (AuditObject::Organisation, caller.org_id.to_string()), json!({
            "deadline": policy.describe(), "subscription_ends_on": ends, "communications_max_age_days": max_age,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
