//! Working hours (the store's, and a person's own), closed days and the no-show delay: read
//! into `rules::slots`, and saved from the calendar settings form.

use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, CalendarSettings, FieldErrors, HOURS_FIELDS, WEEKDAYS,
};
use crate::rules::slots::{DayHours, Hours};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// The store's zone, from its settings (UTC when unreadable).
pub async fn org_zone(conn: &mut PgConnection, org_id: Uuid) -> Result<Tz, sqlx::Error> {
    let zone: String = sqlx::query_scalar("SELECT time_zone FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_one(conn)
        .await?;
    Ok(zone.parse().unwrap_or(Tz::UTC))
}

type HoursRow = (i16, NaiveTime, NaiveTime);

/// The store's weekly hours (`user` None) or a person's own, if they have any.
pub async fn load(
    conn: &mut PgConnection,
    org_id: Uuid,
    user: Option<Uuid>,
) -> Result<Option<Hours>, sqlx::Error> {
    let rows: Vec<HoursRow> = sqlx::query_as(
        "SELECT weekday, opens_at, closes_at FROM working_hours
         WHERE org_id = $1 AND user_id IS NOT DISTINCT FROM $2 ORDER BY weekday",
    )
    .bind(org_id)
    .bind(user)
    .fetch_all(&mut *conn)
    .await?;
    let zone = match user {
        None => org_zone(conn, org_id).await?,
        Some(user) => {
            let own: Option<String> =
                sqlx::query_scalar("SELECT time_zone FROM users WHERE id = $1 AND org_id = $2")
                    .bind(user)
                    .bind(org_id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .flatten();
            match own.and_then(|z| z.parse().ok()) {
                Some(zone) => zone,
                None => org_zone(conn, org_id).await?,
            }
        }
    };
    if user.is_some() && rows.is_empty() {
        return Ok(None);
    }
    let days = rows
        .into_iter()
        .map(|(weekday, opens, closes)| DayHours {
            weekday: weekday as u32,
            opens,
            closes,
        })
        .collect();
    Ok(Some(Hours { zone, days }))
}

pub async fn closed_days(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Vec<NaiveDate>, sqlx::Error> {
    sqlx::query_scalar("SELECT day FROM closed_days WHERE org_id = $1 AND day >= current_date - 2")
        .bind(org_id)
        .fetch_all(conn)
        .await
}

/// The form as stored: seven lines of hours, the closed days, the no-show delay.
pub async fn settings(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<CalendarSettings, sqlx::Error> {
    let store = load(conn, org_id, None).await?;
    let hours = week_text(store.as_ref());
    let closed: Vec<(NaiveDate, String)> =
        sqlx::query_as("SELECT day, reason FROM closed_days WHERE org_id = $1 ORDER BY day")
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
    let no_show: i32 =
        sqlx::query_scalar("SELECT no_show_after_minutes FROM organisations WHERE id = $1")
            .bind(org_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(CalendarSettings {
        hours,
        closed_days: closed
            .into_iter()
            .map(|(day, reason)| format!("{day} {reason}").trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        no_show_after_minutes: no_show.to_string(),
    })
}

struct Parsed {
    hours: Week,
    closed: Vec<(NaiveDate, String)>,
    no_show: i32,
}

fn parse(input: &CalendarSettings) -> Result<Parsed, AppError> {
    let mut errors = FieldErrors::default();
    let hours = parse_week(&input.hours, &mut errors);
    let mut closed = Vec::new();
    for line in input
        .closed_days
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let (day, reason) = line.split_once(' ').unwrap_or((line, ""));
        match day.parse::<NaiveDate>() {
            Ok(day) if reason.chars().count() <= 120 => closed.push((day, reason.trim().into())),
            _ => {
                errors.add(
                    "closed_days",
                    format!(
                        "“{line}”: write one day per line as 2026-12-25, then an optional reason."
                    ),
                );
                break;
            }
        }
    }
    let no_show = match input.no_show_after_minutes.trim().parse::<i32>() {
        Ok(n) if (5..=1440).contains(&n) => n,
        _ => {
            errors.add(
                "no_show_after_minutes",
                "Enter a number of minutes from 5 to 1440.",
            );
            0
        }
    };
    match errors.is_empty() {
        true => Ok(Parsed {
            hours,
            closed,
            no_show,
        }),
        false => Err(AppError::Validation(errors)),
    }
}

pub type Week = Vec<(i16, NaiveTime, NaiveTime)>;

/// Seven lines from Monday ("09:00-19:00", or empty when closed), each error under
/// `hours0` … `hours6`.
pub fn parse_week(lines: &[String], errors: &mut FieldErrors) -> Week {
    let mut hours = Vec::new();
    for (i, line) in lines.iter().take(7).enumerate() {
        let line = line.trim();
        if line.is_empty() || line.eq_ignore_ascii_case("closed") {
            continue;
        }
        match parse_span(line) {
            Some((opens, closes)) => hours.push((i as i16 + 1, opens, closes)),
            None => errors.add(
                HOURS_FIELDS[i],
                format!(
                    "Write {}'s hours as 09:00-19:00, or leave it empty when closed.",
                    WEEKDAYS[i]
                ),
            ),
        }
    }
    hours
}

/// The form's seven lines for stored hours.
pub fn week_text(hours: Option<&Hours>) -> Vec<String> {
    (1..=7)
        .map(|weekday| {
            hours
                .iter()
                .flat_map(|h| &h.days)
                .find(|d| d.weekday == weekday)
                .map(|d| format!("{}-{}", d.opens.format("%H:%M"), d.closes.format("%H:%M")))
                .unwrap_or_default()
        })
        .collect()
}

/// Replaces the store's hours (`user` None) or a person's, in the caller's transaction.
pub async fn write_week(
    tx: &mut PgConnection,
    org_id: Uuid,
    user: Option<Uuid>,
    week: &Week,
) -> Result<(), sqlx::Error> {
    // Two saves at once take turns rather than collide on the weekday key.
    sqlx::query("SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE")
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM working_hours WHERE org_id = $1 AND user_id IS NOT DISTINCT FROM $2")
        .bind(org_id)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    for (weekday, opens, closes) in week {
        sqlx::query(
            "INSERT INTO working_hours (org_id, user_id, weekday, opens_at, closes_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org_id)
        .bind(user)
        .bind(weekday)
        .bind(opens)
        .bind(closes)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// "09:00-19:00" (or with an en dash), opening before closing.
pub fn parse_span(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (a, b) = text.split_once(['-', '–'])?;
    let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
    let (opens, closes) = (time(a)?, time(b)?);
    (closes > opens).then_some((opens, closes))
}

pub async fn save(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: CalendarSettings,
) -> Result<(), AppError> {
    let parsed = parse(&input)?;
    let mut tx = pool.begin().await?;
    write_week(&mut tx, caller.org_id, None, &parsed.hours).await?;
    sqlx::query("DELETE FROM closed_days WHERE org_id = $1")
        .bind(caller.org_id)
        .execute(&mut *tx)
        .await?;
    for (day, reason) in &parsed.closed {
        sqlx::query("INSERT INTO closed_days (org_id, day, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(caller.org_id)
            .bind(day)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE organisations SET no_show_after_minutes = $2 WHERE id = $1")
        .bind(caller.org_id)
        .bind(parsed.no_show)
        .execute(&mut *tx)
        .await?;
    let object = (AuditObject::Organisation, caller.org_id.to_string());
    let detail = json!({ "open_days": parsed.hours.len(), "closed_days": parsed.closed.len() });
    audit_change(&mut tx, caller, ip, object, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// A calendar setting changed (hours, a person's hours, a type): audited as the caller's.
pub async fn audit_change(
    tx: &mut PgConnection,
    caller: Caller,
    ip: Option<IpAddr>,
    object: (AuditObject, String),
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let event = AuditEvent::by(
        caller,
        ip,
        AuditAction::CalendarSettingsChanged,
        object,
        detail,
    );
    db::audit::record(&mut *tx, event).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_with_a_dash_and_refuse_backwards_spans() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_span("09:00-19:00"), Some((t(9, 0), t(19, 0))));
        assert_eq!(parse_span(" 8:30 – 12:15 "), Some((t(8, 30), t(12, 15))));
        assert_eq!(parse_span("19:00-09:00"), None);
        assert_eq!(parse_span("nine to five"), None);
    }

    #[test]
    fn a_bad_line_is_named_beside_its_day() {
        let input = CalendarSettings {
            hours: vec!["09:00-17:00".into(), "later".into()],
            closed_days: "2026-12-25 Christmas\nsoon".into(),
            no_show_after_minutes: "2".into(),
        };
        let Err(AppError::Validation(errors)) = parse(&input) else {
            panic!("expected field errors");
        };
        assert!(errors.get("hours1").is_some());
        assert!(errors.get("closed_days").is_some());
        assert!(errors.get("no_show_after_minutes").is_some());
    }
}
