//! The public consent form (SPEC §3.1, §3.11): a claim held until the number itself
//! confirms with YES, then recorded with the form's evidence.

use crate::error::AppError;
use crate::model::Purpose;
use crate::model::{
    AuditAction, AuditObject, ChannelFamily, ConsentLevel, ConsentMedium, ConsentWording, Email,
    FieldErrors, MessageCategory, PublicConsentInput, E164,
};
use crate::rules::account::person_name;
use crate::rules::consent::opted_out;
use crate::rules::consent_capture::{
    form_boxes, form_choice, FormRefusal, NOTHING_TICKED, WORDING_CHANGED,
};
use crate::rules::limits::{CONSENT_FORM_IP, CONSENT_FORM_NUMBER};
use crate::server::consent::{append, events_for, wording, NewEvent};
use crate::server::db::{self, audit::Actor, audit::AuditEvent, orgs::OrgProfile};
use crate::server::messaging::system_text::{self, Queued, SystemText};
use crate::server::rate_limit;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// What the public form did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    /// A text asks the number to confirm with YES; nothing is granted until it does.
    Pending { categories: Vec<MessageCategory> },
    /// The number opted out (or its owner had it erased): no text goes to it, not even to
    /// confirm. Texting START from it is the way back in (SPEC §3.6).
    OptedOut,
}

/// Days a form's opt-in waits for the number's YES.
pub const CONFIRM_DAYS: i64 = 7;

/// The public consent form (`/consent/{org}`). A typed number is a claim (SPEC §3.11):
/// the ticked boxes, with the exact wording shown, the visitor's address and browser, wait
/// in `consent_confirmations` until the number itself answers YES to the one text that
/// asks it to (`confirm_pending`). Ticking nothing records nothing: consent is never
/// required. Limited per address and per number.
#[tracing::instrument(skip_all)]
pub async fn public_form(
    pool: &PgPool,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
    input: &PublicConsentInput,
) -> Result<FormOutcome, AppError> {
    let org_id = db::orgs::id_by_slug(pool, input.org.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = pool.begin().await?;
    let org = db::orgs::profile(&mut *tx, org_id).await?;
    let wordings = wording::load(&mut tx, org_id).await?;
    let form = valid_form(input, &org, &wordings)?;
    // Counted with the submission: only one that does something counts.
    rate_limit::hit_in(
        &mut tx,
        CONSENT_FORM_IP,
        &crate::rules::limits::address_subject(ip),
    )
    .await?;
    rate_limit::hit_in(
        &mut tx,
        CONSENT_FORM_NUMBER,
        &format!("{org_id} {}", form.phone.as_str()),
    )
    .await?;
    let events = events_for(&mut tx, org_id, form.phone.as_str(), ChannelFamily::Texts).await?;
    if opted_out(&events) {
        form_audit(
            &mut tx,
            org_id,
            ip,
            AuditAction::ConsentWebFormRefused,
            None,
            json!({ "reason": "opted_out" }),
        )
        .await?;
        tx.commit().await?;
        return Ok(FormOutcome::OptedOut);
    }
    let categories: Vec<MessageCategory> = form.chosen.iter().map(|w| w.category).collect();
    let pending = hold(&mut tx, org_id, &form, ip, user_agent).await?;
    ask_for_yes(
        &mut tx,
        org_id,
        &org.name,
        form.phone.as_str(),
        pending,
        &categories,
    )
    .await?;
    form_audit(
        &mut tx,
        org_id,
        ip,
        AuditAction::ConsentWebForm,
        Some((AuditObject::ConsentConfirmation, pending.to_string())),
        json!({ "categories": categories, "status": "awaiting YES" }),
    )
    .await?;
    tx.commit().await?;
    Ok(FormOutcome::Pending { categories })
}

/// A submitted form that passed every check.
struct Form {
    name: String,
    phone: E164,
    email: Option<Email>,
    /// The wordings agreed to, exactly as shown.
    chosen: Vec<ConsentWording>,
}

/// Every field checked, each problem beside its field; then, only when all is well, the
/// refusal of a form with no box ticked.
fn valid_form(
    input: &PublicConsentInput,
    org: &OrgProfile,
    wordings: &[ConsentWording],
) -> Result<Form, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", person_name(&input.name));
    let phone = errors.check("phone", E164::parse(&input.phone, &org.country));
    if phone.as_ref().is_some_and(|p| !org.may_text(p)) {
        errors.add(
            "phone",
            "We can only text numbers in our own country. Ask us in person or by phone instead.",
        );
    }
    let email = errors.optional("email", &input.email, Email::parse);
    let choice = form_choice(&form_boxes(input), wordings);
    if let Err(FormRefusal::WordingChanged(changed)) = &choice {
        for category in changed {
            errors.add(category.as_str(), WORDING_CHANGED);
        }
    }
    let (Some(name), Some(phone), true) = (name, phone, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let chosen = choice.map_err(|_| AppError::field("informational", NOTHING_TICKED))?;
    Ok(Form {
        name,
        phone,
        email,
        chosen,
    })
}

/// Keeps the claim, with the wording shown and the visitor's address and browser, until
/// the number answers YES or the offer expires.
async fn hold(
    conn: &mut PgConnection,
    org_id: Uuid,
    form: &Form,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<Uuid, sqlx::Error> {
    let shown = json!(form
        .chosen
        .iter()
        .map(|w| json!({ "category": w.category, "text": w.text, "sha256": w.sha256 }))
        .collect::<Vec<_>>());
    let user_agent = user_agent.map(|ua| ua.chars().take(500).collect::<String>());
    sqlx::query_scalar(
        "INSERT INTO consent_confirmations (org_id, phone, person_name, email, wordings, ip, user_agent, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6::inet, $7, now() + make_interval(days => $8)) RETURNING id",
    )
    .bind(org_id)
    .bind(form.phone.as_str())
    .bind(&form.name)
    .bind(form.email.as_ref().map(|e| e.as_str().to_string()))
    .bind(&shown)
    .bind(ip.map(|ip| ip.to_string()))
    .bind(user_agent)
    .bind(CONFIRM_DAYS as i32)
    .fetch_one(&mut *conn)
    .await
}

/// The one text that asks the number to confirm; refused when the number has had as many
/// system texts today as it may.
async fn ask_for_yes(
    conn: &mut PgConnection,
    org_id: Uuid,
    org_name: &str,
    phone: &str,
    pending: Uuid,
    categories: &[MessageCategory],
) -> Result<(), AppError> {
    let text = format!(
        "{org_name}: reply YES to confirm you want {} by text. Msg frequency varies. Msg & data rates may apply. Reply STOP to cancel.",
        kinds(categories)
    );
    let queued = system_text::queue(
        conn,
        &SystemText {
            org_id,
            phone,
            conversation: None,
            purpose: Purpose::OptInRequest,
            body: &text,
            answers: None,
        },
    )
    .await?;
    let Queued::Yes(message) = queued else {
        return Err(AppError::Conflict(
            "We have sent this number as many texts as we may today. Please try again tomorrow."
                .into(),
        ));
    };
    sqlx::query("UPDATE consent_confirmations SET request_message_id = $2 WHERE id = $1")
        .bind(pending)
        .bind(message)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn form_audit(
    conn: &mut PgConnection,
    org_id: Uuid,
    ip: Option<IpAddr>,
    action: AuditAction,
    object: Option<(AuditObject, String)>,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    db::audit::record(
        conn,
        AuditEvent {
            org_id: Some(org_id),
            actor: Actor::Anonymous,
            action,
            object,
            ip,
            detail,
        },
    )
    .await
}

/// What the kinds of message are called in texts and on the page.
pub fn kinds(categories: &[MessageCategory]) -> String {
    categories
        .iter()
        .map(|c| match c {
            MessageCategory::Promotional => "offers and promotions",
            _ => "appointment reminders and service updates",
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: Uuid,
    person_name: String,
    email: Option<String>,
    wordings: serde_json::Value,
    ip: Option<String>,
    user_agent: Option<String>,
}

#[derive(serde::Deserialize)]
struct Shown {
    category: MessageCategory,
    text: String,
}

/// A YES from a number with a web-form opt-in waiting: the grants it asked for are
/// recorded now, with the form's evidence and the confirming message, and the number gets
/// one confirmation. Returns whether there was one to confirm. In the transaction that
/// stores the YES.
#[tracing::instrument(skip_all, fields(%org_id))]
pub async fn confirm_pending(
    conn: &mut PgConnection,
    org_id: Uuid,
    phone: &str,
    message_id: Uuid,
) -> Result<Option<Vec<MessageCategory>>, sqlx::Error> {
    let pending: Option<Pending> = sqlx::query_as(
        "SELECT id, person_name, email, wordings, host(ip) AS ip, user_agent FROM consent_confirmations
         WHERE org_id = $1 AND phone = $2 AND confirmed_at IS NULL AND expires_at > now()
         ORDER BY requested_at DESC LIMIT 1 FOR UPDATE",
    )
    .bind(org_id)
    .bind(phone)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(p) = pending else {
        return Ok(None);
    };
    let Ok(shown) = serde_json::from_value::<Vec<Shown>>(p.wordings) else {
        tracing::error!(confirmation = %p.id, "a pending opt-in's wordings are unreadable; left unconfirmed");
        return Ok(None);
    };
    let mut categories = Vec::new();
    for wording in shown {
        let level = ConsentLevel::required(wording.category);
        let event = NewEvent {
            org_id,
            phone: phone.to_string(),
            family: ChannelFamily::Texts,
            grant: Some(level),
            categories: level.covers(),
            medium: ConsentMedium::WebForm,
            language: Some(wording.text),
            campaign: Some(format!("{} messages", wording.category.as_str())),
            ip: p.ip.as_deref().and_then(|ip| ip.parse().ok()),
            user_agent: p.user_agent.clone(),
            person_name: Some(p.person_name.clone()),
            captured_by: None,
            source_ref: Some(format!(
                "consent-form:{} confirmed by message:{message_id}",
                p.id
            )),
        };
        let appended = append(conn, &event).await?;
        db::audit::record(
            &mut *conn,
            AuditEvent {
                org_id: Some(org_id),
                actor: Actor::System,
                action: AuditAction::ConsentWebFormConfirmed,
                object: Some((AuditObject::ConsentEvent, appended.seq.to_string())),
                ip: None,
                detail: json!({ "category": wording.category, "confirmation": p.id }),
            },
        )
        .await?;
        categories.push(wording.category);
    }
    sqlx::query(
        "UPDATE consent_confirmations SET confirmed_at = now(), confirmed_by_message = $2 WHERE id = $1",
    )
    .bind(p.id)
    .bind(message_id)
    .execute(&mut *conn)
    .await?;
    // The number is proven now: a lead first seen by this YES takes the form's name.
    sqlx::query(
        "UPDATE leads SET name = $3, email = coalesce(email, $4), source = 'web_form'
         WHERE org_id = $1 AND phone = $2 AND name LIKE '+%'",
    )
    .bind(org_id)
    .bind(phone)
    .bind(&p.person_name)
    .bind(&p.email)
    .execute(&mut *conn)
    .await?;
    Ok(Some(categories))
}
