//! Booking: the form's options (types, people, free slots), and the booking itself, which
//! passes the same slot check whoever books (staff or the assistant) and is refused by the
//! database when it would overlap another booking of the person, however the two race.

use super::availability::Availability;
use super::{notice, reminders, types};
use crate::error::AppError;
use crate::model::{
    AppointmentSource, AuditAction, AuditObject, BookingInput, BookingOptions, BookingOutcome,
    FieldErrors, MessageCategory, SlotOffer,
};
use crate::rules::slots::{self, is_free};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool, QueryBuilder};
use std::net::IpAddr;
use uuid::Uuid;

/// One booking, checked for form: who books it is the caller's business.
#[derive(Debug, Clone)]
pub struct Booking {
    pub lead: Uuid,
    pub type_id: Uuid,
    pub assignee: Uuid,
    pub starts_at: DateTime<Utc>,
    pub conversation: Option<Uuid>,
    pub notes: String,
    pub source: AppointmentSource,
}

fn parse(input: &BookingInput) -> Result<(Booking, bool), AppError> {
    let mut e = FieldErrors::default();
    let uuid = |e: &mut FieldErrors, field: &str, value: &str, message: &str| {
        value
            .trim()
            .parse::<Uuid>()
            .map_err(|_| e.add(field, message))
            .ok()
    };
    let lead = uuid(&mut e, "lead", &input.lead, "Choose the lead.");
    let type_id = uuid(&mut e, "type_id", &input.type_id, "Choose a type.");
    let assignee = uuid(
        &mut e,
        "assignee",
        &input.assignee,
        "Choose who the customer meets.",
    );
    let conversation = e.optional("conversation", &input.conversation, |s| s.parse::<Uuid>());
    let starts_at = input
        .starts_at
        .trim()
        .parse::<DateTime<Utc>>()
        .map_err(|_| e.add("starts_at", "Choose a time from the list."))
        .ok();
    let notes = input.notes.trim().to_string();
    if notes.chars().count() > 2000 {
        e.add("notes", "Keep notes under 2,000 characters.");
    }
    match (lead, type_id, assignee, starts_at) {
        (Some(lead), Some(type_id), Some(assignee), Some(starts_at)) if e.is_empty() => Ok((
            Booking {
                lead,
                type_id,
                assignee,
                starts_at,
                conversation,
                notes,
                source: AppointmentSource::Staff,
            },
            input.notify == "yes",
        )),
        _ => Err(AppError::Validation(e)),
    }
}

/// The lead's name, when the caller can see the lead.
pub async fn visible_lead(
    conn: &mut PgConnection,
    caller: Caller,
    lead: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT l.name FROM leads l");
    db::scope::scoped(&mut qb, caller.scope());
    qb.push(" AND l.id = ").push_bind(lead);
    qb.build_query_scalar().fetch_optional(conn).await
}

/// People a customer can be booked with: active agents and managers.
pub async fn bookable(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Vec<crate::model::Assignee>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name FROM users WHERE org_id = $1 AND active AND role IN ('agent', 'manager') ORDER BY name",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await
}

/// The free slots of a type with a person, from `from` (the store's date; today when
/// none), for the booking form.
pub async fn options(
    pool: &PgPool,
    caller: Caller,
    lead: Uuid,
    type_id: Option<Uuid>,
    assignee: Option<Uuid>,
    from: Option<NaiveDate>,
) -> Result<BookingOptions, AppError> {
    let mut conn = pool.acquire().await?;
    visible_lead(&mut conn, caller, lead)
        .await?
        .ok_or(AppError::NotFound)?;
    let kinds = types::list(&mut conn, caller.org_id, true).await?;
    let people = bookable(&mut conn, caller.org_id).await?;
    let kind = type_id
        .and_then(|id| kinds.iter().find(|t| t.id == id))
        .or_else(|| crate::rules::appointment::likely_type(&kinds));
    let person = assignee
        .filter(|id| people.iter().any(|p| p.id == *id))
        .or_else(|| (caller.role != crate::model::Role::Compliance).then_some(caller.user_id))
        .filter(|id| people.iter().any(|p| p.id == *id))
        .or(people.first().map(|p| p.id));
    let zone = super::hours::org_zone(&mut conn, caller.org_id).await?;
    let mut slots = Vec::new();
    if let (Some(kind), Some(person)) = (kind, person) {
        let now = Utc::now();
        let today = now.with_timezone(&zone).date_naive();
        let from = from
            .filter(|d| *d >= today)
            .unwrap_or(today)
            .min(today + Duration::days(365));
        let (org, minutes) = (caller.org_id, kind.duration_minutes);
        slots = Availability::next_free(&mut conn, org, person, minutes, (from, now), 40)
            .await?
            .into_iter()
            .map(|starts_at| SlotOffer {
                starts_at,
                label: slots::label(starts_at, zone),
            })
            .collect();
    }
    Ok(BookingOptions {
        type_id: kind.map(|k| k.id),
        assignee: person,
        types: kinds,
        assignees: people,
        slots,
        zone: zone.name().to_string(),
    })
}

/// A person books from the lead or thread page.
pub async fn book(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    base_url: &str,
    input: BookingInput,
) -> Result<BookingOutcome, AppError> {
    let (booking, notify) = parse(&input)?;
    let mut tx = pool.begin().await?;
    visible_lead(&mut tx, caller, booking.lead)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = insert(&mut tx, caller.org_id, Some(caller.user_id), &booking).await?;
    let told = match notify {
        true => Some(confirm_to_customer(&mut tx, caller.org_id, id, base_url).await?),
        false => None,
    };
    let object = (AuditObject::Appointment, id.to_string());
    let detail = json!({ "lead": booking.lead, "starts_at": booking.starts_at, "told": told.as_ref().map(|t| t.is_ok()) });
    let event = AuditEvent::by(caller, ip, AuditAction::AppointmentBooked, object, detail);
    db::audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(BookingOutcome {
        id,
        told: told.map(|t| t.map(|_| ())),
    })
}

/// The booking itself, in the caller's transaction: the type, the person and the slot
/// checked (the same check the form's list came from), the row written (the database
/// refusing an overlap), its reminders scheduled, and the lead marked "appointment set".
pub async fn insert(
    tx: &mut PgConnection,
    org_id: Uuid,
    booked_by: Option<Uuid>,
    b: &Booking,
) -> Result<Uuid, AppError> {
    let kind = types::get(tx, org_id, b.type_id)
        .await?
        .filter(|t| t.active)
        .ok_or_else(|| AppError::field("type_id", "Choose a type from the list."))?;
    let people = bookable(tx, org_id).await?;
    let person = people
        .iter()
        .find(|p| p.id == b.assignee)
        .ok_or_else(|| AppError::field("assignee", "Choose someone from the list."))?;
    let ends_at = b.starts_at + Duration::minutes(kind.duration_minutes.into());
    let time = Availability::load(tx, org_id, b.assignee, (b.starts_at, ends_at), None).await?;
    if !is_free(&time.query(kind.duration_minutes, Utc::now()), b.starts_at) {
        return Err(taken(&person.name));
    }
    let conversation: Option<Uuid> = match b.conversation {
        Some(c) => sqlx::query_scalar(
            "SELECT id FROM conversations WHERE id = $1 AND org_id = $2 AND lead_id = $3",
        )
        .bind(c)
        .bind(org_id)
        .bind(b.lead)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::field("conversation", "That conversation is not this lead's."))
        .map(Some)?,
        None => None,
    };
    sqlx::query("SAVEPOINT booking").execute(&mut *tx).await?;
    let inserted = sqlx::query_scalar(
        "INSERT INTO appointments (org_id, lead_id, type_id, assignee_id, conversation_id, starts_at, ends_at,
                                   time_zone, source, notes, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(org_id)
    .bind(b.lead)
    .bind(b.type_id)
    .bind(b.assignee)
    .bind(conversation)
    .bind(b.starts_at)
    .bind(ends_at)
    .bind(time.store.zone.name())
    .bind(b.source)
    .bind(&b.notes)
    .bind(booked_by)
    .fetch_one(&mut *tx)
    .await;
    let id: Uuid = match inserted {
        Err(e) if db::is_exclusion_violation(&e, "appointments_no_overlap") => {
            sqlx::query("ROLLBACK TO SAVEPOINT booking")
                .execute(&mut *tx)
                .await?;
            return Err(taken(&person.name));
        }
        other => other?,
    };
    reminders::schedule(tx, id).await?;
    sqlx::query(
        "UPDATE leads SET status = 'appointment_set', updated_at = now()
         WHERE id = $1 AND org_id = $2 AND status IN ('new', 'contacted', 'qualified')",
    )
    .bind(b.lead)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

fn taken(person: &str) -> AppError {
    AppError::field(
        "starts_at",
        format!("{person} is not free at that time any more; choose another slot."),
    )
}

/// Texts the customer the booking (informational: it needs express consent).
pub async fn confirm_to_customer(
    tx: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    base_url: &str,
) -> Result<Result<Uuid, String>, sqlx::Error> {
    let facts = super::facts::facts(tx, org_id, id).await?;
    let ask = match facts.needs_confirmation {
        true => " Reply C to confirm or R to reschedule.",
        false => " Reply R to reschedule.",
    };
    // A one-event calendar file the customer can add (`feed::serve_visit`); its secret is
    // kept hashed and lives only in this text.
    let token = crate::server::crypto::url_token();
    let body = format!(
        "{}: your {} is booked for {} with {}.{ask} Add it to your calendar: {}/calendar/visit/{token}.ics",
        facts.store,
        facts.type_name.to_lowercase(),
        facts.when,
        facts.assignee_first_name,
        base_url.trim_end_matches('/'),
    );
    let info = MessageCategory::Informational;
    let to = match notice::reachable(tx, org_id, facts.lead_id, facts.conversation, info).await? {
        Ok(to) => to,
        Err(reason) => return Ok(Err(reason)),
    };
    let sent = notice::tell(tx, org_id, Some(to), &body, info).await?;
    if let Ok(message) = sent {
        notice::prompts(tx, id, message).await?;
        sqlx::query("UPDATE appointments SET public_token_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(crate::server::crypto::token_hash(&token))
            .execute(&mut *tx)
            .await?;
    }
    Ok(sent)
}
