//! The consent language an organisation shows on its public form, per category. Events
//! store the exact text and its SHA-256, so the wording in force at any time is provable.

use super::hex;
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, ConsentWording, MessageCategory};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// The categories a person can agree to on the form (replies need no form).
pub const FORM_CATEGORIES: [MessageCategory; 2] =
    [MessageCategory::Informational, MessageCategory::Promotional];

/// The built-in wording, until the organisation writes its own. It states what is sent,
/// by whom, how to stop, and that consent is not a condition of purchase.
pub fn default_text(category: MessageCategory, org: &str) -> String {
    match category {
        MessageCategory::Promotional => format!(
            "I agree to receive marketing text messages (offers, deals and promotions) from {org} at the \
             number above, which may be sent by automated means. Consent is not a condition of any purchase. \
             Message frequency varies. Msg & data rates may apply. Reply STOP to opt out, HELP for help."
        ),
        _ => format!(
            "I agree to receive appointment confirmations and reminders, service updates and recall alerts \
             from {org} by text message at the number above. Consent is not a condition of any purchase. \
             Msg & data rates may apply. Reply STOP to opt out, HELP for help."
        ),
    }
}

pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// The organisation's wording for each form category, defaults filled in.
pub async fn load(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Vec<ConsentWording>, sqlx::Error> {
    let org: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    let custom: Vec<(MessageCategory, String)> =
        sqlx::query_as("SELECT category, text FROM consent_wordings WHERE org_id = $1")
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(FORM_CATEGORIES
        .iter()
        .map(|category| {
            let own = custom.iter().find(|(c, _)| c == category);
            let text = own.map_or_else(|| default_text(*category, &org), |(_, t)| t.clone());
            ConsentWording {
                category: *category,
                sha256: sha256_hex(&text),
                text,
                customised: own.is_some(),
            }
        })
        .collect())
}

/// Replaces the wording of one category; an empty text goes back to the default.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
pub async fn save(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    category: &str,
    text: &str,
) -> Result<(), AppError> {
    let category: MessageCategory = category
        .parse()
        .ok()
        .filter(|c| FORM_CATEGORIES.contains(c))
        .ok_or_else(|| AppError::field("category", "Choose informational or promotional."))?;
    let text = text.trim();
    if !text.is_empty() && !(20..=2000).contains(&text.chars().count()) {
        return Err(AppError::field(
            "text",
            "Write between 20 and 2,000 characters, or leave it empty for the built-in wording.",
        ));
    }
    if !text.is_empty() && !text.to_lowercase().contains("not a condition") {
        return Err(AppError::field(
            "text",
            "Say that agreeing is not a condition of any purchase (SPEC: consent is never a condition).",
        ));
    }
    let mut tx = pool.begin().await?;
    if text.is_empty() {
        sqlx::query("DELETE FROM consent_wordings WHERE org_id = $1 AND category = $2")
            .bind(caller.org_id)
            .bind(category)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO consent_wordings (org_id, category, text, updated_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (org_id, category) DO UPDATE SET text = $3, updated_by = $4, updated_at = now()",
        )
        .bind(caller.org_id)
        .bind(category)
        .bind(text)
        .bind(caller.user_id)
        .execute(&mut *tx)
        .await?;
    }
    let detail = json!({ "category": category.as_str(), "sha256": (!text.is_empty()).then(|| sha256_hex(text)) });
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::ConsentWordingChanged,
            (AuditObject::Organisation, caller.org_id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_wording_names_the_organisation_and_never_conditions_a_purchase() {
        for category in FORM_CATEGORIES {
            let text = default_text(category, "Maple Ridge Motors");
            assert!(text.contains("Maple Ridge Motors"));
            assert!(text.contains("not a condition of any purchase"));
            assert!(text.contains("STOP"));
        }
    }

    #[test]
    fn the_same_text_always_has_the_same_hash() {
        assert_eq!(sha256_hex("abc"), sha256_hex("abc"));
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
