//! Signing in and out, with throttling and an audit trail.

use super::{password, session::AuthSession, Caller};
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject};
use crate::rules::limits::{address_subject, SIGN_IN_ACCOUNT, SIGN_IN_ACCOUNT_IP, SIGN_IN_IP};
use crate::server::db::{self, audit::Actor};
use crate::server::rate_limit;
use secrecy::SecretString;
use serde_json::json;
use sqlx::PgPool;
use std::net::IpAddr;
use tower_sessions::Session;

/// The cookie that marks a browser an account signed in from before.
pub const DEVICE_COOKIE: &str = "consentdesk_device";

/// Where a successful sign-in goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedIn {
    Ready,
    /// A manager chose this account's password: the person must choose their own first.
    MustChangePassword,
}

/// Checks the password and binds the session to the account. The attempt is counted
/// before the password is checked (per account and address, and per address), so
/// parallel guesses cannot slip past the limit; a correct password gives its attempt back
/// and forgives the account's count from that address. A stranger elsewhere cannot lock
/// the owner out. No e-mail address is logged.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    pool: &PgPool,
    session: &Session,
    ip: Option<IpAddr>,
    device: Option<&str>,
    email: &str,
    password: SecretString,
) -> Result<(SignedIn, Option<String>), AppError> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::field("email", "Enter your email address."));
    }
    let attempt = Attempt::count(pool, ip, device, email).await?;
    let accounts = db::users::find_for_login(pool, &attempt.email).await?;
    let hashes = accounts.iter().map(|a| a.password_hash.clone()).collect();
    let matched = password::first_match(hashes, password)
        .await?
        .map(|i| &accounts[i]);
    match matched {
        Some(account) if account.active => {
            let next = accept(pool, session, ip, account).await?;
            attempt.succeeded(pool).await?;
            let device = db::users::remember_device(pool, account.id, device).await?;
            Ok((next, device))
        }
        matched => {
            refuse(pool, ip, &accounts, matched).await?;
            Err(AppError::InvalidCredentials)
        }
    }
}

/// One sign-in attempt, counted against its limits before the password is checked.
struct Attempt {
    email: String,
    from: String,
    account_from: String,
    /// The browser signed in to this account before.
    known: bool,
}

impl Attempt {
    async fn count(
        pool: &PgPool,
        ip: Option<IpAddr>,
        device: Option<&str>,
        email: String,
    ) -> Result<Attempt, AppError> {
        let from = address_subject(ip);
        let account_from = format!("{email} {from}");
        rate_limit::hit(pool, SIGN_IN_IP, &from).await?;
        rate_limit::hit(pool, SIGN_IN_ACCOUNT_IP, &account_from).await?;
        // Guesses spread over many addresses are held back per account, but not in a
        // browser that signed in to it before: a stranger cannot lock the owner out.
        let known = match device {
            Some(token) => db::users::is_known_device(pool, &email, token).await?,
            None => false,
        };
        if !known {
            rate_limit::hit(pool, SIGN_IN_ACCOUNT, &email).await?;
        }
        Ok(Attempt {
            email,
            from,
            account_from,
            known,
        })
    }

    /// A correct password is not a guess: the office's address keeps its allowance.
    async fn succeeded(&self, pool: &PgPool) -> Result<(), AppError> {
        rate_limit::forgive(pool, SIGN_IN_ACCOUNT_IP, &self.account_from).await?;
        rate_limit::refund(pool, SIGN_IN_IP, &self.from).await?;
        if !self.known {
            rate_limit::refund(pool, SIGN_IN_ACCOUNT, &self.email).await?;
        }
        Ok(())
    }
}

/// Binds the session to the account and records the sign-in.
async fn accept(
    pool: &PgPool,
    session: &Session,
    ip: Option<IpAddr>,
    account: &db::users::LoginRow,
) -> Result<SignedIn, AppError> {
    AuthSession(session.clone())
        .sign_in(account.id, account.session_epoch)
        .await?;
    db::users::touch_sign_in(pool, account.id).await?;
    let event = db::audit::AuditEvent {
        org_id: Some(account.org_id),
        actor: Actor::User(account.id),
        action: AuditAction::SignIn,
        object: Some((AuditObject::User, account.id.to_string())),
        ip,
        detail: json!({}),
    };
    db::audit::record(pool, event).await?;
    tracing::info!("signed in");
    Ok(match account.must_change_password {
        true => SignedIn::MustChangePassword,
        false => SignedIn::Ready,
    })
}

/// Records a refused sign-in. The organisation's audit log shows failed sign-ins to its
/// account; with the address in several organisations, none of them learns of the others.
async fn refuse(
    pool: &PgPool,
    ip: Option<IpAddr>,
    accounts: &[db::users::LoginRow],
    matched: Option<&db::users::LoginRow>,
) -> Result<(), AppError> {
    let reason = match (matched, accounts.is_empty()) {
        (Some(_), _) => "deactivated",
        (None, true) => "unknown_email",
        (None, false) => "wrong_password",
    };
    let target = matched.or(match accounts {
        [only] => Some(only),
        _ => None,
    });
    let event = db::audit::AuditEvent {
        org_id: target.map(|a| a.org_id),
        actor: Actor::Anonymous,
        action: AuditAction::SignInFailed,
        object: target.map(|a| (AuditObject::User, a.id.to_string())),
        ip,
        detail: json!({ "reason": reason }),
    };
    db::audit::record(pool, event).await?;
    tracing::info!(reason, "sign-in refused");
    Ok(())
}

#[tracing::instrument(skip_all)]
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
        db::audit::AuditEvent {
            org_id: Some(caller.org_id),
            actor: Actor::User(caller.user_id),
            action: AuditAction::SignOut,
            object: Some((AuditObject::User, caller.user_id.to_string())),
            ip,
            detail: json!({}),
        },
    )
    .await?;
    Ok(())
}
