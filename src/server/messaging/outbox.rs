//! The outbox worker. A due message is taken with `FOR UPDATE SKIP LOCKED` (so workers on
//! any number of servers never take the same one), checked by `may_send` again, held
//! through the recipient's quiet hours, and then sent in three steps:
//!
//! 1. claim: in one transaction, the decision and the state `sending` with an attempt id;
//! 2. the carrier is called with no transaction, lock or connection held;
//! 3. the outcome is recorded in a second transaction, for that attempt only.
//!
//! A row still `sending` long after its claim (the worker stopped between 1 and 3) is never
//! sent again: its message becomes `unknown` for a person to look at, and the carrier's
//! status callback (which names the message) settles it if it arrives. A carrier that
//! answered an error is retried with back-off; one that may have taken the message (a
//! timeout after the request left) is not. See decision 13.

use super::provider::{Outgoing, Provider, SendError};
use super::{events, settings};
use crate::error::AppError;
use crate::model::{Channel, ChannelFamily, MessageCategory};
use crate::rules::quiet_hours;
use crate::rules::send_policy::{may_send, may_send_answer, Purpose, SendFacts};
use crate::server::consent;
use crate::server::crypto::DataKey;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

pub const MAX_ATTEMPTS: i32 = 5;

/// Seconds to wait after the n-th failed attempt: 2, 4, 8, 16 … at most 15 minutes.
pub fn backoff_secs(attempts: i32) -> i64 {
    2_i64.saturating_pow(attempts.clamp(1, 20) as u32).min(900)
}

#[derive(sqlx::FromRow)]
struct Due {
    message_id: Uuid,
    org_id: Uuid,
    org_slug: String,
    org_time_zone: String,
    /// None for a system text addressed to a number that is nobody's conversation.
    conversation_id: Option<Uuid>,
    attempts: i32,
    /// What goes out: the outbox's secret text (a code) when there is one.
    body: String,
    category: MessageCategory,
    channel: Channel,
    customer_initiated: bool,
    consent_review: bool,
    ended: bool,
    phone: Option<String>,
    lead_time_zone: Option<String>,
    restricted: bool,
    /// Set on the system's own texts (`Purpose`).
    purpose: Option<String>,
}

/// What the worker needs besides the database.
pub struct Sender<'a> {
    pub http: &'a reqwest::Client,
    pub key: Option<&'a DataKey>,
    /// Where carriers reach us for delivery callbacks, unless the organisation set its own.
    pub public_base_url: &'a str,
    /// Carrier API addresses other than the carriers' own (tests, self-hosted gateways).
    pub allow_custom_urls: bool,
    /// A send still in flight this long after its claim was cut off (the carrier's own
    /// timeout is 15 s).
    pub stale_after: Duration,
}

/// How long a claim may stay `sending` before the worker calls its fate unknown.
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// Sends up to `batch` due messages, each in its own transactions; returns how many it took.
pub async fn run_once(pool: &PgPool, sender: &Sender<'_>, batch: i64) -> Result<usize, AppError> {
    reconcile(pool, sender.stale_after).await?;
    let mut taken = 0;
    while (taken as i64) < batch {
        if !send_next(pool, sender).await? {
            break;
        }
        taken += 1;
    }
    Ok(taken)
}

/// Claims in flight for longer than `stale_after`: their worker stopped between the call
/// to the carrier and recording it. Nothing is resent; a person decides.
async fn reconcile(pool: &PgPool, stale_after: Duration) -> Result<(), AppError> {
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

const UNKNOWN: &str = "The server stopped while handing this message to the carrier: it may or may not have reached the customer. It will not be sent again by itself; check before writing again.";

/// Takes one due message, decides, and (when it may go) sends it.
async fn send_next(pool: &PgPool, sender: &Sender<'_>) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let due: Option<Due> = sqlx::query_as(
        "SELECT o.message_id, o.org_id, org.slug AS org_slug, org.time_zone AS org_time_zone, m.conversation_id,
                o.attempts, coalesce(o.secret_body, m.body) AS body, m.category,
                coalesce(c.channel, 'sms') AS channel, coalesce(c.customer_initiated, false) AS customer_initiated,
                coalesce(c.consent_review, false) AS consent_review, c.ended_at IS NOT NULL AS ended,
                coalesce(m.to_phone, l.phone) AS phone,
                l.time_zone AS lead_time_zone, coalesce(l.restricted_at IS NOT NULL, false) AS restricted, m.purpose
         FROM outbox o
         JOIN messages m ON m.id = o.message_id
         LEFT JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN leads l ON l.id = coalesce(c.lead_id,
             (SELECT id FROM leads WHERE org_id = m.org_id AND phone = m.to_phone))
         JOIN organisations org ON org.id = o.org_id
         WHERE o.state = 'queued' AND o.next_attempt_at <= now()
         ORDER BY o.next_attempt_at
         LIMIT 1
         FOR UPDATE OF o SKIP LOCKED",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(message) = due else {
        return Ok(false);
    };
    // The rules may have changed since the message was queued (an opt-out committed
    // after it): ask again, holding the number's lock until the claim commits, so an
    // opt-out committed before the claim stops it. One committed after the claim finds
    // the message already on its way, as if it had been handed over (decision 13).
    let ledger = match &message.phone {
        Some(phone) => {
            consent::lock_number_shared(&mut tx, message.org_id, phone).await?;
            consent::events_for(
                &mut tx,
                message.org_id,
                phone,
                ChannelFamily::of(message.channel),
            )
            .await?
        }
        None => Vec::new(),
    };
    let facts = SendFacts {
        channel: message.channel,
        customer_initiated: message.customer_initiated,
        has_address: message.phone.is_some(),
        ledger,
        review: message.consent_review,
        restricted: message.restricted,
        ended: message.ended,
    };
    let decision = match message.purpose.as_deref().map(Purpose::parse) {
        Some(Some(purpose)) => may_send_answer(purpose, &facts),
        Some(None) => Err("Unknown kind of system message: not sent.".into()),
        None => may_send(&facts, message.category),
    };
    let quiet_until = (message.category == MessageCategory::Promotional)
        .then(|| {
            let zone =
                quiet_hours::zone_of(message.lead_time_zone.as_deref(), &message.org_time_zone);
            quiet_hours::promotional_wait(chrono::Utc::now(), zone)
        })
        .flatten();
    let provider = match (decision, quiet_until) {
        (Err(reason), _) => Err(Outcome::Blocked(reason)),
        (Ok(()), Some(at)) => Err(Outcome::Wait(at)),
        (Ok(()), None) => {
            let settings = settings::load(&mut *tx, sender.key, message.org_id).await?;
            let base = settings
                .public_base_url
                .clone()
                .unwrap_or_else(|| sender.public_base_url.to_string());
            Provider::from_settings(&settings, sender.allow_custom_urls)
                .map(|provider| (provider, base))
                .map_err(Outcome::Failed)
        }
    };
    let (provider, base) = match provider {
        Ok(ready) => ready,
        Err(outcome) => {
            settle(&mut tx, &message, outcome).await?;
            notify(&mut tx, &message).await?;
            tx.commit().await?;
            return Ok(true);
        }
    };
    // 1. The claim.
    let attempt = Uuid::new_v4();
    sqlx::query(
        "UPDATE outbox SET state = 'sending', attempt_id = $2, claimed_at = now() WHERE message_id = $1",
    )
    .bind(message.message_id)
    .bind(attempt)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE messages SET status = 'sending' WHERE id = $1")
        .bind(message.message_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    // 2. The carrier, with nothing held. The callback names the message, so a send whose
    // answer was lost can still be settled by the carrier's report.
    let callback = format!(
        "{base}/hooks/twilio/{}/status?m={}",
        message.org_slug, message.message_id
    );
    let result = provider
        .send(
            sender.http,
            &Outgoing {
                to: message.phone.as_deref().unwrap_or_default(),
                body: &message.body,
                channel: message.channel,
                status_callback: &callback,
            },
        )
        .await;
    let outcome = match result {
        Ok(sent) => Outcome::Sent(sent.provider_id, sent.simulated),
        Err(SendError::NotSent(reason)) => Outcome::Failed(reason),
        Err(SendError::Unknown(reason)) => Outcome::Unknown(reason),
    };

    // 3. The outcome, for this attempt only.
    let mut tx = pool.begin().await?;
    let ours: Option<i32> = sqlx::query_scalar(
        "SELECT attempts FROM outbox WHERE message_id = $1 AND attempt_id = $2 FOR UPDATE",
    )
    .bind(message.message_id)
    .bind(attempt)
    .fetch_optional(&mut *tx)
    .await?;
    match (ours, outcome) {
        (Some(_), outcome) => settle(&mut tx, &message, outcome).await?,
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
    notify(&mut tx, &message).await?;
    tx.commit().await?;
    Ok(true)
}

async fn notify(tx: &mut PgConnection, message: &Due) -> Result<(), sqlx::Error> {
    match message.conversation_id {
        Some(conversation) => events::notify(tx, message.org_id, conversation).await,
        None => Ok(()),
    }
}

async fn settle(tx: &mut PgConnection, message: &Due, outcome: Outcome) -> Result<(), AppError> {
    let id = message.message_id;
    match outcome {
        Outcome::Sent(provider_id, simulated) => {
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
            // The secret text (a code) leaves with the outbox row.
            sqlx::query("DELETE FROM outbox WHERE message_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Outcome::Blocked(reason) => finish(tx, id, "blocked", reason).await?,
        Outcome::Unknown(reason) => {
            tracing::warn!(message = %id, "the carrier may have taken this message; not resent");
            finish(tx, id, "unknown", format!("{UNKNOWN} ({reason})")).await?;
        }
        Outcome::Failed(reason) if message.attempts + 1 >= MAX_ATTEMPTS => {
            // A carrier's reason may quote the number: it stays on the message, not in the logs.
            tracing::warn!(message = %id, "message failed for good");
            finish(tx, id, "failed", reason).await?;
        }
        Outcome::Failed(reason) => {
            tracing::info!(message = %id, "send failed; will retry");
            sqlx::query(
                "UPDATE messages SET status = 'queued' WHERE id = $1 AND status = 'sending'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $2, state = 'queued', attempt_id = NULL,
                     next_attempt_at = now() + make_interval(secs => $3) WHERE message_id = $1",
            )
            .bind(id)
            .bind(reason)
            .bind(backoff_secs(message.attempts + 1) as f64)
            .execute(&mut *tx)
            .await?;
        }
        // Quiet hours: the message waits, without spending an attempt.
        Outcome::Wait(at) => {
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = $2, state = 'queued' WHERE message_id = $1",
            )
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE messages SET status_reason = $2 WHERE id = $1")
                .bind(id)
                .bind(quiet_note(at))
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(())
}

/// A message that will not be sent: its final status, and out of the outbox.
async fn finish(
    tx: &mut PgConnection,
    id: Uuid,
    status: &str,
    reason: String,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET status = $2::delivery_status, status_reason = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM outbox WHERE message_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Shown beside a promotional message that waits for the morning.
pub fn quiet_note(at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "Waiting for quiet hours to end: sends at {} UTC (08:00 for the customer).",
        at.format("%d %b %H:%M")
    )
}

enum Outcome {
    Sent(String, bool),
    Blocked(String),
    /// Not taken by the carrier (or no carrier to ask): tried again with back-off.
    Failed(String),
    /// The carrier may have taken it: never sent again by itself.
    Unknown(String),
    Wait(chrono::DateTime<chrono::Utc>),
}

/// Runs the worker for the life of the process: drains due messages, then naps.
pub fn spawn(pool: PgPool, key: Option<DataKey>, public_base_url: String, allow_custom_urls: bool) {
    tokio::spawn(async move {
        // Which server of several sent a message shows in the carrier's request log.
        let agent = format!(
            "ConsentDesk/{} (instance {})",
            env!("CARGO_PKG_VERSION"),
            std::process::id()
        );
        let http = reqwest::Client::builder()
            .user_agent(agent)
            .build()
            .unwrap_or_default();
        let sender = Sender {
            http: &http,
            key: key.as_ref(),
            public_base_url: &public_base_url,
            allow_custom_urls,
            stale_after: STALE_AFTER,
        };
        loop {
            match run_once(&pool, &sender, 20).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(?error, "outbox worker"),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_is_capped() {
        assert_eq!([1, 2, 3, 4].map(backoff_secs), [2, 4, 8, 16]);
        assert_eq!(backoff_secs(30), 900);
        assert_eq!(backoff_secs(0), 2);
    }
}
