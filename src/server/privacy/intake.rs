//! Receiving a privacy request (SPEC §4), from staff or on the public page: checked, its
//! due date fixed now by the organisation's policy, the requester told at once.

use super::notify;
use super::requests::{policy, step, By};
use crate::error::AppError;
use crate::model::{Email, FieldErrors, PrivacyRequestInput, PrivacyRequestKind, E164};
use crate::rules::account::person_name;
use crate::rules::deadlines::due_date;
use crate::rules::limits::{PRIVACY_FORM_CONTACT, PRIVACY_FORM_IP};
use crate::rules::send_policy::Purpose;
use crate::server::{db, rate_limit};
use chrono::Utc;
use serde_json::json;
use sqlx::PgPool;
use std::net::IpAddr;
use uuid::Uuid;

struct Valid {
    kind: PrivacyRequestKind,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    details: Option<String>,
    received_via: &'static str,
}

fn validate(
    input: &PrivacyRequestInput,
    org: &db::orgs::OrgProfile,
    public: bool,
) -> Result<Valid, AppError> {
    let region = org.country.as_str();
    let mut errors = FieldErrors::default();
    let kind = errors.check("kind", input.kind.parse::<PrivacyRequestKind>());
    let name = errors.check("name", person_name(&input.name));
    let email = match input.email.trim() {
        "" => None,
        e => errors
            .check("email", Email::parse(e))
            .map(|e| e.as_str().to_string()),
    };
    let phone = match input.phone.trim() {
        "" => None,
        p => errors
            .check("phone", E164::parse(p, region))
            .map(|p| p.as_str().to_string()),
    };
    // A number typed on the public page is texted a code: only numbers we may text.
    if public
        && input.email.trim().is_empty()
        && phone
            .as_ref()
            .is_some_and(|p| !org.may_text(&E164::from_stored(p.clone())))
    {
        errors.add(
            "phone",
            "We can only text numbers in our own country. Give an e-mail address instead, or contact us by phone.",
        );
    }
    if input.email.trim().is_empty() && input.phone.trim().is_empty() {
        errors.add(
            "email",
            "Give an e-mail address or a phone number, so we can verify it is you and answer.",
        );
    }
    let details = Some(input.details.trim().to_string()).filter(|d| !d.is_empty());
    if details.as_deref().is_some_and(|d| d.chars().count() > 5000) {
        errors.add("details", "Keep it under 5,000 characters.");
    }
    let received_via = if public {
        Some("web")
    } else {
        match input.received_via.trim() {
            "email" => Some("email"),
            "phone" => Some("phone"),
            "in_person" => Some("in_person"),
            _ => {
                errors.add("received_via", "Choose how the request reached you.");
                None
            }
        }
    };
    match (kind, name, received_via, errors.is_empty()) {
        (Some(kind), Some(name), Some(received_via), true) => Ok(Valid {
            kind,
            name,
            email,
            phone,
            details,
            received_via,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Receives a request: its deadline is fixed now, and the requester is told. Requests
/// filed on the public page also get their one-time code at once.
pub async fn receive(
    pool: &PgPool,
    org_id: Uuid,
    by: By,
    ip: Option<IpAddr>,
    input: &PrivacyRequestInput,
) -> Result<Uuid, AppError> {
    let public = matches!(by, By::Requester);
    let mut tx = pool.begin().await?;
    let org = db::orgs::profile(&mut *tx, org_id).await?;
    let v = validate(input, &org, public)?;
    if public {
        // The public page sends texts and mail: a few requests per address and per contact,
        // counted with the request (a refused one counts for nothing).
        let from = crate::rules::limits::address_subject(ip);
        rate_limit::hit_in(&mut tx, PRIVACY_FORM_IP, &from).await?;
        let contact = v
            .email
            .as_deref()
            .or(v.phone.as_deref())
            .unwrap_or_default();
        rate_limit::hit_in(
            &mut tx,
            PRIVACY_FORM_CONTACT,
            &format!("{org_id} {contact}"),
        )
        .await?;
    }
    let received_at = Utc::now();
    let (policy, zone) = policy(&mut tx, org_id).await?;
    let due_on = due_date(received_at, zone, policy);
    let created_by = match by {
        By::Staff(caller) => Some(caller.user_id),
        By::Requester => None,
    };
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO privacy_requests (org_id, kind, requester_name, email, phone, details, received_via, received_at, due_on, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(org_id)
    .bind(v.kind)
    .bind(&v.name)
    .bind(&v.email)
    .bind(&v.phone)
    .bind(&v.details)
    .bind(v.received_via)
    .bind(received_at)
    .bind(due_on)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    let ack = format!(
        "{}: we received your {} request on {} and will answer by {}. Reference {}.",
        org.name,
        v.kind.as_str().replace('_', " "),
        received_at.with_timezone(&zone).format("%d %b %Y"),
        due_on.format("%d %b %Y"),
        &id.simple().to_string()[..8],
    );
    let told = notify::tell(
        &mut tx,
        org_id,
        v.email.as_deref(),
        v.phone.as_deref(),
        "We received your privacy request",
        &ack,
        Purpose::PrivacyNotice,
    )
    .await?;
    step(
        &mut tx,
        org_id,
        id,
        by,
        ip,
        "privacy.received",
        json!({
            "kind": v.kind, "via": v.received_via, "due_on": due_on, "policy": policy.describe(),
            "acknowledged": told.channel(),
        }),
    )
    .await?;
    if public {
        // The request stands even if no code can go now (a daily cap): the verify page
        // offers to send one again, and says why not.
        if let Err(error) = super::verify::send_code(&mut tx, org_id, id, by, ip).await {
            match error {
                AppError::Conflict(_) => tracing::info!("no code sent with a new request"),
                other => return Err(other),
            }
        }
    }
    tx.commit().await?;
    Ok(id)
}
