//! Reminders: one row per appointment and offset (the unique key makes each happen once,
//! however often it is scheduled), taken by workers on any number of servers with
//! `SKIP LOCKED` under a lease. The text and the row's "sent" commit together, so a worker
//! that dies mid-reminder leaves it to be taken again, and never sends it twice.
//!
//! At fire time a reminder goes through `may_send` as informational; it waits out the
//! customer's quiet hours when the visit is still ahead after them, and is skipped, with
//! the reason shown on the appointment, when consent is missing, the time has passed or
//! the appointment is no longer live.

use super::{facts, notice};
use crate::model::{AppointmentStatus, MessageCategory};
use crate::rules::appointment::{render, ReminderFields};
use crate::rules::assistant::promotional;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

const LEASE_SECS: i32 = 120;
const INFORMATIONAL: MessageCategory = MessageCategory::Informational;
/// A reminder whose sending failed this often (the database refusing it, say) is given
/// up, visibly, rather than retried forever.
const MAX_ATTEMPTS: i32 = 5;

/// Schedules the appointment's reminders from its type's offsets; one whose time has
/// already passed at booking is recorded as skipped, with that reason.
pub async fn schedule(tx: &mut PgConnection, appointment: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO appointment_reminders (org_id, appointment_id, offset_minutes, due_at, run_at, state, reason)
         SELECT a.org_id, a.id, o, a.starts_at - make_interval(mins => o), a.starts_at - make_interval(mins => o),
                CASE WHEN a.starts_at - make_interval(mins => o) <= now() THEN 'skipped'::reminder_state ELSE 'scheduled' END,
                CASE WHEN a.starts_at - make_interval(mins => o) <= now() THEN 'Booked after this reminder''s time.' END
         FROM appointments a JOIN appointment_types t ON t.id = a.type_id, unnest(t.reminder_offsets) o
         WHERE a.id = $1
         ON CONFLICT (appointment_id, offset_minutes) DO NOTHING",
    )
    .bind(appointment)
    .execute(tx)
    .await?;
    Ok(())
}

/// The reminders still to go are dropped (kept as skipped, with why) when the appointment
/// is cancelled or moved.
pub async fn drop_pending(
    tx: &mut PgConnection,
    appointment: Uuid,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE appointment_reminders SET state = 'skipped', reason = $2, updated_at = now()
         WHERE appointment_id = $1 AND state = 'scheduled'",
    )
    .bind(appointment)
    .bind(reason)
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Taken {
    id: i64,
    org_id: Uuid,
    appointment_id: Uuid,
    attempts: i32,
}

/// Sends (or skips) up to `batch` due reminders; returns how many it took.
pub async fn run_once(pool: &PgPool, batch: usize) -> Result<usize, sqlx::Error> {
    let mut taken = 0;
    while taken < batch {
        let job: Option<Taken> = sqlx::query_as(
            "UPDATE appointment_reminders SET run_at = now() + make_interval(secs => $1), attempts = attempts + 1
             WHERE id = (SELECT id FROM appointment_reminders WHERE state = 'scheduled' AND run_at <= now()
                         ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
             RETURNING id, org_id, appointment_id, attempts",
        )
        .bind(LEASE_SECS)
        .fetch_optional(pool)
        .await?;
        let Some(job) = job else { break };
        taken += 1;
        if job.attempts > MAX_ATTEMPTS {
            give_up(pool, job.id).await?;
            continue;
        }
        if let Err(error) = fire(pool, &job, Utc::now()).await {
            tracing::error!(
                ?error,
                reminder = job.id,
                "reminder failed; retried after its lease"
            );
        }
    }
    Ok(taken)
}

async fn give_up(pool: &PgPool, id: i64) -> Result<(), sqlx::Error> {
    tracing::warn!(reminder = id, "reminder given up after repeated failures");
    sqlx::query(
        "UPDATE appointment_reminders SET state = 'skipped', updated_at = now(),
             reason = 'It could not be sent after several tries.' WHERE id = $1 AND state = 'scheduled'",
    )
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// What happens to a due reminder.
enum Outcome {
    Sent(Uuid),
    Skipped(String),
    Later(DateTime<Utc>),
}

async fn fire(pool: &PgPool, job: &Taken, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    // Still to do, and ours until we commit: a second worker finds it locked or done.
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM appointment_reminders WHERE id = $1 AND state = 'scheduled' FOR UPDATE",
    )
    .bind(job.id)
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_none() {
        return tx.commit().await;
    }
    let outcome = decide(&mut tx, job, now).await?;
    let (state, reason, message, run_at) = match outcome {
        Outcome::Sent(message) => ("sent", None, Some(message), None),
        Outcome::Skipped(reason) => ("skipped", Some(reason), None, None),
        Outcome::Later(at) => ("scheduled", None, None, Some(at)),
    };
    sqlx::query(
        "UPDATE appointment_reminders SET state = $2::reminder_state, reason = $3, message_id = $4,
             run_at = coalesce($5, run_at), updated_at = now()
         WHERE id = $1",
    )
    .bind(job.id)
    .bind(state)
    .bind(reason)
    .bind(message)
    .bind(run_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

async fn decide(
    tx: &mut PgConnection,
    job: &Taken,
    now: DateTime<Utc>,
) -> Result<Outcome, sqlx::Error> {
    let f = facts::facts(tx, job.org_id, job.appointment_id).await?;
    if !f.status.live() {
        let status = AppointmentStatus::label(f.status).to_lowercase();
        return Ok(Outcome::Skipped(format!("The appointment is {status}.")));
    }
    if now >= f.starts_at {
        return Ok(Outcome::Skipped("The appointment time has passed.".into()));
    }
    // Consent first: a reminder that may never go says why at once, not the next morning.
    let reach = notice::reachable(tx, job.org_id, f.lead_id, f.conversation, INFORMATIONAL).await?;
    let conversation = match reach {
        Ok(to) => to,
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };
    if let Some(morning) = notice::quiet_until(now, f.lead_zone.as_deref(), &f.org_zone) {
        return Ok(match morning < f.starts_at {
            true => Outcome::Later(morning),
            false => {
                Outcome::Skipped("The customer's quiet hours last until the appointment.".into())
            }
        });
    }
    let body = render(
        &f.template,
        &ReminderFields {
            store: &f.store,
            type_name: &f.type_name,
            when: &f.when,
            first_name: &f.lead_first_name,
        },
    );
    // The type's name and the store's go in too: the whole text is checked, not the template.
    if promotional(&body) {
        return Ok(Outcome::Skipped(
            "The reminder would read as an offer; change the type's name or wording.".into(),
        ));
    }
    let sent = notice::tell(
        tx,
        job.org_id,
        Some(conversation),
        body.trim(),
        INFORMATIONAL,
    )
    .await?;
    Ok(match sent {
        Ok(message) => {
            notice::prompts(tx, job.appointment_id, message).await?;
            Outcome::Sent(message)
        }
        Err(reason) => Outcome::Skipped(reason),
    })
}

/// Live appointments whose start is longer ago than the store's no-show delay, and that
/// nobody marked shown, become no-shows.
pub async fn mark_no_shows(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE appointments a SET status = 'no_show', updated_at = now(), sequence = a.sequence + 1
         FROM organisations o
         WHERE o.id = a.org_id AND a.status IN ('scheduled', 'confirmed')
           AND a.starts_at + make_interval(mins => o.no_show_after_minutes) < now()",
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Runs reminders and the no-show sweep for the life of the process.
pub fn spawn(pool: PgPool) {
    tokio::spawn(async move {
        loop {
            let work = async {
                let sent = run_once(&pool, 50).await?;
                mark_no_shows(&pool).await?;
                Ok::<_, sqlx::Error>(sent)
            };
            match work.await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(?error, "appointment worker"),
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
}
