use crate::model::{OrgSlug, Vertical};
use sqlx::PgExecutor;
use uuid::Uuid;

pub struct NewOrg<'a> {
    pub name: &'a str,
    pub slug: &'a OrgSlug,
    pub vertical: Vertical,
    pub time_zone: &'a str,
}

pub async fn insert<'e>(
    executor: impl PgExecutor<'e>,
    org: &NewOrg<'_>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO organisations (name, slug, vertical, time_zone) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org.name)
    .bind(org.slug.as_str())
    .bind(org.vertical)
    .bind(org.time_zone)
    .fetch_one(executor)
    .await
}

pub async fn id_by_slug<'e>(
    executor: impl PgExecutor<'e>,
    slug: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
        .bind(slug)
        .fetch_optional(executor)
        .await
}

/// Whether PostgreSQL knows the IANA time zone name.
pub async fn is_time_zone<'e>(
    executor: impl PgExecutor<'e>,
    name: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)")
        .bind(name)
        .fetch_one(executor)
        .await
}

/// What lead handling needs to know about an organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgProfile {
    pub name: String,
    pub country: String,
    pub vertical: crate::model::Vertical,
    pub time_zone: String,
    /// Public pages may text numbers of other countries.
    pub allow_foreign_numbers: bool,
}

impl OrgProfile {
    /// Whether a number typed on a public page may be texted: the organisation's own
    /// country, unless it allows others.
    pub fn may_text(&self, phone: &crate::model::E164) -> bool {
        self.allow_foreign_numbers || phone.is_in(&self.country)
    }
}

pub async fn profile<'e>(
    executor: impl PgExecutor<'e>,
    id: Uuid,
) -> Result<OrgProfile, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, country, vertical, time_zone, allow_foreign_numbers FROM organisations WHERE id = $1",
    )
        .bind(id)
        .fetch_one(executor)
        .await
}
