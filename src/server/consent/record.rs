//! Consent recorded by people rather than keywords: the public consent form, and staff
//! recording what a customer agreed to or refused on paper, in person, on a call or by
//! e-mail (SPEC §3.1, §3.8). Every record is one ledger event per channel family, with its
//! evidence, and an audit event.

use super::{append, wording, Appended, NewEvent};
use crate::error::AppError;
use crate::model::{
    ChannelFamily, ConsentMedium, Email, FieldErrors, LeadSource, MessageCategory,
    PublicConsentInput, RecordConsentInput, RecordOptOutInput, Role, E164,
};
use crate::rules::account::person_name;
use crate::rules::consent::ConsentLevel;
use crate::server::auth::Caller;
use crate::server::db::{self, audit::Actor, audit::Event};
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

/// What a visitor agreed to on the public form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormOutcome {
    pub categories: Vec<MessageCategory>,
}

/// The public consent form (`/consent/{org}`). Each ticked box is one grant at the level
/// its category needs, recorded with the exact wording shown, the visitor's address and
/// browser. Ticking nothing records nothing: consent is never required.
pub async fn public_form(
    pool: &PgPool,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
    input: &PublicConsentInput,
) -> Result<FormOutcome, AppError> {
    let mut tx = pool.begin().await?;
    let org_id = db::orgs::id_by_slug(&mut *tx, input.org.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let wordings = wording::load(&mut tx, org_id).await?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", person_name(&input.name));
    let phone = errors.check(
        "phone",
        E164::parse(&input.phone, &region(&mut tx, org_id).await?),
    );
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
    sqlx::query(
        "INSERT INTO leads (org_id, name, email, phone, source) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_id, phone) DO NOTHING",
    )
    .bind(org_id)
    .bind(&name)
    .bind(email.as_ref().map(|e| e.as_str().to_string()))
    .bind(phone.as_str())
    .bind(LeadSource::WebForm)
    .execute(&mut *tx)
    .await?;
    let user_agent = user_agent.map(|ua| ua.chars().take(500).collect::<String>());
    for wording in &chosen {
        let level = ConsentLevel::required(wording.category);
        let event = NewEvent {
            org_id,
            phone: phone.as_str().to_string(),
            family: ChannelFamily::Texts,
            grant: Some(level),
            categories: level.covers(),
            medium: ConsentMedium::WebForm,
            language: Some(wording.text.clone()),
            campaign: Some(format!("{} messages", wording.category.as_str())),
            ip,
            user_agent: user_agent.clone(),
            person_name: Some(name.clone()),
            captured_by: None,
            source_ref: Some(format!("consent-form:{}", input.org.trim())),
        };
        let appended = append(&mut tx, &event).await?;
        audit(
            &mut tx,
            Actor::Anonymous,
            org_id,
            ip,
            "consent.web_form",
            appended,
            json!({
                "category": wording.category, "wording_sha256": wording.sha256,
            }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(FormOutcome {
        categories: chosen.iter().map(|w| w.category).collect(),
    })
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
