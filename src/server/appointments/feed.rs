//! Each user's private calendar feed (RFC 5545, `text/calendar`), which Google Calendar,
//! Outlook and Apple Calendar subscribe to: `GET /calendar/feed/{secret}.ics`. The secret
//! is 256 random bits shown once when made; only its hash is stored, and making a new one
//! or revoking it ends the old address. The feed names the type and the customer's first
//! name only: no phone number, no e-mail.

use crate::error::AppError;
use crate::model::{AppointmentStatus, AuditAction, AuditObject, CalendarFeed};
use crate::server::auth::Caller;
use crate::server::crypto::{token_hash, url_token};
use crate::server::db::{self, audit::AuditEvent};
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

pub async fn status(conn: &mut PgConnection, caller: Caller) -> Result<CalendarFeed, AppError> {
    let active: bool = sqlx::query_scalar(
        "SELECT calendar_token_hash IS NOT NULL FROM users WHERE id = $1 AND org_id = $2",
    )
    .bind(caller.user_id)
    .bind(caller.org_id)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(CalendarFeed { active, url: None })
}

/// Makes a new address (ending any earlier one) when `on`, or revokes it.
pub async fn set(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    base_url: &str,
    on: bool,
) -> Result<CalendarFeed, AppError> {
    let token = on.then(url_token);
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE users SET calendar_token_hash = $3 WHERE id = $1 AND org_id = $2")
        .bind(caller.user_id)
        .bind(caller.org_id)
        .bind(token.as_deref().map(token_hash))
        .execute(&mut *tx)
        .await?;
    let object = (AuditObject::User, caller.user_id.to_string());
    let detail = json!({ "feed": if on { "new address" } else { "revoked" } });
    let event = AuditEvent::by(caller, ip, AuditAction::CalendarFeedChanged, object, detail);
    db::audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(CalendarFeed {
        active: on,
        url: token.map(|t| format!("{}/calendar/feed/{t}.ics", base_url.trim_end_matches('/'))),
    })
}

/// One appointment as a calendar shows it.
#[derive(sqlx::FromRow)]
pub struct FeedEvent {
    pub id: Uuid,
    pub type_name: String,
    pub lead_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub sequence: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Whose calendar it is: a person's feed (the customer's first name in each title, a link
/// to the appointment's page), or the customer's one visit (the store's name instead).
pub enum Reader<'a> {
    Staff { base_url: &'a str },
    Customer,
}

/// The calendar text: times in UTC (valid everywhere without a VTIMEZONE block), the
/// reader's zone as the calendar's display zone, stable UIDs, and a cancelled or moved
/// appointment kept as `STATUS:CANCELLED` so subscribed calendars remove it.
pub fn render(name: &str, zone: Tz, events: &[FeedEvent], reader: Reader) -> String {
    let mut calendar = Calendar::new();
    calendar
        .name(&format!("{name} — ConsentDesk"))
        .timezone(zone)
        .ttl(&chrono::Duration::minutes(15));
    for e in events {
        let who = match reader {
            Reader::Staff { .. } => {
                crate::rules::appointment::first_name(&e.lead_name).unwrap_or("customer")
            }
            Reader::Customer => name,
        };
        let status = match e.status {
            AppointmentStatus::Cancelled | AppointmentStatus::Rescheduled => EventStatus::Cancelled,
            AppointmentStatus::Scheduled => EventStatus::Tentative,
            _ => EventStatus::Confirmed,
        };
        let mut event = Event::new();
        event
            .uid(&format!("{}@consentdesk", e.id))
            .timestamp(e.updated_at)
            .created(e.created_at)
            .last_modified(e.updated_at)
            .sequence(e.sequence.max(0) as u32)
            .starts(e.starts_at)
            .ends(e.ends_at)
            .summary(&format!("{} — {who}", e.type_name))
            .description(&format!("Status: {}", e.status.label()))
            .status(status);
        if let Reader::Staff { base_url } = reader {
            event.url(&format!(
                "{}/calendar/{}",
                base_url.trim_end_matches('/'),
                e.id
            ));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// `GET /calendar/feed/{secret}.ics`. An unknown or revoked secret is a plain 404.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    respond(feed(&state, &file).await)
}

/// `GET /calendar/visit/{secret}.ics`: the customer's one appointment, from the link in
/// their confirmation text (the store's name and the type, no one's name).
pub async fn serve_visit(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    respond(visit(&state, &file).await)
}

async fn visit(state: &AppState, file: &str) -> Result<Option<String>, sqlx::Error> {
    let Some(token) = file.strip_suffix(".ics").filter(|t| t.len() == 43) else {
        return Ok(None);
    };
    let found: Option<VisitRow> = sqlx::query_as(
        "SELECT o.name AS store, a.time_zone, a.id, t.name AS type_name, '' AS lead_name, a.starts_at, a.ends_at,
                a.status, a.sequence, a.created_at, a.updated_at
         FROM appointments a JOIN organisations o ON o.id = a.org_id JOIN appointment_types t ON t.id = a.type_id
         WHERE a.public_token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&state.pool)
    .await?;
    Ok(found.map(|row| {
        let zone = row.time_zone.parse().unwrap_or(Tz::UTC);
        render(&row.store, zone, &[row.event], Reader::Customer)
    }))
}

#[derive(sqlx::FromRow)]
struct VisitRow {
    store: String,
    time_zone: String,
    #[sqlx(flatten)]
    event: FeedEvent,
}

fn respond(found: Result<Option<String>, sqlx::Error>) -> Response {
    match found {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "No such calendar.").into_response(),
        Err(error) => {
            tracing::error!(?error, "calendar feed");
            (StatusCode::SERVICE_UNAVAILABLE, "Try again shortly.").into_response()
        }
    }
}

async fn feed(state: &AppState, file: &str) -> Result<Option<String>, sqlx::Error> {
    let Some(token) = file.strip_suffix(".ics").filter(|t| t.len() == 43) else {
        return Ok(None);
    };
    let mut conn = state.pool.acquire().await?;
    type Owner = (Uuid, Uuid, String, Option<String>, String);
    let owner: Option<Owner> = sqlx::query_as(
        "SELECT u.id, u.org_id, u.name, u.time_zone, o.time_zone FROM users u
         JOIN organisations o ON o.id = u.org_id
         WHERE u.calendar_token_hash = $1 AND u.active",
    )
    .bind(token_hash(token))
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user, org, name, own_zone, org_zone)) = owner else {
        return Ok(None);
    };
    let events: Vec<FeedEvent> = sqlx::query_as(
        "SELECT a.id, t.name AS type_name, l.name AS lead_name, a.starts_at, a.ends_at, a.status,
                a.sequence, a.created_at, a.updated_at
         FROM appointments a JOIN appointment_types t ON t.id = a.type_id JOIN leads l ON l.id = a.lead_id
         WHERE a.org_id = $1 AND a.assignee_id = $2
           AND a.starts_at > now() - interval '60 days' AND a.starts_at < now() + interval '1 year'
         ORDER BY a.starts_at LIMIT 2000",
    )
    .bind(org)
    .bind(user)
    .fetch_all(&mut *conn)
    .await?;
    let zone = crate::rules::quiet_hours::zone_of(own_zone.as_deref(), &org_zone);
    let reader = Reader::Staff {
        base_url: &state.config.public_base_url,
    };
    Ok(Some(render(&name, zone, &events, reader)))
}
