//! Connecting, migrating, and refusing to run on a database that is not what this build
//! expects: an old schema, or a role that could rewrite the consent ledger.

use anyhow::{bail, Context};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// When a connection last failed (milliseconds since the epoch): after a PostgreSQL
/// restart every pooled connection is dead, so connections older than the failure are
/// checked once before use instead of each failing a request.
static LAST_FAILURE_MS: AtomicI64 = AtomicI64::new(0);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Whether the error says the connection, not the query, failed.
pub fn is_connection_error(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(e) => e.code().is_some_and(|code| {
            // 08: connection exceptions; 57P01–03: the server shut down or is starting.
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// Notes a failed connection (called wherever a database error surfaces).
pub fn note_failure(error: &sqlx::Error) {
    if is_connection_error(error) {
        LAST_FAILURE_MS.store(now_ms(), Ordering::Relaxed);
    }
}

/// A connection is checked before use when it sat idle for a while, or when it is older
/// than a failure seen in the last minute. A busy, healthy pool pays nothing: the check is
/// a round trip, which cost a third of a page's time when done on every acquire
/// (BENCHMARKS.md).
fn needs_check(age: Duration, idle_for: Duration) -> bool {
    let failure = LAST_FAILURE_MS.load(Ordering::Relaxed);
    let now = now_ms();
    let born = now - age.as_millis() as i64;
    idle_for > Duration::from_secs(10) || (now - failure < 60_000 && born <= failure)
}

pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if needs_check(meta.age, meta.idle_for) {
                    use sqlx::Connection;
                    return Ok(conn.ping().await.is_ok());
                }
                Ok(true)
            })
        })
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .context("connecting to PostgreSQL")
}

/// Applies the migrations (as the database's owner).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!()
        .run(pool)
        .await
        .context("running migrations")
}

/// Refuses a database whose schema is older (or newer) than this build.
pub async fn check_schema(pool: &PgPool) -> anyhow::Result<()> {
    let wanted = sqlx::migrate!()
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
            .ok()
            .flatten();
    match applied {
        Some(version) if version == wanted => Ok(()),
        Some(version) if version > wanted => {
            bail!("the database is at migration {version}, newer than this build ({wanted}): run the matching build")
        }
        found => bail!(
            "the database is at migration {}, this build needs {wanted}: run `consentdesk migrate` as the database's owner (DATABASE_OWNER_URL) first",
            found.map_or("none".to_string(), |v| v.to_string())
        ),
    }
}

/// Refuses to serve as a role that could alter the consent ledger or the audit log (SPEC
/// §3.2): a superuser, their owner, or anyone allowed to update, delete or truncate them.
pub async fn check_least_privilege(pool: &PgPool) -> anyhow::Result<()> {
    let (role, can_alter): (String, bool) = sqlx::query_as(
        "SELECT current_user::text,
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                OR bool_or(has_table_privilege(t, 'UPDATE') OR has_table_privilege(t, 'DELETE')
                           OR has_table_privilege(t, 'TRUNCATE')
                           OR pg_has_role((SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = t), 'MEMBER'))
         FROM unnest(ARRAY['consent_events', 'audit_events']) AS t",
    )
    .fetch_one(pool)
    .await
    .context("checking the database role's privileges")?;
    if can_alter {
        bail!(
            "the database role {role:?} can change or delete consent and audit records. Serve as the runtime role \
             (consentdesk_app: SELECT and INSERT only on consent_events and audit_events; README, \"Database roles\") \
             and run migrations as the owner with `consentdesk migrate`"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_healthy_connection_is_not_checked() {
        assert!(!needs_check(
            Duration::from_secs(3600),
            Duration::from_millis(5)
        ));
        assert!(needs_check(
            Duration::from_secs(3600),
            Duration::from_secs(30)
        ));
    }
}
