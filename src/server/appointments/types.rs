//! Appointment types per organisation (test drive, sales visit, delivery, service,
//! showing): their length, whether the customer confirms, their reminders and wording.

use super::hours::audit_change;
use crate::error::AppError;
use crate::model::{AppointmentType, AppointmentTypeInput, AuditObject, FieldErrors};
use crate::rules::appointment::{check_template, parse_offsets};
use crate::server::auth::Caller;
use crate::server::db;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

const COLUMNS: &str =
    "id, name, duration_minutes, needs_confirmation, reminder_offsets, reminder_template, active";

/// Every type of the organisation (`active_only` for the booking form), by name.
pub async fn list(
    conn: &mut PgConnection,
    org_id: Uuid,
    active_only: bool,
) -> Result<Vec<AppointmentType>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM appointment_types WHERE org_id = $1 AND (active OR NOT $2) ORDER BY name"
    ))
    .bind(org_id)
    .bind(active_only)
    .fetch_all(conn)
    .await
}

pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<AppointmentType>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM appointment_types WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

struct Valid {
    id: Option<Uuid>,
    name: String,
    minutes: i32,
    offsets: Vec<i32>,
}

fn validate(input: &AppointmentTypeInput) -> Result<Valid, AppError> {
    let mut errors = FieldErrors::default();
    let id = errors
        .optional("id", &input.id, |s| s.parse::<Uuid>())
        .filter(|_| !input.id.trim().is_empty());
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        errors.add("name", "Name the type in 1 to 80 characters.");
    } else if crate::rules::assistant::promotional(&name) {
        // The name goes into every reminder and confirmation, which are informational.
        errors.add(
            "name",
            "The name goes into reminders: it cannot carry an offer.",
        );
    }
    let minutes = match input.duration_minutes.trim().parse::<i32>() {
        Ok(m) if (5..=600).contains(&m) => m,
        _ => {
            errors.add("duration_minutes", "Enter a length from 5 to 600 minutes.");
            0
        }
    };
    let offsets = errors.check("reminders", parse_offsets(&input.reminders));
    errors.check(
        "reminder_template",
        check_template(&input.reminder_template),
    );
    match (errors.is_empty(), offsets) {
        (true, Some(offsets)) => Ok(Valid {
            id,
            name,
            minutes,
            offsets,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Creates or updates a type. A changed reminder plan applies to appointments booked
/// afterwards; those already booked keep the reminders they were given.
pub async fn save(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: AppointmentTypeInput,
) -> Result<Uuid, AppError> {
    let v = validate(&input)?;
    let mut tx = pool.begin().await?;
    let saved: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO appointment_types (id, org_id, name, duration_minutes, needs_confirmation,
                                        reminder_offsets, reminder_template, active)
         VALUES (coalesce($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET name = $3, duration_minutes = $4, needs_confirmation = $5,
             reminder_offsets = $6, reminder_template = $7, active = $8
             WHERE appointment_types.org_id = $2
         RETURNING id",
    )
    .bind(v.id)
    .bind(caller.org_id)
    .bind(&v.name)
    .bind(v.minutes)
    .bind(input.needs_confirmation == "yes")
    .bind(&v.offsets)
    .bind(input.reminder_template.trim())
    .bind(input.active == "yes")
    .fetch_optional(&mut *tx)
    .await
    .map_err(
        |e| match db::is_unique_violation(&e, "appointment_types_org_id_name_key") {
            true => AppError::field("name", "There is already a type with this name."),
            false => e.into(),
        },
    )?;
    // Another organisation's id updates nothing, and reads as missing.
    let id = saved.ok_or(AppError::NotFound)?;
    let object = (AuditObject::Organisation, caller.org_id.to_string());
    let detail = json!({ "appointment_type": id, "name": v.name });
    audit_change(&mut tx, caller, ip, object, detail).await?;
    tx.commit().await?;
    Ok(id)
}
