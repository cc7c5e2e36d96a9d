//! The outbox worker. A due message is taken with `FOR UPDATE SKIP LOCKED` (so workers on
//! any number of servers never take the same one, `due`), checked by `may_send` again,
//! held through the recipient's quiet hours, and then sent in three steps:
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

use self::due::Due;
use self::settle::{notify, reconcile, record, settle, Outcome};
use crate::error::AppError;
use crate::rules::send_decision;
use crate::server::crypto::DataKey;
use crate::server::messaging::provider::{Outgoing, Provider, SendError};
use crate::server::messaging::settings;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

mod due;
mod settle;

pub use crate::rules::send_decision::{backoff_secs, MAX_ATTEMPTS};

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
#[tracing::instrument(level = "debug", skip_all, fields(batch = batch))]
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

/// Takes one due message, decides, and (when it may go) sends it; false when nothing
/// was due.
async fn send_next(pool: &PgPool, sender: &Sender<'_>) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let Some(message) = due::take(&mut tx).await? else {
        return Ok(false);
    };
    let ready = match message.decide(&mut tx).await? {
        send_decision::Due::Block(reason) => Err(Outcome::Blocked(reason)),
        send_decision::Due::Hold(at) => Err(Outcome::Wait(at)),
        send_decision::Due::Send => carrier(&mut tx, sender, &message).await?,
    };
    let (provider, base) = match ready {
        Ok(ready) => ready,
        Err(outcome) => {
            settle(&mut tx, &message, outcome).await?;
            notify(&mut tx, &message).await?;
            tx.commit().await?;
            return Ok(true);
        }
    };
    let attempt = claim(&mut tx, message.message_id).await?;
    tx.commit().await?;
    let outcome = hand_over(sender, &provider, &base, &message).await;
    record(pool, &message, attempt, outcome).await?;
    Ok(true)
}

/// The organisation's carrier and the base address its callbacks use, or why there is
/// none (which counts as a failed attempt).
async fn carrier(
    tx: &mut PgConnection,
    sender: &Sender<'_>,
    message: &Due,
) -> Result<Result<(Provider, String), Outcome>, AppError> {
    let settings = settings::load(&mut *tx, sender.key, message.org_id).await?;
    let base = settings
        .public_base_url
        .clone()
        .unwrap_or_else(|| sender.public_base_url.to_string());
    Ok(
        Provider::for_channel(&settings, message.channel, sender.allow_custom_urls)
            .map(|provider| (provider, base))
            .map_err(Outcome::Failed),
    )
}

/// Step 1: the claim, committed by the caller before the carrier is called.
async fn claim(tx: &mut PgConnection, message: Uuid) -> Result<Uuid, sqlx::Error> {
    let attempt = Uuid::new_v4();
    sqlx::query(
        "UPDATE outbox SET state = 'sending', attempt_id = $2, claimed_at = now() WHERE message_id = $1",
    )
    .bind(message)
    .bind(attempt)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE messages SET status = 'sending' WHERE id = $1")
        .bind(message)
        .execute(&mut *tx)
        .await?;
    Ok(attempt)
}

/// Step 2: the carrier, with nothing held. The callback names the message, so a send
/// whose answer was lost can still be settled by the carrier's report.
async fn hand_over(sender: &Sender<'_>, provider: &Provider, base: &str, message: &Due) -> Outcome {
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
    match result {
        Ok(sent) => Outcome::Sent(sent.provider_id, sent.simulated),
        Err(SendError::NotSent(reason)) => Outcome::Failed(reason),
        Err(SendError::Unknown(reason)) => Outcome::Unknown(reason),
    }
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
