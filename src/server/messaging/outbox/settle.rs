//! Recording what became of a send: sent, blocked, failed for good or to be retried, of
//! unknown fate, or held for quiet hours; and claims cut off by a stopped worker.

use super::due::Due;
use crate::error::AppError;
use crate::model::DeliveryStatus;
use crate::rules::send_decision::{quiet_note, AfterFailure};
use crate::server::messaging::events;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

pub enum Outcome {
    Sent(String, bool),
    Blocked(String),
    /// Not taken by the carrier (or no carrier to ask): tried again with back-off.
    Failed(String),
    /// The carrier may have taken it: never sent again by itself.
    Unknown(String),
    Wait(chrono::DateTime<chrono::Utc>),
}

const UNKNOWN: &str = "The server stopped while handing this message to the carrier: it may or may not have reached the customer. It will not be sent again by itself; check before writing again.";

/// Claims in flight for longer than `stale_after`: their worker stopped between the call
/// to the carrier and recording it. Nothing is resent; a person decides.
pub async fn reconcile(pool: &PgPool, stale_after: Duration) -> Result<(), AppError> {
    let stale: Vec<(Uuid, Uuid, Option<Uuid>)> = sqlx::query_as(
        "DELETE FROM outbox o USING messages m
         WHERE m.id = o.message_id AND o.state = 'sending' AND o.claimed_at < now() - make_interval(secs => $1)
         RETURNING o.message_id, o.org_id, m.conversation_id",
    )
    .bind(stale_after.as_secs_f64())
    .fetch_all(pool)
    .await?;
    for (message, org, conversation) in stale {
        tracing::warn!(%message, "a send was cut off; its fate is unknown and it will not be resent");
        let mut tx = pool.begin().await?;
        sqlx::query(
            "UPDATE messages SET status = 'unknown', status_reason = $2 WHERE id = $1 AND status = 'sending'",
        )
        .bind(message)
        .bind(UNKNOWN)
        .execute(&mut *tx)
        .await?;
        if let Some(conversation) = conversation {
            events::notify(&mut tx, org, conversation).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Step 3: the carrier's answer, recorded for this attempt only.
pub async fn record(
    pool: &PgPool,
    message: &Due,
    attempt: Uuid,
    outcome: Outcome,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let ours: Option<i32> = sqlx::query_scalar(
        "SELECT attempts FROM outbox WHERE message_id = $1 AND attempt_id = $2 FOR UPDATE",
    )
    .bind(message.message_id)
    .bind(attempt)
    .fetch_optional(&mut *tx)
    .await?;
    match (ours, outcome) {
        (Some(_), outcome) => settle(&mut tx, message, outcome).await?,
        // Called unknown meanwhile; the carrier did take it after all.
        (None, Outcome::Sent(provider_id, simulated)) => {
            sqlx::query(
                "UPDATE messages SET status = 'sent', provider_message_id = $2, simulated = $3, sent_at = now(), status_reason = NULL
                 WHERE id = $1 AND status = 'unknown'",
            )
            .bind(message.message_id)
            .bind(provider_id)
            .bind(simulated)
            .execute(&mut *tx)
            .await?;
        }
        (None, _) => {}
    }
    notify(&mut tx, message).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn notify(tx: &mut PgConnection, message: &Due) -> Result<(), sqlx::Error> {
    match message.conversation_id {
        Some(conversation) => events::notify(tx, message.org_id, conversation).await,
        None => Ok(()),
    }
}

pub async fn settle(
    tx: &mut PgConnection,
    message: &Due,
    outcome: Outcome,
) -> Result<(), AppError> {
    let id = message.message_id;
    match outcome {
        Outcome::Sent(provider_id, simulated) => sent(tx, id, provider_id, simulated).await?,
        Outcome::Blocked(reason) => finish(tx, id, DeliveryStatus::Blocked, reason).await?,
        Outcome::Unknown(reason) => {
            tracing::warn!(message = %id, "the carrier may have taken this message; not resent");
            finish(
                tx,
                id,
                DeliveryStatus::Unknown,
                format!("{UNKNOWN} ({reason})"),
            )
            .await?;
        }
        Outcome::Failed(reason) => match AfterFailure::of(message.attempts) {
            AfterFailure::GiveUp => {
                // A carrier's reason may quote the number: it stays on the message, not in the logs.
                tracing::warn!(message = %id, "message failed for good");
                finish(tx, id, DeliveryStatus::Failed, reason).await?;
            }
            AfterFailure::Retry { after_secs } => retry(tx, id, reason, after_secs).await?,
        },
        Outcome::Wait(at) => hold(tx, id, at).await?,
    }
    Ok(())
}

async fn sent(
    tx: &mut PgConnection,
    id: Uuid,
    provider_id: String,
    simulated: bool,
) -> Result<(), sqlx::Error> {
    // A delivery report that came first (it names the message) is not undone.
    sqlx::query(
        "UPDATE messages SET provider_message_id = $2, simulated = $3, sent_at = now(), status_reason = NULL,
             status = CASE WHEN status IN ('delivered', 'failed') THEN status ELSE 'sent' END
         WHERE id = $1",
    )
    .bind(id)
    .bind(provider_id)
    .bind(simulated)
    .execute(&mut *tx)
    .await?;
    leave_outbox(tx, id).await
}

async fn retry(
    tx: &mut PgConnection,
    id: Uuid,
    reason: String,
    after_secs: i64,
) -> Result<(), sqlx::Error> {
    tracing::info!(message = %id, "send failed; will retry");
    sqlx::query("UPDATE messages SET status = 'queued' WHERE id = $1 AND status = 'sending'")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, state = 'queued', attempt_id = NULL,
             next_attempt_at = now() + make_interval(secs => $3) WHERE message_id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(after_secs as f64)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Quiet hours: the message waits, without spending an attempt.
async fn hold(
    tx: &mut PgConnection,
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET next_attempt_at = $2, state = 'queued' WHERE message_id = $1")
        .bind(id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE messages SET status_reason = $2 WHERE id = $1")
        .bind(id)
        .bind(quiet_note(at))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A message that will not be sent (blocked, failed or unknown): its final status, and
/// out of the outbox.
async fn finish(
    tx: &mut PgConnection,
    id: Uuid,
    status: DeliveryStatus,
    reason: String,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET status = $2, status_reason = $3 WHERE id = $1")
        .bind(id)
        .bind(status)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
    leave_outbox(tx, id).await
}

/// The secret text of a message (a code) leaves with its outbox row.
async fn leave_outbox(tx: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM outbox WHERE message_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
