use crate::model::{Email, Role, UserSummary};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// One e-mail address is unique within an organisation, not across them.
pub const EMAIL_KEY: &str = "users_org_email_key";

#[derive(sqlx::FromRow)]
pub struct LoginRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub password_hash: String,
    pub active: bool,
    pub session_epoch: i32,
    pub must_change_password: bool,
}

/// The accounts this address holds (in several organisations, at most a few): the most
/// recently used first, so the same password in two organisations signs in to the usual one.
pub async fn find_for_login(pool: &PgPool, email: &str) -> Result<Vec<LoginRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, org_id, password_hash, active, session_epoch, must_change_password
         FROM users WHERE email = $1 ORDER BY last_sign_in_at DESC NULLS LAST, created_at LIMIT 5",
    )
    .bind(email)
    .fetch_all(pool)
    .await
}

pub async fn touch_sign_in(pool: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_sign_in_at = now() WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn list(pool: &PgPool, org_id: Uuid) -> Result<Vec<UserSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, email, role, active, created_at, last_sign_in_at
         FROM users WHERE org_id = $1 ORDER BY active DESC, lower(name), id",
    )
    .bind(org_id)
    .fetch_all(pool)
    .await
}

pub struct NewUser<'a> {
    pub org_id: Uuid,
    pub name: &'a str,
    pub email: &'a Email,
    pub role: Role,
    pub password_hash: &'a str,
    /// Set when someone else chose the password: the person must choose their own.
    pub must_change_password: bool,
}

pub async fn insert<'e>(
    executor: impl PgExecutor<'e>,
    user: &NewUser<'_>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (org_id, name, email, role, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.org_id)
    .bind(user.name)
    .bind(user.email.as_str())
    .bind(user.role)
    .bind(user.password_hash)
    .bind(user.must_change_password)
    .fetch_one(executor)
    .await
}

/// Changes the role of a user of `org_id`; returns the previous role, `None` if no such user.
pub async fn set_role<'e>(
    executor: impl PgExecutor<'e>,
    org_id: Uuid,
    id: Uuid,
    role: Role,
) -> Result<Option<Role>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users u SET role = $3, updated_at = now()
         FROM users old WHERE old.id = u.id AND u.id = $2 AND u.org_id = $1
         RETURNING old.role",
    )
    .bind(org_id)
    .bind(id)
    .bind(role)
    .fetch_optional(executor)
    .await
}

/// Activates or deactivates a user of `org_id`; deactivation bumps the session epoch so
/// that every open session of theirs ends. Returns whether such a user exists.
pub async fn set_active<'e>(
    executor: impl PgExecutor<'e>,
    org_id: Uuid,
    id: Uuid,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE users SET active = $3, updated_at = now(),
             deactivated_at = CASE WHEN $3 THEN NULL ELSE coalesce(deactivated_at, now()) END,
             session_epoch = session_epoch + CASE WHEN $3 THEN 0 ELSE 1 END,
             calendar_token_hash = CASE WHEN $3 THEN calendar_token_hash END
         WHERE id = $2 AND org_id = $1",
    )
    .bind(org_id)
    .bind(id)
    .bind(active)
    .execute(executor)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Sets a new password: the account's other sessions end (the epoch moves on) and it no
/// longer has to change it. Returns the new session epoch.
pub async fn set_password<'e>(
    executor: impl PgExecutor<'e>,
    id: Uuid,
    password_hash: &str,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users SET password_hash = $2, must_change_password = false, updated_at = now(),
             session_epoch = session_epoch + 1
         WHERE id = $1 RETURNING session_epoch",
    )
    .bind(id)
    .bind(password_hash)
    .fetch_one(executor)
    .await
}

fn device_hash(token: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether the browser's device token is one an account with this address signed in from.
pub async fn is_known_device(pool: &PgPool, email: &str, token: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM known_devices d JOIN users u ON u.id = d.user_id
                        WHERE d.token_hash = $1 AND u.email = $2 AND u.active)",
    )
    .bind(device_hash(token))
    .bind(email)
    .fetch_one(pool)
    .await
}

/// Remembers the browser an account just signed in from: its token is refreshed when the
/// account knows it, else a new one is made. Returns a token to (re)issue to the browser.
pub async fn remember_device(
    pool: &PgPool,
    user: Uuid,
    token: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    if let Some(token) = token {
        let refreshed = sqlx::query(
            "UPDATE known_devices SET last_used_at = now() WHERE token_hash = $1 AND user_id = $2",
        )
        .bind(device_hash(token))
        .bind(user)
        .execute(pool)
        .await?;
        if refreshed.rows_affected() == 1 {
            return Ok(None);
        }
    }
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    sqlx::query("INSERT INTO known_devices (token_hash, user_id) VALUES ($1, $2)")
        .bind(device_hash(&token))
        .bind(user)
        .execute(pool)
        .await?;
    Ok(Some(token))
}
