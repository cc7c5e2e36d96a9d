//! The outbox worker: takes due messages with `FOR UPDATE SKIP LOCKED` (so workers on any
//! number of servers never take the same one), checks `may_send` again at send time, sends,
//! and retries failures with exponential back-off until `MAX_ATTEMPTS`.

use super::{events, provider::Provider, settings};
use crate::error::AppError;
use crate::model::{Channel, MessageCategory};
use crate::rules::send_policy::{may_send, SendFacts};
use crate::server::consent;
use crate::server::crypto::DataKey;
use sqlx::PgPool;
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
    conversation_id: Uuid,
    attempts: i32,
    body: String,
    category: MessageCategory,
    channel: Channel,
    customer_initiated: bool,
    consent_review: bool,
    phone: Option<String>,
    /// Set on keyword answers (the one opt-out confirmation, opt-in, HELP).
    purpose: Option<String>,
}

/// Sends up to `batch` due messages; returns how many it took.
pub async fn run_once(
    pool: &PgPool,
    http: &reqwest::Client,
    key: Option<&DataKey>,
    batch: i64,
) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let due: Vec<Due> = sqlx::query_as(
        "SELECT o.message_id, o.org_id, m.conversation_id, o.attempts, m.body, m.category, c.channel,
                c.customer_initiated, c.consent_review, l.phone, m.purpose
         FROM outbox o
         JOIN messages m ON m.id = o.message_id
         JOIN conversations c ON c.id = m.conversation_id
         JOIN leads l ON l.id = c.lead_id
         WHERE o.next_attempt_at <= now()
         ORDER BY o.next_attempt_at
         LIMIT $1
         FOR UPDATE OF o SKIP LOCKED",
    )
    .bind(batch)
    .fetch_all(&mut *tx)
    .await?;
    let taken = due.len();
    for message in due {
        // The rules may have changed since the message was queued (an opt-out committed
        // after it): ask again, in this transaction. Keyword answers are the exception:
        // each was queued once, by the keyword that calls for it.
        let ledger = match &message.phone {
            Some(phone) => {
                consent::events_for(
                    &mut tx,
                    message.org_id,
                    phone,
                    crate::model::ChannelFamily::of(message.channel),
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
        };
        let decision = if message.purpose.is_some() {
            Ok(())
        } else {
            may_send(&facts, message.category)
        };
        let outcome = match decision {
            Err(reason) => Outcome::Blocked(reason),
            Ok(()) => {
                let settings = settings::load(&mut *tx, key, message.org_id).await?;
                match Provider::from_settings(&settings) {
                    Err(reason) => Outcome::Failed(reason),
                    Ok(provider) => match provider
                        .send(
                            http,
                            message.phone.as_deref().unwrap_or_default(),
                            &message.body,
                        )
                        .await
                    {
                        Ok(sent) => Outcome::Sent(sent.provider_id, sent.simulated),
                        Err(reason) => Outcome::Failed(reason),
                    },
                }
            }
        };
        match outcome {
            Outcome::Sent(provider_id, simulated) => {
                sqlx::query("UPDATE messages SET status = 'sent', provider_message_id = $2, simulated = $3, sent_at = now(), status_reason = NULL WHERE id = $1")
                    .bind(message.message_id)
                    .bind(provider_id)
                    .bind(simulated)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM outbox WHERE message_id = $1")
                    .bind(message.message_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Outcome::Blocked(reason) => {
                sqlx::query(
                    "UPDATE messages SET status = 'blocked', status_reason = $2 WHERE id = $1",
                )
                .bind(message.message_id)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM outbox WHERE message_id = $1")
                    .bind(message.message_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Outcome::Failed(reason) if message.attempts + 1 >= MAX_ATTEMPTS => {
                tracing::warn!(message = %message.message_id, %reason, "message failed for good");
                sqlx::query(
                    "UPDATE messages SET status = 'failed', status_reason = $2 WHERE id = $1",
                )
                .bind(message.message_id)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM outbox WHERE message_id = $1")
                    .bind(message.message_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Outcome::Failed(reason) => {
                tracing::info!(message = %message.message_id, %reason, "send failed; will retry");
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                         next_attempt_at = now() + make_interval(secs => $3) WHERE message_id = $1",
                )
                .bind(message.message_id)
                .bind(reason)
                .bind(backoff_secs(message.attempts + 1) as f64)
                .execute(&mut *tx)
                .await?;
            }
        }
        events::notify(&mut tx, message.org_id, message.conversation_id).await?;
    }
    tx.commit().await?;
    Ok(taken)
}

enum Outcome {
    Sent(String, bool),
    Blocked(String),
    Failed(String),
}

/// Runs the worker for the life of the process: drains due messages, then naps.
pub fn spawn(pool: PgPool, key: Option<DataKey>) {
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        loop {
            match run_once(&pool, &http, key.as_ref(), 20).await {
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
