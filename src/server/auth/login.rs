//! Signing in and out, with throttling and an audit trail.

use super::{password, session::AuthSession, Caller};
use crate::error::AppError;
use crate::rules::login_limit::{PER_ACCOUNT, PER_IP};
use crate::server::db::{self, audit::Actor};
use chrono::Utc;
use secrecy::SecretString;
use serde_json::json;
use sqlx::PgPool;
use std::net::IpAddr;
use tower_sessions::Session;

#[tracing::instrument(skip(pool, session, password), fields(ip = ?ip))]
pub async fn sign_in(
    pool: &PgPool,
    session: &Session,
    ip: Option<IpAddr>,
    email: &str,
    password: SecretString,
) -> Result<(), AppError> {
    // Throttled by the address as typed, so unknown and known accounts behave alike.
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::field("email", "Enter your email address."));
    }

    let now = Utc::now();
    let window = PER_ACCOUNT.window.max(PER_IP.window);
    let (by_email, by_ip) = db::login_failures::recent(pool, &email, ip, now - window).await?;
    let wait = [
        PER_ACCOUNT.retry_after(&by_email, now),
        PER_IP.retry_after(&by_ip, now),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(wait) = wait {
        tracing::info!("sign-in throttled");
        let retry_after_secs = wait.num_seconds().max(1) as u64;
        return Err(AppError::RateLimited { retry_after_secs });
    }

    let account = db::users::find_for_login(pool, &email).await?;
    let matches =
        password::verify(account.as_ref().map(|a| a.password_hash.clone()), password).await?;

    match account {
        Some(account) if matches && account.active => {
            AuthSession(session.clone())
                .sign_in(account.id, account.session_epoch)
                .await?;
            db::users::touch_sign_in(pool, account.id).await?;
            db::login_failures::clear_for_email(pool, &email).await?;
            db::audit::record(
                pool,
                db::audit::Event {
                    org_id: Some(account.org_id),
                    actor: Actor::User(account.id),
                    action: "auth.sign_in",
                    object: Some(("user", account.id.to_string())),
                    ip,
                    detail: json!({}),
                },
            )
            .await?;
            Ok(())
        }
        account => {
            db::login_failures::record(pool, &email, ip).await?;
            let reason = match &account {
                None => "unknown_email",
                Some(a) if !a.active => "deactivated",
                Some(_) => "wrong_password",
            };
            db::audit::record(
                pool,
                db::audit::Event {
                    org_id: account.as_ref().map(|a| a.org_id),
                    actor: account
                        .as_ref()
                        .map_or(Actor::Anonymous, |a| Actor::User(a.id)),
                    action: "auth.sign_in_failed",
                    object: account.as_ref().map(|a| ("user", a.id.to_string())),
                    ip,
                    detail: json!({ "email": email, "reason": reason }),
                },
            )
            .await?;
            Err(AppError::InvalidCredentials)
        }
    }
}

pub async fn sign_out(
    pool: &PgPool,
    session: &Session,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    if let Ok(caller) = super::resolve(pool, session).await {
        audit_sign_out(pool, caller, ip).await?;
    }
    AuthSession(session.clone()).sign_out().await
}

async fn audit_sign_out(pool: &PgPool, caller: Caller, ip: Option<IpAddr>) -> Result<(), AppError> {
    db::audit::record(
        pool,
        db::audit::Event {
            org_id: Some(caller.org_id),
            actor: Actor::User(caller.user_id),
            action: "auth.sign_out",
            object: Some(("user", caller.user_id.to_string())),
            ip,
            detail: json!({}),
        },
    )
    .await?;
    Ok(())
}
