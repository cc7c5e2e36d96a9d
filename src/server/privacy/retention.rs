//! Retention (SPEC §5): communications are kept for the subscription plus 90 days, or
//! less when the organisation sets a shorter maximum age; deactivated user accounts are
//! anonymised 30 days after deactivation; opt-out records are kept forever. A dry run
//! counts exactly what a run would purge. Runs are audited with their counts, and one
//! organisation is purged by one server at a time.

use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, RetentionCounts};
use crate::rules::retention::{self, Cutoffs};
use crate::server::db::{self, audit::Actor, audit::AuditEvent};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// The organisation's cut-offs now, from its retention settings.
async fn cutoffs(conn: &mut PgConnection, org_id: Uuid) -> Result<Cutoffs, sqlx::Error> {
    let (ends, max_age): (Option<NaiveDate>, Option<i32>) = sqlx::query_as(
        "SELECT subscription_ends_on, communications_max_age_days FROM organisations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_one(conn)
    .await?;
    Ok(retention::cutoffs(Utc::now(), ends, max_age))
}

/// The classes retention purges: a name, the count, and the purge of one batch, over the
/// same rows ($1 the organisation, $2 the communications cut-off, $3 the 30-day cut-off,
/// $4 the batch size). Each batch is a transaction of its own: a purge never holds a huge
/// transaction, and one cut short resumes where it stopped. Opt-out confirmations stay
/// with the consent evidence they prove.
const CLASSES: [(&str, &str, &str); 8] = [
    (
        "messages",
        "SELECT count(*) FROM messages WHERE org_id = $1 AND created_at < $2 AND consent_event_id IS NULL",
        "DELETE FROM messages WHERE id IN (SELECT id FROM messages
             WHERE org_id = $1 AND created_at < $2 AND consent_event_id IS NULL LIMIT $4)",
    ),
    (
        "calls",
        "SELECT count(*) FROM calls WHERE org_id = $1 AND started_at < $2",
        "DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE org_id = $1 AND started_at < $2 LIMIT $4)",
    ),
    (
        "chat_visitors",
        "SELECT count(*) FROM conversations WHERE org_id = $1 AND visitor_token_hash IS NOT NULL AND last_activity_at < $2",
        "UPDATE conversations SET visitor_token_hash = NULL, claimed_phone = NULL, claimed_email = NULL
         WHERE id IN (SELECT id FROM conversations
             WHERE org_id = $1 AND visitor_token_hash IS NOT NULL AND last_activity_at < $2 LIMIT $4)",
    ),
    (
        "mail",
        "SELECT count(*) FROM outbound_mail WHERE org_id = $1 AND created_at < $2",
        "DELETE FROM outbound_mail WHERE id IN (SELECT id FROM outbound_mail WHERE org_id = $1 AND created_at < $2 LIMIT $4)",
    ),
    (
        "bundles",
        "SELECT count(*) FROM privacy_requests WHERE org_id = $1 AND bundle IS NOT NULL AND completed_at < $3",
        "UPDATE privacy_requests SET bundle = NULL WHERE id IN (SELECT id FROM privacy_requests
             WHERE org_id = $1 AND bundle IS NOT NULL AND completed_at < $3 LIMIT $4)",
    ),
    (
        "user_accounts",
        "SELECT count(*) FROM users WHERE org_id = $1 AND NOT active AND deactivated_at < $3 AND email NOT LIKE 'former-%@deleted.invalid'",
        // Accounts are referenced by what their people did (audit, consent captured), so
        // the row stays and everything personal in it goes.
        "UPDATE users SET name = 'Former user', email = 'former-' || id || '@deleted.invalid', password_hash = '!',
             session_epoch = session_epoch + 1, updated_at = now()
         WHERE id IN (SELECT id FROM users WHERE org_id = $1 AND NOT active AND deactivated_at < $3
             AND email NOT LIKE 'former-%@deleted.invalid' LIMIT $4)",
    ),
    (
        // Uploaded CSV files: kept for 30 days, for the preview and the import itself.
        "imports",
        "SELECT count(*) FROM lead_imports WHERE org_id = $1 AND created_at < $3 AND body <> ''",
        "UPDATE lead_imports SET body = '' WHERE id IN (SELECT id FROM lead_imports
             WHERE org_id = $1 AND created_at < $3 AND body <> '' LIMIT $4)",
    ),
    (
        // Personal data in older audit details (an e-mail, search filters): the events
        // stay, the details lose it, through the one function allowed to touch them.
        "audit_details",
        "SELECT count(*) FROM audit_events WHERE org_id = $1 AND at < $2
             AND detail ?| ARRAY['email', 'name', 'phone', 'filters', 'q', 'recipient']",
        "SELECT redact_audit_details($1, $2, $4::int)",
    ),
];

/// Rows per purge transaction.
const BATCH: i64 = 5_000;

/// Counts what is past keeping (the dry run).
async fn count_all(conn: &mut PgConnection, org_id: Uuid) -> Result<RetentionCounts, sqlx::Error> {
    let cut = cutoffs(conn, org_id).await?;
    let mut counts = std::collections::HashMap::new();
    for (class, count_sql, _) in CLASSES {
        let n: i64 = sqlx::query_scalar(count_sql)
            .bind(org_id)
            .bind(cut.communications)
            .bind(cut.thirty_days)
            .fetch_one(&mut *conn)
            .await?;
        counts.insert(class, n);
    }
    finish_counts(conn, org_id, cut.policy, counts).await
}

/// Purges what is past keeping, batch by batch, each batch a transaction.
async fn purge_all(conn: &mut PgConnection, org_id: Uuid) -> Result<RetentionCounts, sqlx::Error> {
    use sqlx::Connection;
    let cut = cutoffs(conn, org_id).await?;
    let mut counts = std::collections::HashMap::new();
    for (class, _, purge_sql) in CLASSES {
        let mut total = 0i64;
        loop {
            let mut tx = conn.begin().await?;
            let done: i64 = if purge_sql.starts_with("SELECT") {
                sqlx::query_scalar(purge_sql)
                    .bind(org_id)
                    .bind(cut.communications)
                    .bind(cut.thirty_days)
                    .bind(BATCH)
                    .fetch_one(&mut *tx)
                    .await?
            } else {
                sqlx::query(purge_sql)
                    .bind(org_id)
                    .bind(cut.communications)
                    .bind(cut.thirty_days)
                    .bind(BATCH)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as i64
            };
            tx.commit().await?;
            total += done;
            if done < BATCH {
                break;
            }
        }
        counts.insert(class, total);
    }
    finish_counts(conn, org_id, cut.policy, counts).await
}

async fn finish_counts(
    conn: &mut PgConnection,
    org_id: Uuid,
    before: Option<DateTime<Utc>>,
    counts: std::collections::HashMap<&str, i64>,
) -> Result<RetentionCounts, sqlx::Error> {
    let opt_outs_kept = sqlx::query_scalar(
        "SELECT count(*) FROM consent_events WHERE org_id = $1 AND kind = 'revoke'",
    )
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    let get = |class: &str| counts.get(class).copied().unwrap_or_default();
    Ok(RetentionCounts {
        messages: get("messages"),
        calls: get("calls"),
        chat_visitors: get("chat_visitors"),
        mail: get("mail"),
        bundles: get("bundles"),
        user_accounts: get("user_accounts"),
        imports: get("imports"),
        audit_details: get("audit_details"),
        opt_outs_kept,
        communications_before: before,
    })
}

/// What a run would purge now; nothing changes.
#[tracing::instrument(skip_all, fields(org = %org_id))]
pub async fn preview(pool: &PgPool, org_id: Uuid) -> Result<RetentionCounts, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(count_all(&mut conn, org_id).await?)
}

/// Purges what the policy says is past keeping, audited with the counts. `None` when
/// another server is running it for this organisation right now.
#[tracing::instrument(skip_all, fields(org_id = %org_id))]
pub async fn run(
    pool: &PgPool,
    org_id: Uuid,
    actor: Actor,
    ip: Option<IpAddr>,
) -> Result<Option<RetentionCounts>, AppError> {
    // One server per organisation at a time: a lock held by this connection for the
    // whole run, across its many transactions (released if the connection dies).
    let mut conn = pool.acquire().await?;
    let mine: bool = sqlx::query_scalar(
        "SELECT pg_try_advisory_lock(hashtextextended('retention/' || $1::text, 0))",
    )
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    if !mine {
        return Ok(None);
    }
    let purged = purge_all(&mut conn, org_id).await;
    sqlx::query("SELECT pg_advisory_unlock(hashtextextended('retention/' || $1::text, 0))")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    let counts = purged?;
    db::audit::record(
        &mut *conn,
        AuditEvent {
            org_id: Some(org_id),
            actor,
            action: AuditAction::RetentionRun,
            object: Some((AuditObject::Organisation, org_id.to_string())),
            ip,
            detail: json!(counts),
        },
    )
    .await?;
    Ok(Some(counts))
}

/// One organisation's run: its counts, `None` when another server had it, or why it
/// failed.
pub type RunOutcome = Result<Option<RetentionCounts>, AppError>;

/// Every organisation, one after the other (the scheduler and `run-retention`), after the
/// housekeeping of short-lived records: rate-limit attempts of windows long gone, and
/// web-form opt-ins nobody confirmed within 30 days (they hold a name and an address).
/// One organisation's failure is reported and the others still run.
pub async fn run_all(pool: &PgPool) -> Result<Vec<(String, RunOutcome)>, AppError> {
    crate::server::rate_limit::sweep(pool).await?;
    sqlx::query(
        "DELETE FROM consent_confirmations WHERE confirmed_at IS NULL AND expires_at < now() - interval '30 days'",
    )
    .execute(pool)
    .await?;
    let orgs: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, slug FROM organisations ORDER BY slug")
            .fetch_all(pool)
            .await?;
    let mut done = Vec::new();
    for (id, slug) in orgs {
        let outcome = run(pool, id, Actor::System, None).await;
        if let Err(error) = &outcome {
            tracing::error!(org = %slug, %error, "retention failed for one organisation; going on");
        }
        done.push((slug, outcome));
    }
    Ok(done)
}

/// Runs retention hourly for the life of the process; several servers may, safely.
pub fn spawn(pool: PgPool) {
    tokio::spawn(async move {
        // Not at start-up: a server that restarts often would purge (and audit) each time.
        let hour = std::time::Duration::from_secs(3600);
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + hour, hour);
        loop {
            every.tick().await;
            if let Err(error) = run_all(&pool).await {
                tracing::error!(?error, "retention run");
            }
        }
    });
}
