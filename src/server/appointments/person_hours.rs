//! A person's own working hours and zone (a remote agent booking for the store, a part-time
//! salesperson): where they have any, they are bookable only inside both theirs and the
//! store's (`rules::slots`). Managers set them under Settings → Calendar.

use super::hours::{load, parse_week, week_text, write_week};
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, FieldErrors, PersonHours};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use chrono_tz::Tz;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// Every bookable person's hours, by name.
pub async fn list(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<PersonHours>, sqlx::Error> {
    let people: Vec<(Uuid, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, time_zone FROM users WHERE org_id = $1 AND active AND role IN ('agent', 'manager') ORDER BY name",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(people.len());
    for (id, name, zone) in people {
        let own = load(conn, org_id, Some(id)).await?;
        out.push(PersonHours {
            user: id.to_string(),
            name,
            time_zone: zone.unwrap_or_default(),
            hours: match own {
                Some(hours) => week_text(Some(&hours)),
                None => vec![String::new(); 7],
            },
        });
    }
    Ok(out)
}

/// Saves one person's hours (all empty: the store's apply) and zone.
pub async fn save(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: PersonHours,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let user = input.user.trim().parse::<Uuid>().ok();
    let week = parse_week(&input.hours, &mut errors);
    let zone = match input.time_zone.trim() {
        "" => None,
        text => match text.parse::<Tz>() {
            Ok(zone) => Some(zone.name().to_string()),
            Err(_) => {
                errors.add("time_zone", "Use an IANA time zone such as America/New_York, or leave it empty for the store's.");
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = pool.begin().await?;
    let found: Option<Uuid> = sqlx::query_scalar(
        "UPDATE users SET time_zone = $3 WHERE id = $1 AND org_id = $2 AND role IN ('agent', 'manager') RETURNING id",
    )
    .bind(user)
    .bind(caller.org_id)
    .bind(&zone)
    .fetch_optional(&mut *tx)
    .await?;
    let user = found.ok_or(AppError::NotFound)?;
    write_week(&mut tx, caller.org_id, Some(user), &week).await?;
    let object = (AuditObject::User, user.to_string());
    let detail = json!({ "working_days": week.len(), "time_zone": zone });
    let event = AuditEvent::by(
        caller,
        ip,
        AuditAction::CalendarSettingsChanged,
        object,
        detail,
    );
    db::audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(())
}
