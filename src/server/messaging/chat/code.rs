//! Proving a chat's claim: a code sent to the phone or e-mail the visitor typed, and
//! checking it. A right code links the chat to its person (`link`).

use super::link::{link, Proof};
use super::visitor::{visitor, Claim, Visitor};
use crate::error::AppError;
use crate::model::Purpose;
use crate::model::{Email, E164};
use crate::rules::limits::{CHAT_CODES, CHAT_CODE_TRIES};
use crate::server::db::{self, orgs::OrgProfile};
use crate::server::mail;
use crate::server::messaging::system_text::{self, Queued, SystemText};
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Minutes a chat's code works.
pub const CODE_MINUTES: i64 = 10;

/// The code's hash is bound to its chat: the same digits for another chat differ.
fn code_digest(conversation: Uuid, code: &str) -> Vec<u8> {
    Sha256::digest(format!("chat:{conversation}:{code}").as_bytes()).to_vec()
}

/// Sends the visitor a code to the phone or e-mail they typed.
#[tracing::instrument(skip_all, fields(org = %slug))]
pub async fn send_code(pool: &PgPool, slug: &str, token: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let v = visitor(&mut tx, slug, token, true).await?;
    if v.verified_at.is_some() {
        return Err(AppError::Conflict("This chat is already confirmed.".into()));
    }
    if v.ended_at.is_some() {
        return Err(AppError::Conflict("This chat has ended.".into()));
    }
    let claim = v.claim().ok_or(AppError::NotFound)?;
    count_code(&mut tx, &v).await?;
    let org = db::orgs::profile(&mut *tx, v.org_id).await?;
    let code = crate::server::privacy::verify::new_code();
    let text = format!(
        "{}: your code to confirm it is you in our web chat is {code}. It works for {CODE_MINUTES} minutes. If you did not ask, ignore this message.",
        org.name
    );
    let sent = match &claim {
        Claim::Phone(phone) => text_code(&mut tx, &v, &org, phone, &text).await?,
        Claim::Email(email) => mail_code(&mut tx, &v, email, &text).await?,
    };
    if !sent {
        return Err(AppError::field(
            "code",
            "We have sent as many messages to that address as we may today. Try again tomorrow, or ask a member of our team.",
        ));
    }
    sqlx::query(
        "UPDATE conversations SET code_hash = $2, code_expires_at = $3, code_attempts = 0 WHERE id = $1",
    )
    .bind(v.id)
    .bind(code_digest(v.id, &code))
    .bind(Utc::now() + Duration::minutes(CODE_MINUTES))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One more code for this chat, unless it has had its share.
async fn count_code(tx: &mut PgConnection, v: &Visitor) -> Result<(), AppError> {
    let counted: Option<i32> = sqlx::query_scalar(
        "UPDATE conversations SET codes_sent = codes_sent + 1 WHERE id = $1 AND codes_sent < $2 RETURNING codes_sent",
    )
    .bind(v.id)
    .bind(CHAT_CODES)
    .fetch_optional(&mut *tx)
    .await?;
    match counted {
        Some(_) => Ok(()),
        None => Err(AppError::field(
            "code",
            format!("{CHAT_CODES} codes have been sent for this chat already. A member of our team can confirm who you are instead."),
        )),
    }
}

/// Queues the code as a text; false when a daily cap refused it.
async fn text_code(
    tx: &mut PgConnection,
    v: &Visitor,
    org: &OrgProfile,
    phone: &E164,
    text: &str,
) -> Result<bool, AppError> {
    if !org.may_text(phone) {
        return Err(AppError::field(
            "code",
            "We can only text numbers in our own country. Ask a member of our team to confirm who you are.",
        ));
    }
    // A number that said STOP (or was restricted) is not texted, not even a code a
    // stranger asks for by claiming it.
    if !crate::server::consent::may_text_unasked(&mut *tx, v.org_id, phone.as_str()).await? {
        return Err(AppError::field(
            "code",
            "We do not text this number: its owner asked us to stop. A member of our team can confirm who you are instead.",
        ));
    }
    let queued = system_text::queue(
        tx,
        &SystemText {
            org_id: v.org_id,
            phone: phone.as_str(),
            conversation: None,
            purpose: Purpose::ChatCode,
            body: text,
            answers: None,
        },
    )
    .await?;
    Ok(queued != Queued::Capped)
}

/// Queues the code as an e-mail (staff see it masked); false when a daily cap refused it.
async fn mail_code(
    tx: &mut PgConnection,
    v: &Visitor,
    email: &Email,
    text: &str,
) -> Result<bool, AppError> {
    let queued = mail::queue(
        tx,
        &mail::Mail {
            allowance: mail::Allowance::Requested,
            org_id: v.org_id,
            to: email.as_str(),
            subject: "Your chat confirmation code",
            body: &crate::rules::send_policy::mask_codes(text),
            secret_body: Some(text),
        },
    )
    .await?;
    Ok(queued)
}

/// Checks the code; a right one moves the chat to the person's lead. A wrong one counts as
/// a try even though the request fails.
#[tracing::instrument(skip_all, fields(org = %slug))]
pub async fn confirm_code(
    pool: &PgPool,
    slug: &str,
    token: &str,
    code: &str,
) -> Result<(), AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::field("code", "The code has six digits."));
    }
    let mut tx = pool.begin().await?;
    let v = visitor(&mut tx, slug, token, true).await?;
    if v.verified_at.is_some() {
        return Ok(());
    }
    let (stored, attempts): (Option<Vec<u8>>, i32) =
        sqlx::query_as("SELECT code_hash, code_attempts FROM conversations WHERE id = $1")
            .bind(v.id)
            .fetch_one(&mut *tx)
            .await?;
    let (Some(stored), Some(expires)) = (stored, v.code_expires_at) else {
        return Err(AppError::field("code", "Ask for a code first."));
    };
    if attempts >= CHAT_CODE_TRIES {
        return Err(AppError::field(
            "code",
            "Too many wrong codes. Ask for a new one.",
        ));
    }
    if expires < Utc::now() {
        return Err(AppError::field(
            "code",
            "This code has expired. Ask for a new one.",
        ));
    }
    if !crate::server::hooks::signature::same_secret(&stored, &code_digest(v.id, &code)) {
        sqlx::query("UPDATE conversations SET code_attempts = code_attempts + 1 WHERE id = $1")
            .bind(v.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(AppError::field("code", "That code is not right."));
    }
    let claim = v.claim().ok_or(AppError::NotFound)?;
    link(&mut tx, v.org_id, v.id, &claim, Proof::Code).await?;
    tx.commit().await?;
    Ok(())
}
