//! Background work after an inbound message: the insight recomputed, and the autopilot's
//! turn. Jobs live in PostgreSQL (`ai_jobs`, one row per conversation and kind, so a burst of
//! texts is one job); workers on any number of servers take them with `SKIP LOCKED`. A
//! taken job is leased, not deleted: a worker that dies mid-job leaves it to be taken again
//! when the lease ends, and the autopilot's own checks make a second run answer nothing.

use super::events::CallPurpose;
use super::run::{logged, Configured};
pub use super::runtime::Runtime;
use super::{autopilot, context, insight, settings, Remote};
use crate::model::Channel;
use crate::server::crypto::DataKey;
use crate::server::messaging::events;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

/// How long a taken job is a worker's before another may take it.
const LEASE_SECS: i32 = 120;
/// A job that failed this often is dropped (the next inbound message makes a new one).
const MAX_ATTEMPTS: i32 = 5;

/// Queues the insight, and the autopilot's turn where the organisation has it on for this
/// channel, in the webhook's transaction: one statement, so the webhook's latency holds.
pub async fn after_inbound(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    channel: Channel,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ai_jobs (org_id, conversation_id, kind)
         SELECT $1, $2, 'insight'
         UNION ALL
         SELECT $1, $2, 'autopilot' FROM ai_settings s
          WHERE s.org_id = $1 AND $3::channel = ANY (s.autopilot_channels)
         ON CONFLICT (conversation_id, kind) DO UPDATE SET run_at = least(ai_jobs.run_at, now()), attempts = 0",
    )
    .bind(org_id)
    .bind(conversation)
    .bind(channel)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
struct Job {
    id: i64,
    org_id: Uuid,
    conversation_id: Uuid,
    kind: String,
    /// The lease: the job is finished only if nobody queued it again meanwhile.
    run_at: DateTime<Utc>,
    attempts: i32,
}

/// Runs up to `batch` due jobs; returns how many it took.
pub async fn run_once(rt: &Runtime, batch: usize) -> Result<usize, sqlx::Error> {
    let mut taken = 0;
    while taken < batch {
        let Some(job) = take(&rt.pool).await? else {
            break;
        };
        taken += 1;
        if job.attempts > MAX_ATTEMPTS {
            tracing::warn!(
                job = job.id,
                kind = job.kind,
                "AI job dropped after repeated failures"
            );
            finish(&rt.pool, &job, None).await?;
            continue;
        }
        let next = match job.kind.as_str() {
            "autopilot" => autopilot::turn(rt, job.org_id, job.conversation_id).await,
            _ => refresh_insight(rt, job.org_id, job.conversation_id)
                .await
                .map(|()| None),
        };
        match next {
            Ok(next) => finish(&rt.pool, &job, next).await?,
            Err(error) => tracing::error!(
                ?error,
                job = job.id,
                kind = job.kind,
                "AI job failed; retried after its lease"
            ),
        }
    }
    Ok(taken)
}

async fn take(pool: &PgPool) -> Result<Option<Job>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE ai_jobs SET run_at = now() + make_interval(secs => $1), attempts = attempts + 1
         WHERE id = (SELECT id FROM ai_jobs WHERE run_at <= now() ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id, org_id, conversation_id, kind, run_at, attempts",
    )
    .bind(LEASE_SECS)
    .fetch_optional(pool)
    .await
}

/// Done (deleted), or due again at `next`; unless a new message queued it meanwhile.
async fn finish(pool: &PgPool, job: &Job, next: Option<DateTime<Utc>>) -> Result<(), sqlx::Error> {
    let sql = match next {
        None => "DELETE FROM ai_jobs WHERE id = $1 AND run_at = $2",
        Some(_) => "UPDATE ai_jobs SET run_at = $3, attempts = 0 WHERE id = $1 AND run_at = $2",
    };
    sqlx::query(sql)
        .bind(job.id)
        .bind(job.run_at)
        .bind(next)
        .execute(pool)
        .await?;
    Ok(())
}

/// Reads the conversation again and stores the lead's insight. A provider that fails
/// leaves the built-in reading in its place, so the score is never older than the thread.
pub async fn refresh_insight(
    rt: &Runtime,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<(), sqlx::Error> {
    let mut conn = rt.pool.acquire().await?;
    let config = settings::load(&mut *conn, rt.key.as_ref(), org_id).await?;
    let Ok(context) = context::load(&mut conn, &config, org_id, conversation).await? else {
        return Ok(());
    };
    drop(conn);
    let assistant = Configured::of(&config, &rt.http, Remote::TIMEOUT, Remote::RETRIES);
    let call = assistant.insight(&context);
    let reading = match logged(&rt.pool, &assistant, &context, CallPurpose::Insight, call).await {
        Ok(reading) => reading,
        Err(_) => crate::rules::assistant::read(&context.turns),
    };
    let mut tx = rt.pool.begin().await?;
    insight::store(&mut tx, org_id, conversation, &reading).await?;
    events::notify(&mut tx, org_id, conversation).await?;
    tx.commit().await
}

/// Runs the AI worker for the life of the process: drains due jobs, then naps.
pub fn spawn(pool: PgPool, key: Option<DataKey>) {
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .user_agent(concat!("ConsentDesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let rt = Runtime { pool, key, http };
        loop {
            match run_once(&rt, 50).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(?error, "AI worker"),
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
}
