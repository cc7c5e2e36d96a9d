//! Staff recording what a customer agreed to or refused outside the web form (SPEC §3.1,
//! §3.8), with the evidence they hold.

use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, ChannelFamily, ConsentLevel, ConsentMedium, FieldErrors,
    MessageCategory, RecordConsentInput, RecordOptOutInput, E164,
};
use crate::rules::account::person_name;
use crate::rules::consent_capture::{check_staff_grant, staff_medium, StaffGrant};
use crate::server::auth::Caller;
use crate::server::consent::{append, Appended, NewEvent};
use crate::server::db::{self, audit::Actor, audit::AuditEvent};
use serde_json::json;
use sqlx::{PgConnection, PgPool, QueryBuilder};
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
    let scope = caller.scope();
    if !scope.own_only {
        return Ok(true);
    }
    let mut qb = QueryBuilder::new("SELECT EXISTS (SELECT 1 FROM leads l");
    db::scope::scoped(&mut qb, scope);
    qb.push(" AND l.phone = ")
        .push_bind(phone.as_str())
        .push(")");
    qb.build_query_scalar().fetch_one(conn).await
}

/// A staff-recorded grant that passed every check.
struct Grant {
    phone: E164,
    family: ChannelFamily,
    level: ConsentLevel,
    medium: ConsentMedium,
    language: Option<String>,
    person: Option<String>,
    source_ref: Option<String>,
    campaign: Option<String>,
}

/// The form's fields, each checked, every problem beside its field.
fn valid_grant(input: &RecordConsentInput, region: &str) -> Result<Grant, FieldErrors> {
    let mut errors = FieldErrors::default();
    let phone = errors.check("phone", E164::parse(&input.phone, region));
    let family = errors.check("family", input.family.parse::<ChannelFamily>());
    let language = optional(&input.language, "language", MAX_TEXT, &mut errors);
    let checked = check_staff_grant(&StaffGrant {
        level: &input.level,
        medium: &input.medium,
        language: language.as_deref(),
    })
    .map_err(|problems| {
        for (field, problem) in problems {
            errors.add(field, problem);
        }
    })
    .ok();
    let person = errors.check("person_name", person_name(&input.person_name));
    let source_ref = optional(&input.source_ref, "source_ref", 200, &mut errors);
    let campaign = optional(&input.campaign, "campaign", 200, &mut errors);
    let (Some(phone), Some(family), Some((level, medium)), true) =
        (phone, family, checked, errors.is_empty())
    else {
        return Err(errors);
    };
    Ok(Grant {
        phone,
        family,
        level,
        medium,
        language,
        person,
        source_ref,
        campaign,
    })
}

/// A grant a customer gave outside the web form, with the wording they agreed to.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
pub async fn grant(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: &RecordConsentInput,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let g =
        valid_grant(input, &region(&mut tx, caller.org_id).await?).map_err(AppError::Validation)?;
    if !agent_may_reach(&mut tx, caller, &g.phone).await? {
        return Err(AppError::NotFound);
    }
    let event = NewEvent {
        org_id: caller.org_id,
        phone: g.phone.as_str().to_string(),
        family: g.family,
        grant: Some(g.level),
        categories: g.level.covers(),
        medium: g.medium,
        language: g.language,
        campaign: g.campaign,
        ip: None,
        user_agent: None,
        person_name: g.person,
        captured_by: Some(caller.user_id),
        source_ref: g.source_ref,
    };
    let appended = append(&mut tx, &event).await?;
    audit(
        &mut tx,
        Actor::User(caller.user_id),
        caller.org_id,
        ip,
        AuditAction::ConsentRecorded,
        appended,
        json!({
            "family": g.family, "level": g.level, "medium": g.medium,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(appended.seq)
}

/// An opt-out received by e-mail, phone or in person: revokes at once, for the families
/// and categories asked. Anyone on the staff may record one, for any number.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
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
        staff_medium(&input.medium).ok_or("Choose how the request arrived."),
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
            AuditAction::OptOutRecorded,
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
async fn audit(
    tx: &mut PgConnection,
    actor: Actor,
    org_id: Uuid,
    ip: Option<IpAddr>,
    action: AuditAction,
    appended: Appended,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    db::audit::record(
        tx,
        AuditEvent {
            org_id: Some(org_id),
            actor,
            action,
            object: Some((AuditObject::ConsentEvent, appended.seq.to_string())),
            ip,
            detail,
        },
    )
    .await
}
