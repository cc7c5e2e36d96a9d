//! Consent recorded by people rather than keywords: the public consent form, and staff
//! recording what a customer agreed to or refused on paper, in person, on a call or by
//! e-mail (SPEC §3.1, §3.8). Every record is one ledger event per channel family, with its
//! evidence, and an audit event.

use super::{append, wording, Appended, NewEvent};
use crate::error::AppError;
use crate::model::{
    ChannelFamily, ConsentMedium, Email, FieldErrors, MessageCategory, PublicConsentInput,
    RecordConsentInput, RecordOptOutInput, Role, E164,
};
use crate::rules::account::person_name;
use crate::rules::consent::{standing, ConsentLevel, Standing};
use crate::rules::limits::{CONSENT_FORM_IP, CONSENT_FORM_NUMBER};
use crate::rules::send_policy::Purpose;
use crate::server::auth::Caller;
use crate::server::db::{self, audit::Actor, audit::Event};
use crate::server::messaging::system_text::{self, Queued, SystemText};
use crate::server::rate_limit;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

const MAX_TEXT: usize = 2000;

fn optional(value: &str, field: &str, limit: usize, errors: &mut FieldErrors) -> Option<String> {
    let value = value.trim();
    if value.chars().count() > limit {
        errors.add(field, format!("Use at most {limit} characters."));
    }
    Some(value.to_string()).filter(|v| !v.is_empty())
}

async fn region(conn: &mut PgConnection, org_id: Uuid) -> Result<String, sqlx::Error> {
    Ok(db::orgs::profile(conn, org_id).await?.country)
}

/// Agents reach a number only through a lead of theirs (or an unassigned one).
async fn agent_may_reach(
    conn: &mut PgConnection,
    caller: Caller,
    phone: &E164,
) -> Result<bool, sqlx::Error> {
    if caller.role != Role::Agent {
        return Ok(true);
    }
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM leads WHERE org_id = $1 AND phone = $2
             AND (assigned_to = $3 OR assigned_to IS NULL))",
    )
    .bind(caller.org_id)
    .bind(phone.as_str())
    .bind(caller.user_id)
    .fetch_one(conn)
    .await
}

/// A grant a customer gave outside the web form, with the wording they agreed to.
pub async fn grant(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: &RecordConsentInput,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let mut errors = FieldErrors::default();
    let phone = errors.check(
        "phone",
        E164::parse(&input.phone, &region(&mut tx, caller.org_id).await?),
    );
    let family = errors.check("family", input.family.parse::<ChannelFamily>());
    let level = match input.level.trim() {
        "express" => Some(ConsentLevel::Express),
        "express_written" => Some(ConsentLevel::ExpressWritten),
        _ => {
            errors.add("level", "Choose express or express written consent.");
            None
        }
    };
    let medium = errors.check(
        "medium",
        input
            .medium
            .parse::<ConsentMedium>()
            .ok()
            .filter(|m| ConsentMedium::STAFF.contains(m))
            .ok_or("Choose paper form, in person, on a call or e-mail."),
    );
    if level == Some(ConsentLevel::ExpressWritten)
        && matches!(
            medium,
            Some(ConsentMedium::VerbalCall | ConsentMedium::InPerson)
        )
    {
        errors.add(
            "level",
            "Written consent needs a signed form or an e-mail; a spoken agreement is express consent.",
        );
    }
    let language = optional(&input.language, "language", MAX_TEXT, &mut errors);
    if language.as_deref().is_none_or(|l| l.chars().count() < 10) {
        errors.add(
            "language",
            "Write the wording the customer agreed to, as it was shown or read to them.",
        );
    }
    let person = errors.check("person_name", person_name(&input.person_name));
    let source_ref = optional(&input.source_ref, "source_ref", 200, &mut errors);
    let campaign = optional(&input.campaign, "campaign", 200, &mut errors);
    let (Some(phone), Some(family), Some(level), Some(medium), true) =
        (phone, family, level, medium, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    if !agent_may_reach(&mut tx, caller, &phone).await? {
        return Err(AppError::NotFound);
    }
    let event = NewEvent {
        org_id: caller.org_id,
        phone: phone.as_str().to_string(),
        family,
        grant: Some(level),
        categories: level.covers(),
        medium,
        language,
        campaign,
        ip: None,
        user_agent: None,
        person_name: person,
        captured_by: Some(caller.user_id),
        source_ref,
    };
    let appended = append(&mut tx, &event).await?;
    audit(
        &mut tx,
        Actor::User(caller.user_id),
        caller.org_id,
        ip,
        "consent.recorded",
        appended,
        json!({
            "family": family, "level": level, "medium": medium,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(appended.seq)
}

/// An opt-out received by e-mail, phone or in person: revokes at once, for the families
/// and categories asked. Anyone on the staff may record one, for any number.
pub async fn opt_out(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: &RecordOptOutInput,
) -> Result<Vec<i64>, AppError> {
    let mut tx = pool.begin().await?;
    let mut errors = FieldErrors::default();
    let phone = errors.check(
        "phone",
        E164::parse(&input.phone, &region(&mut tx, caller.org_id).await?),
    );
    let families: Vec<ChannelFamily> = match input.family.trim() {
        "" | "all" => ChannelFamily::ALL.to_vec(),
        one => errors
            .check("family", one.parse::<ChannelFamily>())
            .into_iter()
            .collect(),
    };
    let categories = match input.scope.trim() {
        "" | "all" => MessageCategory::ALL.to_vec(),
        "promotional" => vec![MessageCategory::Promotional],
        _ => {
            errors.add(
                "scope",
                "Choose every message or promotional messages only.",
            );
            Vec::new()
        }
    };
    let medium = errors.check(
        "medium",
        input
            .medium
            .parse::<ConsentMedium>()
            .ok()
            .filter(|m| ConsentMedium::STAFF.contains(m))
            .ok_or("Choose how the request arrived."),
    );
    let language = optional(&input.language, "language", MAX_TEXT, &mut errors);
    let person = optional(&input.person_name, "person_name", 200, &mut errors);
    let source_ref = optional(&input.source_ref, "source_ref", 200, &mut errors);
    let (Some(phone), Some(medium), true) = (phone, medium, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let mut recorded = Vec::new();
    for family in families {
        let event = NewEvent {
            org_id: caller.org_id,
            phone: phone.as_str().to_string(),
            family,
            grant: None,
            categories: categories.clone(),
            medium,
            language: language.clone(),
            campaign: None,
            ip: None,
            user_agent: None,
            person_name: person.clone(),
            captured_by: Some(caller.user_id),
            source_ref: source_ref.clone(),
        };
        let appended = append(&mut tx, &event).await?;
        audit(
            &mut tx,
            Actor::User(caller.user_id),
            caller.org_id,
            ip,
            "consent.opt_out_recorded",
            appended,
            json!({
                "family": family, "categories": categories, "medium": medium,
            }),
        )
        .await?;
        recorded.push(appended.seq);
    }
    tx.commit().await?;
    Ok(recorded)
}

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
    let mut errors = FieldErrors::default();
    let name = errors.check("name", person_name(&input.name));
    let phone = errors.check("phone", E164::parse(&input.phone, &org.country));
    if phone.as_ref().is_some_and(|p| !org.may_text(p)) {
        errors.add(
            "phone",
            "We can only text numbers in our own country. Ask us in person or by phone instead.",
        );
    }
    let email = match input.email.trim() {
        "" => None,
        e => errors.check("email", Email::parse(e)),
    };
    let ticked = [
        (
            MessageCategory::Informational,
            input.informational.is_some(),
            &input.informational_sha256,
        ),
        (
            MessageCategory::Promotional,
            input.promotional.is_some(),
            &input.promotional_sha256,
        ),
    ];
    let mut chosen = Vec::new();
    for (category, _, shown_sha) in ticked.into_iter().filter(|(_, on, _)| *on) {
        let Some(current) = wordings.iter().find(|w| w.category == category) else {
            continue;
        };
        // The text recorded must be the text the person read.
        if current.sha256 != shown_sha.trim() {
            errors.add(
                category.as_str(),
                "This wording changed while the page was open. Please read it again and tick the box again.",
            );
        } else {
            chosen.push(current.clone());
        }
    }
    let (Some(name), Some(phone), true) = (name, phone, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    if chosen.is_empty() {
        return Err(AppError::field(
            "informational",
            "Nothing was recorded: no box was ticked. Agreeing to messages is optional.",
        ));
    }
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
        &format!("{org_id} {}", phone.as_str()),
    )
    .await?;
    let events = super::events_for(&mut tx, org_id, phone.as_str(), ChannelFamily::Texts).await?;
    if matches!(
        standing(&events, MessageCategory::Conversational),
        Standing::Revoked(_)
    ) {
        db::audit::record(
            &mut *tx,
            Event {
                org_id: Some(org_id),
                actor: Actor::Anonymous,
                action: "consent.web_form_refused",
                object: None,
                ip,
                detail: json!({ "reason": "opted_out" }),
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(FormOutcome::OptedOut);
    }
    let categories: Vec<MessageCategory> = chosen.iter().map(|w| w.category).collect();
    let shown = json!(chosen
        .iter()
        .map(|w| json!({ "category": w.category, "text": w.text, "sha256": w.sha256 }))
        .collect::<Vec<_>>());
    let user_agent = user_agent.map(|ua| ua.chars().take(500).collect::<String>());
    let pending: Uuid = sqlx::query_scalar(
        "INSERT INTO consent_confirmations (org_id, phone, person_name, email, wordings, ip, user_agent, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6::inet, $7, now() + make_interval(days => $8)) RETURNING id",
    )
    .bind(org_id)
    .bind(phone.as_str())
    .bind(&name)
    .bind(email.as_ref().map(|e| e.as_str().to_string()))
    .bind(&shown)
    .bind(ip.map(|ip| ip.to_string()))
    .bind(user_agent)
    .bind(CONFIRM_DAYS as i32)
    .fetch_one(&mut *tx)
    .await?;
    let text = format!(
        "{}: reply YES to confirm you want {} by text. Msg frequency varies. Msg & data rates may apply. Reply STOP to cancel.",
        org.name,
        kinds(&categories)
    );
    let queued = system_text::queue(
        &mut tx,
        &SystemText {
            org_id,
            phone: phone.as_str(),
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
        .execute(&mut *tx)
        .await?;
    db::audit::record(
        &mut *tx,
        Event {
            org_id: Some(org_id),
            actor: Actor::Anonymous,
            action: "consent.web_form",
            object: Some(("consent_confirmation", pending.to_string())),
            ip,
            detail: json!({ "categories": categories, "status": "awaiting YES" }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(FormOutcome::Pending { categories })
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
            Event {
                org_id: Some(org_id),
                actor: Actor::System,
                action: "consent.web_form_confirmed",
                object: Some(("consent_event", appended.seq.to_string())),
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

async fn audit(
    tx: &mut PgConnection,
    actor: Actor,
    org_id: Uuid,
    ip: Option<IpAddr>,
    action: &str,
    appended: Appended,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    db::audit::record(
        tx,
        Event {
            org_id: Some(org_id),
            actor,
            action,
            object: Some(("consent_event", appended.seq.to_string())),
            ip,
            detail,
        },
    )
    .await
}
