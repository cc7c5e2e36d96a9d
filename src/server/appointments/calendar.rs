//! The calendar (day and week, per store and per person, with filters), and one
//! appointment with its reminders.
//!
//! Who sees what: managers and compliance officers the whole store; an agent the
//! appointments they take and those of the leads they can see (SPEC §1's scope rule).

use crate::error::AppError;
use crate::model::{
    AppointmentStatus, AppointmentView, CalendarEntry, CalendarQuery, CalendarView, ReminderView,
};
use crate::rules::appointment::offset_label;
use crate::rules::slots;
use crate::server::auth::Caller;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

const ENTRY: &str =
    "SELECT a.id, a.lead_id, l.name AS lead_name, a.type_id, t.name AS type_name, a.assignee_id,
        u.name AS assignee_name, a.starts_at, a.ends_at, a.status, a.source, a.attention
    FROM appointments a JOIN leads l ON l.id = a.lead_id
    JOIN appointment_types t ON t.id = a.type_id JOIN users u ON u.id = a.assignee_id";

/// The most appointments one view shows; past it the page asks for a filter.
const MAX_SHOWN: usize = 1500;

/// Limits a query over `appointments a JOIN leads l` to what the caller may see.
fn scoped(qb: &mut QueryBuilder<'_, Postgres>, caller: Caller) {
    qb.push(" WHERE a.org_id = ").push_bind(caller.org_id);
    if caller.scope().own_only {
        qb.push(" AND (a.assignee_id = ")
            .push_bind(caller.user_id)
            .push(" OR l.assigned_to = ")
            .push_bind(caller.user_id)
            .push(" OR l.assigned_to IS NULL)");
    }
}

fn labelled(mut entries: Vec<CalendarEntry>, zone: Tz) -> Vec<CalendarEntry> {
    for e in &mut entries {
        e.when_label = slots::label(e.starts_at, zone);
        e.time_label = slots::time_label(e.starts_at, zone);
        e.local_date = Some(e.starts_at.with_timezone(&zone).date_naive());
    }
    entries
}

/// The first instant of a store date.
fn start_of(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN);
    (0..4)
        .find_map(|h| {
            zone.from_local_datetime(&(local + Duration::hours(h)))
                .earliest()
        })
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

pub async fn view(
    conn: &mut PgConnection,
    caller: Caller,
    q: &CalendarQuery,
) -> Result<CalendarView, AppError> {
    let zone = super::hours::org_zone(conn, caller.org_id).await?;
    let today = Utc::now().with_timezone(&zone).date_naive();
    // Ten years either way: further is a typo (and date arithmetic must not overflow).
    let date = q
        .date
        .trim()
        .parse::<NaiveDate>()
        .ok()
        .filter(|d| (*d - today).num_days().abs() <= 3650)
        .unwrap_or(today);
    let days: Vec<NaiveDate> = match q.view.as_str() {
        "day" => vec![date],
        _ => {
            let monday = date - Duration::days(date.weekday().num_days_from_monday().into());
            monday.iter_days().take(7).collect()
        }
    };
    let (first, last) = (days[0], days[days.len() - 1]);
    let mut qb = QueryBuilder::new(ENTRY);
    scoped(&mut qb, caller);
    qb.push(" AND a.starts_at >= ")
        .push_bind(start_of(first, zone))
        .push(" AND a.starts_at < ")
        .push_bind(start_of(last + Duration::days(1), zone));
    if let Ok(id) = q.assignee.parse::<Uuid>() {
        qb.push(" AND a.assignee_id = ").push_bind(id);
    }
    if let Ok(id) = q.type_id.parse::<Uuid>() {
        qb.push(" AND a.type_id = ").push_bind(id);
    }
    if let Ok(status) = q.status.parse::<AppointmentStatus>() {
        qb.push(" AND a.status = ").push_bind(status);
    }
    qb.push(" ORDER BY a.starts_at, a.id LIMIT ")
        .push_bind(MAX_SHOWN as i64 + 1);
    let mut entries: Vec<CalendarEntry> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let truncated = entries.len() > MAX_SHOWN;
    entries.truncate(MAX_SHOWN);
    let mut qb = QueryBuilder::new(ENTRY);
    scoped(&mut qb, caller);
    qb.push(
        " AND a.attention IS NOT NULL AND a.status IN ('scheduled', 'confirmed')
          AND a.ends_at > now() ORDER BY a.starts_at LIMIT 50",
    );
    let attention = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(CalendarView {
        zone: zone.name().to_string(),
        days,
        today,
        entries: labelled(entries, zone),
        truncated,
        attention: labelled(attention, zone),
        assignees: super::book::bookable(conn, caller.org_id).await?,
        types: super::types::list(conn, caller.org_id, false).await?,
    })
}

/// Whether the caller can see this appointment at all (the calendar's scope rule).
pub async fn visible(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT EXISTS (SELECT 1 FROM appointments a JOIN leads l ON l.id = a.lead_id",
    );
    scoped(&mut qb, caller);
    qb.push(" AND a.id = ").push_bind(id).push(")");
    qb.build_query_scalar().fetch_one(conn).await
}

type ReminderRow = (
    i32,
    DateTime<Utc>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// One appointment the caller can see, with its reminders' states.
pub async fn detail(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
) -> Result<AppointmentView, AppError> {
    let mut qb = QueryBuilder::new(ENTRY);
    scoped(&mut qb, caller);
    qb.push(" AND a.id = ").push_bind(id);
    let entry: Option<CalendarEntry> = qb.build_query_as().fetch_optional(&mut *conn).await?;
    let entry = entry.ok_or(AppError::NotFound)?;
    // The visit's taker sees it; only those who see its lead change it (`change::locked`).
    let can_edit = caller
        .role
        .may(crate::rules::authz::Capability::BookAppointments)
        && super::book::visible_lead(conn, caller, entry.lead_id)
            .await?
            .is_some();
    type Extra = (String, String, Option<Uuid>, Option<Uuid>);
    let (notes, zone_name, conversation_id, rescheduled_to): Extra = sqlx::query_as(
        "SELECT notes, time_zone, conversation_id, rescheduled_to FROM appointments WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let zone: Tz = zone_name.parse().unwrap_or(Tz::UTC);
    let rows: Vec<ReminderRow> = sqlx::query_as(
        "SELECT r.offset_minutes, r.due_at, r.state::text, r.reason, m.status::text, m.status_reason
         FROM appointment_reminders r LEFT JOIN messages m ON m.id = r.message_id
         WHERE r.appointment_id = $1 ORDER BY r.offset_minutes DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let reminders = rows
        .into_iter()
        .map(|(offset, due, state, reason, message, message_reason)| {
            let (state, reason) = match (state.as_str(), message.as_deref()) {
                ("sent", Some("delivered")) => ("delivered".to_string(), None),
                ("sent", Some("failed")) => ("failed".to_string(), message_reason),
                ("sent", Some("blocked")) => ("skipped".to_string(), message_reason),
                (state, _) => (state.to_string(), reason),
            };
            ReminderView {
                offset_label: format!("{} before", offset_label(offset)),
                due_label: slots::label(due, zone),
                state,
                reason,
            }
        })
        .collect();
    Ok(AppointmentView {
        entry: labelled(vec![entry], zone).remove(0),
        notes,
        zone: zone.name().to_string(),
        conversation_id,
        reminders,
        rescheduled_to,
        can_edit,
    })
}
