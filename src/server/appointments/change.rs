//! Changing an appointment: moving it (a new booking through the same checks, the old one
//! kept as "rescheduled"), cancelling it, and marking it shown or a no-show. The customer
//! is told of a move or a cancellation when the person asks for it, within consent.

use super::book::{confirm_to_customer, insert, Booking};
use super::{calendar, facts, notice, reminders};
use crate::error::AppError;
use crate::model::{
    AppointmentSource, AppointmentStatus, AuditAction, AuditObject, BookingOutcome, MessageCategory,
};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

type Row = (
    Uuid,
    Uuid,
    Uuid,
    Option<Uuid>,
    String,
    AppointmentStatus,
    AppointmentSource,
);

/// The appointment, locked, when the caller may change it: they see it, and they see its
/// lead (an agent who only takes the visit of a colleague's lead looks, but does not move,
/// cancel or text it).
async fn locked(tx: &mut PgConnection, caller: Caller, id: Uuid) -> Result<Row, AppError> {
    if !calendar::visible(tx, caller, id).await? {
        return Err(AppError::NotFound);
    }
    let row: Row = sqlx::query_as(
        "SELECT lead_id, type_id, assignee_id, conversation_id, notes, status, source FROM appointments
         WHERE id = $1 AND org_id = $2 FOR UPDATE",
    )
    .bind(id)
    .bind(caller.org_id)
    .fetch_one(&mut *tx)
    .await?;
    super::book::visible_lead(tx, caller, row.0)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(row)
}

fn audit(
    caller: Caller,
    ip: Option<IpAddr>,
    action: AuditAction,
    id: Uuid,
    detail: serde_json::Value,
) -> AuditEvent {
    AuditEvent::by(
        caller,
        ip,
        action,
        (AuditObject::Appointment, id.to_string()),
        detail,
    )
}

/// A move as asked for: the appointment, its new start (one of the offered slots), the
/// person (none: the same), and whether the customer is texted the new time.
pub struct Move<'a> {
    pub id: Uuid,
    pub starts_at: &'a str,
    pub assignee: Option<Uuid>,
    pub notify: bool,
}

pub async fn reschedule(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    base_url: &str,
    asked: Move<'_>,
) -> Result<BookingOutcome, AppError> {
    let Move {
        id,
        starts_at,
        assignee,
        notify,
    } = asked;
    let starts_at: DateTime<Utc> = starts_at
        .trim()
        .parse()
        .map_err(|_| AppError::field("starts_at", "Choose a time from the list."))?;
    let mut tx = pool.begin().await?;
    let (lead, type_id, old_assignee, conversation, notes, status, source) =
        locked(&mut tx, caller, id).await?;
    if !status.live() {
        return Err(AppError::field(
            "starts_at",
            format!(
                "A {} appointment cannot be moved.",
                status.label().to_lowercase()
            ),
        ));
    }
    // The old one lets go of its slot first, so the new one may overlap it.
    sqlx::query("UPDATE appointments SET status = 'rescheduled', updated_at = now(), sequence = sequence + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    reminders::drop_pending(&mut tx, id, "The appointment was rescheduled.").await?;
    let booking = Booking {
        lead,
        type_id,
        assignee: assignee.unwrap_or(old_assignee),
        starts_at,
        conversation,
        notes,
        // Where the booking came from stays with it when a person moves it.
        source,
    };
    let new = insert(&mut tx, caller.org_id, Some(caller.user_id), &booking).await?;
    sqlx::query("UPDATE appointments SET rescheduled_to = $2 WHERE id = $1")
        .bind(id)
        .bind(new)
        .execute(&mut *tx)
        .await?;
    let told = match notify {
        true => Some(confirm_to_customer(&mut tx, caller.org_id, new, base_url).await?),
        false => None,
    };
    let detail =
        json!({ "to": new, "starts_at": starts_at, "told": told.as_ref().map(|t| t.is_ok()) });
    db::audit::record(
        &mut *tx,
        audit(caller, ip, AuditAction::AppointmentRescheduled, id, detail),
    )
    .await?;
    tx.commit().await?;
    Ok(BookingOutcome {
        id: new,
        told: told.map(|t| t.map(|_| ())),
    })
}

pub async fn cancel(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    notify: bool,
) -> Result<BookingOutcome, AppError> {
    let mut tx = pool.begin().await?;
    let (lead, _, _, conversation, _, status, _) = locked(&mut tx, caller, id).await?;
    if !status.live() {
        return Err(AppError::Conflict(format!(
            "This appointment is already {}.",
            status.label().to_lowercase()
        )));
    }
    let f = facts::facts(&mut tx, caller.org_id, id).await?;
    sqlx::query("UPDATE appointments SET status = 'cancelled', attention = NULL, updated_at = now(), sequence = sequence + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    reminders::drop_pending(&mut tx, id, "The appointment was cancelled.").await?;
    let told = match notify {
        true => {
            let body = format!(
                "{}: your {} on {} is cancelled. Reply here to book another time.",
                f.store,
                f.type_name.to_lowercase(),
                f.when
            );
            let info = MessageCategory::Informational;
            let reach = notice::reachable(&mut tx, caller.org_id, lead, conversation, info).await?;
            Some(match reach {
                Ok(to) => notice::tell(&mut tx, caller.org_id, Some(to), &body, info).await?,
                Err(reason) => Err(reason),
            })
        }
        false => None,
    };
    let detail = json!({ "told": told.as_ref().map(|t| t.is_ok()) });
    db::audit::record(
        &mut *tx,
        audit(caller, ip, AuditAction::AppointmentCancelled, id, detail),
    )
    .await?;
    tx.commit().await?;
    Ok(BookingOutcome {
        id,
        told: told.map(|t| t.map(|_| ())),
    })
}

/// Shown or no-show (once the start has come), or confirmed on the customer's behalf;
/// also clears a flag a person has dealt with.
pub async fn mark(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    to: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (_, _, _, _, _, status, _) = locked(&mut tx, caller, id).await?;
    let sql = match (to, status) {
        ("shown" | "no_show", AppointmentStatus::Scheduled | AppointmentStatus::Confirmed | AppointmentStatus::Shown | AppointmentStatus::NoShow) => {
            "UPDATE appointments SET status = $2::appointment_status, attention = NULL, updated_at = now(), sequence = sequence + 1
             WHERE id = $1 AND starts_at <= now()"
        }
        ("confirmed", AppointmentStatus::Scheduled) => {
            "UPDATE appointments SET status = 'confirmed', updated_at = now(), sequence = sequence + 1 WHERE id = $1 AND $2 <> ''"
        }
        ("handled", s) if s.live() => "UPDATE appointments SET attention = NULL, updated_at = now() WHERE id = $1 AND $2 <> ''",
        _ => return Err(AppError::field("status", "That change does not apply to this appointment.")),
    };
    let changed = sqlx::query(sql)
        .bind(id)
        .bind(to)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::field(
            "status",
            "An appointment is marked shown or no-show once it has started.",
        ));
    }
    db::audit::record(
        &mut *tx,
        audit(
            caller,
            ip,
            AuditAction::AppointmentMarked,
            id,
            json!({ "to": to }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
