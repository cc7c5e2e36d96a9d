//! A person's own working hours and zone (a remote agent booking for the store, a part-time
//! salesperson): where they have any, they are bookable only inside both theirs and the
//! store's (`rules::slots`). Managers set them under Settings → Calendar.

use super::hours::{audit_change, parse_week, week_text, write_week};
use crate::error::AppError;
use crate::model::{AuditObject, FieldErrors, PersonHours};
use crate::rules::slots::{DayHours, Hours};
use crate::server::auth::Caller;
use chrono::NaiveTime;
use chrono_tz::Tz;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// Every bookable person's hours, by name, in two queries however many people there are.
pub async fn list(conn: &mut PgConnection, org_id: Uuid) -> Result<Vec<PersonHours>, sqlx::Error> {
    let people: Vec<(Uuid, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, time_zone FROM users WHERE org_id = $1 AND active AND role IN ('agent', 'manager') ORDER BY name",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<(Uuid, i16, NaiveTime, NaiveTime)> = sqlx::query_as(
        "SELECT user_id, weekday, opens_at, closes_at FROM working_hours
         WHERE org_id = $1 AND user_id IS NOT NULL",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(people
        .into_iter()
        .map(|(id, name, zone)| {
            let days = rows
                .iter()
                .filter(|r| r.0 == id)
                .map(|&(_, weekday, opens, closes)| DayHours {
                    weekday: weekday as u32,
                    opens,
                    closes,
                })
                .collect();
            // Only the days and times make the form's text; the zone is not part of it.
            let own = Hours {
                zone: Tz::UTC,
                days,
            };
            PersonHours {
                user: id.to_string(),
                name,
                time_zone: zone.unwrap_or_default(),
                hours: week_text(Some(&own)),
            }
        })
        .collect())
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
    audit_change(&mut tx, caller, ip, object, detail).await?;
    tx.commit().await?;
    Ok(())
}
