//! Demo data: one dealership with one user of each role.

use super::cli::{create_org, create_user};
use super::db;
use crate::model::{Role, Vertical};
use secrecy::SecretString;
use sqlx::PgPool;

pub const DEMO_SLUG: &str = "maple-ridge-motors";
pub const DEMO_PASSWORD: &str = "consentdesk-demo";
pub const DEMO_USERS: [(&str, &str, Role); 3] = [
    (
        "Dana Whitfield",
        "manager@maple-ridge.example",
        Role::Manager,
    ),
    (
        "Priya Raman",
        "compliance@maple-ridge.example",
        Role::Compliance,
    ),
    ("Marcus Lee", "agent@maple-ridge.example", Role::Agent),
];

/// Creates the demo organisation unless it exists; safe to run on every start.
pub async fn seed_demo(pool: &PgPool) -> anyhow::Result<()> {
    if db::orgs::id_by_slug(pool, DEMO_SLUG).await?.is_some() {
        tracing::info!("demo organisation already present");
        return Ok(());
    }
    create_org(
        pool,
        "Maple Ridge Motors",
        DEMO_SLUG,
        Vertical::Automotive,
        "America/Chicago",
    )
    .await?;
    for (name, email, role) in DEMO_USERS {
        create_user(
            pool,
            DEMO_SLUG,
            email,
            name,
            role,
            SecretString::from(DEMO_PASSWORD),
        )
        .await?;
    }
    tracing::info!("demo organisation seeded");
    Ok(())
}
