//! The counts behind `rules::limits`, in PostgreSQL so every app server shares them. An
//! attempt takes its key's advisory lock, reads the recent attempts and records itself in
//! one transaction, before the work it guards: fifty parallel requests queue on the lock,
//! so at most `max` of them pass. A refused attempt is not recorded, so a lock lifts one
//! window after the attempt that filled it.

use crate::error::AppError;
use crate::rules::limits::{wait, Limit};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgExecutor, PgPool};

/// The row key: the limit's name and the subject, hashed so that no address, number or
/// e-mail is stored with the attempts.
fn key(limit: &Limit, subject: &str) -> Vec<u8> {
    Sha256::digest(format!("{}\u{0}{subject}", limit.name).as_bytes()).to_vec()
}

/// Records an attempt on `subject` unless the limit is reached; then how long to wait.
/// Holds the key's lock until the caller's transaction ends.
pub async fn take(
    conn: &mut PgConnection,
    limit: Limit,
    subject: &str,
) -> Result<Option<chrono::Duration>, sqlx::Error> {
    let key = key(&limit, subject);
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('rate/' || encode($1, 'hex'), 0))")
        .bind(&key)
        .execute(&mut *conn)
        .await?;
    let recent: Vec<DateTime<Utc>> = sqlx::query_scalar(
        "SELECT at FROM rate_limit_hits WHERE key = $1 AND at > now() - make_interval(secs => $2)
         ORDER BY at DESC LIMIT $3",
    )
    .bind(&key)
    .bind(limit.window.num_seconds() as f64)
    .bind(i64::from(limit.max))
    .fetch_all(&mut *conn)
    .await?;
    if let Some(wait) = wait(&limit, &recent, Utc::now()) {
        tracing::info!(limit = limit.name, "rate limit reached");
        return Ok(Some(wait));
    }
    sqlx::query("INSERT INTO rate_limit_hits (key) VALUES ($1)")
        .bind(&key)
        .execute(&mut *conn)
        .await?;
    Ok(None)
}

/// Counts one attempt on `subject` in the caller's transaction: it counts only if the
/// work it guards commits; refuses with 429 and the wait past the limit.
pub async fn hit_in(conn: &mut PgConnection, limit: Limit, subject: &str) -> Result<(), AppError> {
    match take(conn, limit, subject).await? {
        None => Ok(()),
        Some(wait) => Err(AppError::RateLimited {
            retry_after_secs: wait.num_seconds().max(1) as u64,
        }),
    }
}

/// Counts one attempt on `subject` in a transaction of its own (it stays counted if the
/// work it guards then fails); refuses with 429 and the wait past the limit.
pub async fn hit(pool: &PgPool, limit: Limit, subject: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let wait = take(&mut tx, limit, subject).await?;
    tx.commit().await?;
    match wait {
        None => Ok(()),
        Some(wait) => Err(AppError::RateLimited {
            retry_after_secs: wait.num_seconds().max(1) as u64,
        }),
    }
}

/// Gives back the newest attempt (one that turned out legitimate: a correct password).
pub async fn refund<'e>(
    executor: impl PgExecutor<'e>,
    limit: Limit,
    subject: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM rate_limit_hits WHERE ctid = (SELECT ctid FROM rate_limit_hits WHERE key = $1
             ORDER BY at DESC LIMIT 1)",
    )
    .bind(key(&limit, subject))
    .execute(executor)
    .await?;
    Ok(())
}

/// Forgets every attempt on `subject` (a correct password forgives earlier typos).
pub async fn forgive<'e>(
    executor: impl PgExecutor<'e>,
    limit: Limit,
    subject: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limit_hits WHERE key = $1")
        .bind(key(&limit, subject))
        .execute(executor)
        .await?;
    Ok(())
}

/// Drops attempts older than any window (run with retention).
pub async fn sweep<'e>(executor: impl PgExecutor<'e>) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM rate_limit_hits WHERE at < now() - interval '2 days'")
            .execute(executor)
            .await?
            .rows_affected(),
    )
}
