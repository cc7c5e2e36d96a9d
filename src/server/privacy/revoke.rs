//! Consent revoked because of a request, through the ledger: everything for an erasure
//! (`erase`), promotional messages for a marketing opt-out.

use super::records::{lead_ids, phones_of};
use super::store::Stored;
use crate::error::AppError;
use crate::model::{ChannelFamily, ExecutionReport, MessageCategory};
use crate::rules::privacy_request::ReceivedVia;
use crate::server::auth::Caller;
use crate::server::consent::{append, NewEvent};
use sqlx::PgConnection;
use uuid::Uuid;

/// Revokes `categories` for the person's numbers on every channel family, through the
/// ledger. The ledger can never be erased, so no name or free text goes in: only a fixed
/// wording and the request it came from.
pub async fn revoke(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
    phones: &[String],
    categories: &[MessageCategory],
    wording: &str,
) -> Result<(), sqlx::Error> {
    let medium = ReceivedVia::consent_medium_of(&r.received_via);
    for phone in phones {
        for family in ChannelFamily::ALL {
            let event = NewEvent {
                org_id: r.org_id,
                phone: phone.clone(),
                family: *family,
                grant: None,
                categories: categories.to_vec(),
                medium,
                language: Some(wording.into()),
                campaign: None,
                ip: None,
                user_agent: None,
                person_name: None,
                captured_by: Some(caller.user_id),
                source_ref: Some(format!("privacy_request:{}", r.id)),
            };
            append(tx, &event).await?;
        }
    }
    Ok(())
}

/// Opt-out of marketing: a promotional revoke on every family, through the ledger.
pub async fn opt_out(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
) -> Result<ExecutionReport, AppError> {
    let (email, phone) = r.proven();
    let leads = lead_ids(tx, r.org_id, email, phone).await?;
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let phones = phones_of(tx, r.org_id, &ids, phone).await?;
    revoke(
        tx,
        caller,
        r,
        &phones,
        &[MessageCategory::Promotional],
        "Opt-out of marketing (privacy request).",
    )
    .await?;
    Ok(ExecutionReport {
        summary: format!(
            "Promotional messages revoked for {} number(s) on every channel; other messages are unchanged.",
            phones.len()
        ),
        ..Default::default()
    })
}
