//! Outgoing e-mail. A mail is queued in `outbound_mail` in the caller's transaction (so it
//! exists only if what it tells happened) and delivered by the worker through the
//! configured transport: SMTP (`SMTP_URL`) or, by default, one `.eml` file per message in
//! `MAIL_DIR` (`.data/mail`) for the person running it. A mail may carry a secret (a
//! code, a reset link): staff read `body`; only the transport reads `secret_body`, which
//! is cleared once the mail has left.

use crate::error::AppError;
use crate::rules::limits::{Limit, RESET_MAIL_ACCOUNT, SYSTEM_MAIL_ADDRESS, SYSTEM_MAIL_ORG};
use crate::server::rate_limit;
use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{PgConnection, PgPool};
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

pub const MAX_ATTEMPTS: i32 = 5;

/// Which daily allowance a mail counts against: what people asked for on public pages
/// (per address and per organisation), or mail about a staff account (resets), which
/// strangers cannot use up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    Requested,
    Account,
}

/// One e-mail to queue.
pub struct Mail<'a> {
    pub org_id: Uuid,
    pub allowance: Allowance,
    pub to: &'a str,
    pub subject: &'a str,
    /// What staff may read of it.
    pub body: &'a str,
    /// What is really sent, when it holds something staff must not read.
    pub secret_body: Option<&'a str>,
}

/// Queues a mail; `false` when its allowance for the day is spent.
pub async fn queue(conn: &mut PgConnection, mail: &Mail<'_>) -> Result<bool, sqlx::Error> {
    let address = format!("{} {}", mail.org_id, mail.to);
    let org = mail.org_id.to_string();
    let limits: Vec<(Limit, &str)> = match mail.allowance {
        Allowance::Requested => vec![(SYSTEM_MAIL_ADDRESS, &address), (SYSTEM_MAIL_ORG, &org)],
        Allowance::Account => vec![(RESET_MAIL_ACCOUNT, &address)],
    };
    // Every count or none: a mail one limit refuses must not use up the other.
    sqlx::query("SAVEPOINT mail_caps")
        .execute(&mut *conn)
        .await?;
    for (limit, subject) in limits {
        if rate_limit::take(&mut *conn, limit, subject)
            .await?
            .is_some()
        {
            sqlx::query("ROLLBACK TO SAVEPOINT mail_caps")
                .execute(&mut *conn)
                .await?;
            tracing::warn!(limit = limit.name, "mail not sent: daily cap");
            return Ok(false);
        }
    }
    sqlx::query("RELEASE SAVEPOINT mail_caps")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO outbound_mail (org_id, recipient, subject, body, secret_body, status)
         VALUES ($1, $2, $3, $4, $5, 'queued')",
    )
    .bind(mail.org_id)
    .bind(mail.to)
    .bind(mail.subject)
    .bind(mail.body)
    .bind(mail.secret_body)
    .execute(conn)
    .await?;
    Ok(true)
}

/// How mail leaves this server.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Writes each message as an `.eml` file: the local default, delivering nowhere.
    Files(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    pub transport: Transport,
    pub from: Mailbox,
}

impl Mailer {
    /// SMTP when `smtp_url` is set (`smtp://host:25`, `smtps://user:pass@host`,
    /// `smtp://host:587?tls=required`), else files in `dir`.
    pub fn new(smtp_url: Option<&str>, dir: &Path, from: &str) -> anyhow::Result<Mailer> {
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("MAIL_FROM {from:?} is not an address"))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL is not a valid smtp:// or smtps:// address")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the mail folder {}", dir.display()))?;
                Transport::Files(AsyncFileTransport::new(dir))
            }
        };
        Ok(Mailer { transport, from })
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Files(files) => files
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Due {
    id: Uuid,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
}

/// Delivers one due mail, in its own transaction; `false` when none is due.
async fn deliver_next(pool: &PgPool, mailer: &Mailer) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let due: Option<Due> = sqlx::query_as(
        "SELECT id, recipient, subject, coalesce(secret_body, body) AS body, attempts FROM outbound_mail
         WHERE status = 'queued' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(due) = due else {
        return Ok(false);
    };
    let outcome = match build(&mailer.from, &due) {
        Ok(message) => mailer.send(message).await,
        Err(reason) => Err(reason),
    };
    match outcome {
        Ok(()) => {
            sqlx::query(
                "UPDATE outbound_mail SET status = 'sent', sent_at = now(), secret_body = NULL, last_error = NULL
                 WHERE id = $1",
            )
            .bind(due.id)
            .execute(&mut *tx)
            .await?;
        }
        Err(reason) => {
            // The reason may name the address: it stays in the row, not in the logs.
            tracing::warn!(mail = %due.id, "mail not delivered");
            let last = due.attempts + 1 >= MAX_ATTEMPTS;
            sqlx::query(
                "UPDATE outbound_mail SET attempts = attempts + 1, last_error = $2,
                     status = CASE WHEN $3 THEN 'failed' ELSE status END,
                     secret_body = CASE WHEN $3 THEN NULL ELSE secret_body END,
                     next_attempt_at = now() + make_interval(secs => $4)
                 WHERE id = $1",
            )
            .bind(due.id)
            .bind(reason)
            .bind(last)
            .bind(super::messaging::outbox::backoff_secs(due.attempts + 1) as f64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

fn build(from: &Mailbox, due: &Due) -> Result<Message, String> {
    let to: Mailbox = due
        .recipient
        .parse()
        .map_err(|_| "the recipient is not an e-mail address".to_string())?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&due.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(due.body.clone())
        .map_err(|e| e.to_string())
}

/// Delivers up to `batch` due mails; returns how many it took.
pub async fn run_once(pool: &PgPool, mailer: &Mailer, batch: usize) -> Result<usize, AppError> {
    let mut taken = 0;
    while taken < batch && deliver_next(pool, mailer).await? {
        taken += 1;
    }
    Ok(taken)
}

/// Delivers mail for the life of the process.
pub fn spawn(pool: PgPool, mailer: Mailer) {
    tokio::spawn(async move {
        loop {
            match run_once(&pool, &mailer, 20).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(?error, "mail worker"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
