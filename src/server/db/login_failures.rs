use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::net::IpAddr;

/// Failure times since `since` for the e-mail and for the client address.
pub async fn recent(
    pool: &PgPool,
    email: &str,
    ip: Option<IpAddr>,
    since: DateTime<Utc>,
) -> Result<(Vec<DateTime<Utc>>, Vec<DateTime<Utc>>), sqlx::Error> {
    let by_email = sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE email = $1 AND at > $2 ORDER BY at DESC LIMIT 100",
    )
    .bind(email)
    .bind(since)
    .fetch_all(pool)
    .await?;
    let by_ip = match ip {
        None => Vec::new(),
        Some(ip) => {
            sqlx::query_scalar(
                "SELECT at FROM login_failures WHERE ip = $1::inet AND at > $2 ORDER BY at DESC LIMIT 100",
            )
            .bind(ip.to_string())
            .bind(since)
            .fetch_all(pool)
            .await?
        }
    };
    Ok((by_email, by_ip))
}

pub async fn record(pool: &PgPool, email: &str, ip: Option<IpAddr>) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (email, ip) VALUES ($1, $2::inet)")
        .bind(email)
        .bind(ip.map(|ip| ip.to_string()))
        .execute(pool)
        .await?;
    Ok(())
}

/// A successful sign-in forgives the account's earlier typos (not the address's).
pub async fn clear_for_email(pool: &PgPool, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(pool)
        .await?;
    Ok(())
}
