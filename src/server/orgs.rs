//! Organisations: the one way one is made (`consentdesk create-org` and the demo seed).

use super::db;
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, FieldErrors, OrgSlug, Vertical};
use crate::rules::account;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

pub struct NewOrgInput<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub vertical: Vertical,
    pub time_zone: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn create(pool: &PgPool, input: NewOrgInput<'_>) -> Result<Uuid, AppError> {
    let mut errors = FieldErrors::default();
    let slug = errors.check("slug", OrgSlug::parse(input.slug));
    let name = errors.check("name", account::person_name(input.name));
    if !db::orgs::is_time_zone(pool, input.time_zone).await? {
        errors.add(
            "time_zone",
            format!(
                "{:?} is not an IANA time zone name such as America/Chicago",
                input.time_zone
            ),
        );
    }
    let (Some(slug), Some(name), true) = (slug, name, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let org = db::orgs::NewOrg {
        name: &name,
        slug: &slug,
        vertical: input.vertical,
        time_zone: input.time_zone,
    };
    let mut tx = pool.begin().await?;
    let id = match db::orgs::insert(&mut *tx, &org).await {
        Err(e) if db::is_unique_violation(&e, "organisations_slug_key") => {
            return Err(AppError::field(
                "slug",
                format!("{} is taken", slug.as_str()),
            ));
        }
        other => other?,
    };
    let event = db::audit::AuditEvent::system(
        id,
        AuditAction::OrgCreated,
        (AuditObject::Organisation, id.to_string()),
        json!({ "slug": slug.as_str() }),
    );
    db::audit::record(&mut *tx, event).await?;
    sqlx::query("SELECT seed_appointment_defaults($1)")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}
