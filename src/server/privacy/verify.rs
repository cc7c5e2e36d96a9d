//! Proving the requester is who they say (SPEC §4): a 6-digit code sent to the e-mail or
//! phone on the request, valid ten minutes, five tries. Only its hash is stored. Nothing
//! about the person leaves before this succeeds.

use super::notify;
use super::store::{load, step, By};
use crate::error::AppError;
use crate::model::Purpose;
use crate::model::{AuditAction, PrivacyRequestStatus};
use crate::server::db;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::net::IpAddr;
use uuid::Uuid;

pub const CODE_MINUTES: i64 = 10;
pub const MAX_ATTEMPTS: i32 = 5;
/// Codes one request may be sent in all.
pub const MAX_CODES: i32 = 5;

/// The code's hash is bound to the request: the same digits for another request differ.
fn digest(id: Uuid, code: &str) -> Vec<u8> {
    Sha256::digest(format!("{id}:{code}").as_bytes()).to_vec()
}

/// Six random digits.
pub fn new_code() -> String {
    use rand_core::RngCore;
    let n = rand_core::OsRng.next_u32() % 1_000_000;
    format!("{n:06}")
}

/// Sends a fresh code (the previous one stops working) and resets the attempts.
pub async fn send_code(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    by: By,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let r = load(conn, org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.verified_at.is_some() {
        return Err(AppError::Conflict(
            "The requester is already verified.".into(),
        ));
    }
    if !r.status.is_open() {
        return Err(AppError::Conflict("This request is closed.".into()));
    }
    let codes_sent: i32 =
        sqlx::query_scalar("SELECT codes_sent FROM privacy_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    if codes_sent >= MAX_CODES {
        return Err(AppError::Conflict(format!(
            "{MAX_CODES} codes have been sent for this request already. Verify the person another way (in person, say), or reject it."
        )));
    }
    let code = new_code();
    let org = db::orgs::profile(&mut *conn, org_id).await?;
    let text = format!(
        "{}: your code to confirm your privacy request is {code}. It works for {CODE_MINUTES} minutes. If you did not ask, ignore this message.",
        org.name
    );
    let sent = notify::tell(
        conn,
        org_id,
        r.email.as_deref(),
        r.phone.as_deref(),
        "Your verification code",
        &text,
        Purpose::PrivacyCode,
    )
    .await?;
    if let notify::Told::Withheld(why) = sent {
        return Err(AppError::Conflict(format!(
            "No code was sent: {}. Verify the person another way (in person, say), or try again tomorrow.",
            why.reason()
        )));
    }
    sqlx::query(
        "UPDATE privacy_requests SET code_hash = $3, code_sent_to = $4, code_expires_at = $5, code_attempts = 0,
             codes_sent = codes_sent + 1
         WHERE org_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(digest(id, &code))
    .bind(sent.describe())
    .bind(Utc::now() + Duration::minutes(CODE_MINUTES))
    .execute(&mut *conn)
    .await?;
    step(
        conn,
        org_id,
        id,
        by,
        ip,
        AuditAction::PrivacyCodeSent,
        json!({ "by": sent.channel() }),
    )
    .await?;
    Ok(())
}

/// Sends a code in its own transaction (the request page and the public page's "send a
/// new code").
#[tracing::instrument(skip_all, fields(org_id = %org_id, request = %id))]
pub async fn resend(
    pool: &PgPool,
    org_id: Uuid,
    id: Uuid,
    by: By,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    send_code(&mut tx, org_id, id, by, ip).await?;
    tx.commit().await?;
    Ok(())
}

/// The code as typed, without spaces: six digits.
fn typed_code(code: &str) -> Result<String, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::field("code", "The code has six digits."));
    }
    Ok(code)
}

/// The hash of the code sent, if it may still be tried.
fn still_usable(
    hash: Option<Vec<u8>>,
    expires: Option<DateTime<Utc>>,
    attempts: i32,
) -> Result<Vec<u8>, AppError> {
    let Some(hash) = hash else {
        return Err(AppError::field(
            "code",
            "No code has been sent yet. Ask for one.",
        ));
    };
    if attempts >= MAX_ATTEMPTS {
        return Err(AppError::field(
            "code",
            "Too many wrong codes. Ask for a new one.",
        ));
    }
    if expires.is_none_or(|at| at < Utc::now()) {
        return Err(AppError::field(
            "code",
            "This code has expired. Ask for a new one.",
        ));
    }
    Ok(hash)
}

/// A wrong code: the attempt is counted and committed, and the error says how many are
/// left.
async fn refuse(
    mut tx: Transaction<'_, Postgres>,
    org_id: Uuid,
    id: Uuid,
    by: By,
    ip: Option<IpAddr>,
    attempts: i32,
) -> Result<(), AppError> {
    sqlx::query("UPDATE privacy_requests SET code_attempts = code_attempts + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    step(
        &mut tx,
        org_id,
        id,
        by,
        ip,
        AuditAction::PrivacyCodeRefused,
        json!({ "attempt": attempts + 1 }),
    )
    .await?;
    tx.commit().await?;
    let left = MAX_ATTEMPTS - attempts - 1;
    Err(AppError::field(
        "code",
        if left > 0 {
            format!("That code is not right. {left} tries left.")
        } else {
            "That code is not right, and it was the last try. Ask for a new code.".to_string()
        },
    ))
}

/// Checks a code. A wrong one counts as an attempt even though the request fails, so the
/// count is committed before the error is returned.
#[tracing::instrument(skip_all, fields(org_id = %org_id, request = %id))]
pub async fn check(
    pool: &PgPool,
    org_id: Uuid,
    id: Uuid,
    code: &str,
    by: By,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let code = typed_code(code)?;
    let mut tx = pool.begin().await?;
    let r = load(&mut tx, org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.verified_at.is_some() {
        return Ok(());
    }
    let (hash, expires, attempts): (Option<Vec<u8>>, Option<DateTime<Utc>>, i32) = sqlx::query_as(
        "SELECT code_hash, code_expires_at, code_attempts FROM privacy_requests WHERE org_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let hash = still_usable(hash, expires, attempts)?;
    if !crate::server::hooks::signature::same_secret(&hash, &digest(id, &code)) {
        return refuse(tx, org_id, id, by, ip, attempts).await;
    }
    let status = if r.assignee.is_some() {
        PrivacyRequestStatus::InProgress
    } else {
        PrivacyRequestStatus::Verified
    };
    sqlx::query(
        "UPDATE privacy_requests SET verified_at = now(), status = $2, code_hash = NULL, code_expires_at = NULL WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .execute(&mut *tx)
    .await?;
    step(
        &mut tx,
        org_id,
        id,
        by,
        ip,
        AuditAction::PrivacyVerified,
        json!({ "status": status }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_six_digits_and_hashes_are_bound_to_the_request() {
        let code = new_code();
        assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()));
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_ne!(digest(a, "123456"), digest(b, "123456"));
        assert_eq!(digest(a, "123456"), digest(a, "123456"));
    }
}
