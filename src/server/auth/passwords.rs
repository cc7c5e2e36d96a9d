//! Changing passwords: a person changes their own (and must, once, when a manager chose
//! it); a manager sends a reset link but never sees or sets a password that stays valid.
//! Reset links are single-use, expire after an hour, and only their hash is stored. Every
//! change ends the account's other sessions and is audited.

use super::{password, session::AuthSession, Caller};
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, FieldErrors};
use crate::rules::account;
use crate::server::crypto::token_hash;
use crate::server::db::{self, audit::Actor, audit::AuditEvent};
use crate::server::{mail, rate_limit};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sqlx::PgPool;
use std::net::IpAddr;
use tower_sessions::Session;
use uuid::Uuid;

pub const RESET_MINUTES: i64 = 60;

/// The new password, typed twice, checked like any new password.
fn new_password(new: &SecretString, again: &SecretString) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    errors.check("new_password", account::new_password(new.expose_secret()));
    if errors.is_empty() && new.expose_secret() != again.expose_secret() {
        errors.add("confirm", "The two passwords differ.");
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(AppError::Validation(errors)),
    }
}

/// The signed-in person changes their own password; this session carries on, every other
/// session of theirs ends.
#[tracing::instrument(skip_all, fields(org = %caller.org_id, user = %caller.user_id))]
pub async fn change_own(
    pool: &PgPool,
    session: &Session,
    caller: Caller,
    ip: Option<IpAddr>,
    current: SecretString,
    new: SecretString,
    again: SecretString,
) -> Result<(), AppError> {
    new_password(&new, &again)?;
    rate_limit::hit(
        pool,
        crate::rules::limits::SIGN_IN_ACCOUNT_IP,
        &format!(
            "{} {}",
            caller.user_id,
            crate::rules::limits::address_subject(ip)
        ),
    )
    .await?;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_one(pool)
        .await?;
    if new.expose_secret() == current.expose_secret() {
        return Err(AppError::field(
            "new_password",
            "Choose a password different from the one you have now.",
        ));
    }
    if !password::verify(Some(stored), current).await? {
        return Err(AppError::field(
            "current_password",
            "That is not your current password.",
        ));
    }
    let hash = password::hash(new).await?;
    let mut tx = pool.begin().await?;
    let epoch = db::users::set_password(&mut *tx, caller.user_id, &hash).await?;
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::PasswordChanged,
            (AuditObject::User, caller.user_id.to_string()),
            json!({}),
        ),
    )
    .await?;
    tx.commit().await?;
    AuthSession(session.clone())
        .sign_in(caller.user_id, epoch)
        .await?;
    Ok(())
}

/// A manager sends a user of their organisation a link to choose a new password. The
/// manager never sees the link; it goes to the user's own e-mail.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn send_reset(
    pool: &PgPool,
    public_base_url: &str,
    caller: Caller,
    ip: Option<IpAddr>,
    user: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let found: Option<(String, String, bool)> = sqlx::query_as(
        "SELECT email, name, active FROM users WHERE id = $1 AND org_id = $2 FOR UPDATE",
    )
    .bind(user)
    .bind(caller.org_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (email, name, active) = found.ok_or(AppError::NotFound)?;
    if !active {
        return Err(AppError::Conflict(
            "This account is deactivated; reactivate it first.".into(),
        ));
    }
    let token = crate::server::crypto::url_token();
    // A new link replaces any earlier one.
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_by, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(mins => $4))",
    )
    .bind(token_hash(&token))
    .bind(user)
    .bind(caller.user_id)
    .bind(RESET_MINUTES as i32)
    .execute(&mut *tx)
    .await?;
    let link = format!("{public_base_url}/reset-password?token={token}");
    let body = |link: &str| {
        format!(
            "Hello {name},\n\nA manager of your organisation asked ConsentDesk to let you choose a new password. \
             Open this link within {RESET_MINUTES} minutes to do so (it works once):\n\n{link}\n\n\
             If you did not expect this, tell your manager; your current password keeps working until the link is used."
        )
    };
    let queued = mail::queue(
        &mut tx,
        &mail::Mail {
            allowance: mail::Allowance::Account,
            org_id: caller.org_id,
            to: &email,
            subject: "Choose a new ConsentDesk password",
            body: &body("(link hidden: only the recipient sees it)"),
            secret_body: Some(&body(&link)),
        },
    )
    .await?;
    if !queued {
        return Err(AppError::Conflict(
            "This address has had as many e-mails from us as it may today. Try again tomorrow."
                .into(),
        ));
    }
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::PasswordResetSent,
            (AuditObject::User, user.to_string()),
            json!({}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Someone holding a reset link chooses a new password; the link is used up and every
/// session of the account ends.
#[tracing::instrument(skip_all)]
pub async fn reset(
    pool: &PgPool,
    ip: Option<IpAddr>,
    token: &str,
    new: SecretString,
    again: SecretString,
) -> Result<(), AppError> {
    rate_limit::hit(
        pool,
        crate::rules::limits::SIGN_IN_IP,
        &crate::rules::limits::address_subject(ip),
    )
    .await?;
    new_password(&new, &again)?;
    let expired = || {
        AppError::Conflict(
            "This link has expired or was already used. Ask your manager for a new one.".into(),
        )
    };
    let hash = password::hash(new).await?;
    let mut tx = pool.begin().await?;
    let user: Option<(Uuid, Uuid)> = sqlx::query_as(
        "UPDATE password_resets r SET used_at = now() FROM users u
         WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now()
           AND u.id = r.user_id AND u.active
         RETURNING u.id, u.org_id",
    )
    .bind(token_hash(token.trim()))
    .fetch_optional(&mut *tx)
    .await?;
    let (user, org_id) = user.ok_or_else(expired)?;
    db::users::set_password(&mut *tx, user, &hash).await?;
    db::audit::record(
        &mut *tx,
        AuditEvent {
            org_id: Some(org_id),
            actor: Actor::User(user),
            action: AuditAction::PasswordReset,
            object: Some((AuditObject::User, user.to_string())),
            ip,
            detail: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
