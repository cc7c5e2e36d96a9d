//! Receiving a privacy request (SPEC §4), from staff or on the public page: checked, its
//! due date fixed now by the organisation's policy, the requester told at once.

use super::notify;
use super::store::{policy, step, By};
use crate::error::AppError;
use crate::model::Purpose;
use crate::model::{
    AuditAction, Email, FieldErrors, PrivacyRequestInput, PrivacyRequestKind, E164,
};
use crate::rules::account::person_name;
use crate::rules::deadlines::due_date;
use crate::rules::limits::{PRIVACY_FORM_CONTACT, PRIVACY_FORM_IP};
use crate::rules::privacy_request::ReceivedVia;
use crate::server::{db, rate_limit};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

struct Valid {
    kind: PrivacyRequestKind,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    details: Option<String>,
    received_via: ReceivedVia,
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
    let email = errors.optional("email", &input.email, |e| {
        Email::parse(e).map(|e| e.as_str().to_string())
    });
    let phone = errors.optional("phone", &input.phone, |p| {
        E164::parse(p, region).map(|p| p.as_str().to_string())
    });
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
        Some(ReceivedVia::Web)
    } else {
        let via = ReceivedVia::parse_staff(input.received_via.trim());
        if via.is_none() {
            errors.add("received_via", "Choose how the request reached you.");
        }
        via
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

/// The public page sends texts and mail: a few requests per address and per contact,
/// counted with the request (a refused one counts for nothing).
async fn limit_public(
    tx: &mut PgConnection,
    org_id: Uuid,
    ip: Option<IpAddr>,
    v: &Valid,
) -> Result<(), AppError> {
    let from = crate::rules::limits::address_subject(ip);
    rate_limit::hit_in(tx, PRIVACY_FORM_IP, &from).await?;
    let contact = v
        .email
        .as_deref()
        .or(v.phone.as_deref())
        .unwrap_or_default();
    rate_limit::hit_in(tx, PRIVACY_FORM_CONTACT, &format!("{org_id} {contact}")).await?;
    Ok(())
}

async fn insert(
    tx: &mut PgConnection,
    org_id: Uuid,
    by: By,
    v: &Valid,
    received_at: DateTime<Utc>,
    due_on: NaiveDate,
) -> Result<Uuid, sqlx::Error> {
    let created_by = match by {
        By::Staff(caller) => Some(caller.user_id),
        By::Requester => None,
    };
    sqlx::query_scalar(
        "INSERT INTO privacy_requests (org_id, kind, requester_name, email, phone, details, received_via, received_at, due_on, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(org_id)
    .bind(v.kind)
    .bind(&v.name)
    .bind(&v.email)
    .bind(&v.phone)
    .bind(&v.details)
    .bind(v.received_via.as_str())
    .bind(received_at)
    .bind(due_on)
    .bind(created_by)
    .fetch_one(tx)
    .await
}

/// Tells the requester the request arrived and when it will be answered.
async fn acknowledge(
    tx: &mut PgConnection,
    org: &db::orgs::OrgProfile,
    org_id: Uuid,
    id: Uuid,
    v: &Valid,
    received_on: String,
    due_on: NaiveDate,
) -> Result<notify::Told, sqlx::Error> {
    let ack = format!(
        "{}: we received your {} request on {} and will answer by {}. Reference {}.",
        org.name,
        v.kind.as_str().replace('_', " "),
        received_on,
        due_on.format("%d %b %Y"),
        &id.simple().to_string()[..8],
    );
    notify::tell(
        tx,
        org_id,
        v.email.as_deref(),
        v.phone.as_deref(),
        "We received your privacy request",
        &ack,
        Purpose::PrivacyNotice,
    )
    .await
}

/// Receives a request: its deadline is fixed now, and the requester is told. Requests
/// filed on the public page also get their one-time code at once.
#[tracing::instrument(skip_all, fields(org_id = %org_id, public = matches!(by, By::Requester)))]
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
        limit_public(&mut tx, org_id, ip, &v).await?;
    }
    let received_at = Utc::now();
    let (policy, zone) = policy(&mut tx, org_id).await?;
    let due_on = due_date(received_at, zone, policy);
    let id = insert(&mut tx, org_id, by, &v, received_at, due_on).await?;
    let received_on = received_at
        .with_timezone(&zone)
        .format("%d %b %Y")
        .to_string();
    let told = acknowledge(&mut tx, &org, org_id, id, &v, received_on, due_on).await?;
    step(
        &mut tx,
        org_id,
        id,
        by,
        ip,
        AuditAction::PrivacyReceived,
        json!({
            "kind": v.kind, "via": v.received_via.as_str(), "due_on": due_on, "policy": policy.describe(),
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
