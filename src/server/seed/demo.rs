//! Demo data: one dealership, one user of each role, a handful of realistic leads, a few
//! texts and consent records. Development only (`seed-demo` refuses in production).

use crate::model::{Channel, LeadInput, LeadSource, LeadStatus, Role, Vertical, E164};
use crate::rules::lead_form;
use crate::server::crypto::DataKey;
use crate::server::db;
use crate::server::db::leads::PhoneTaken::Refuse;
use crate::server::messaging::inbound::{self, InboundMessage};
use crate::server::users::{AddedBy, NewUserInput};
use crate::server::{orgs, users};
use secrecy::SecretString;
use sqlx::PgPool;
use uuid::Uuid;

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

/// name, phone, email, source, status, assigned to the agent, tags, vehicle of interest, VIN
type DemoLead = (
    &'static str,
    &'static str,
    &'static str,
    LeadSource,
    LeadStatus,
    bool,
    &'static str,
    (&'static str, &'static str, &'static str),
    &'static str,
);

const DEMO_LEADS: [DemoLead; 8] = [
    (
        "Ana Diaz",
        "(312) 555-0142",
        "ana.diaz@example.com",
        LeadSource::WebForm,
        LeadStatus::New,
        false,
        "financing",
        ("2025", "Toyota", "RAV4 Hybrid"),
        "",
    ),
    (
        "Marcus Green",
        "(312) 555-0107",
        "",
        LeadSource::Sms,
        LeadStatus::Contacted,
        true,
        "trade-in",
        ("2024", "Honda", "Accord"),
        "1HGCM82633A004352",
    ),
    (
        "Keisha Brown",
        "(773) 555-0188",
        "keisha.b@example.net",
        LeadSource::Call,
        LeadStatus::Qualified,
        true,
        "suv, family",
        ("2025", "Kia", "Telluride"),
        "",
    ),
    (
        "Tom Kowalski",
        "(630) 555-0119",
        "tomk@example.org",
        LeadSource::Chat,
        LeadStatus::AppointmentSet,
        true,
        "test-drive",
        ("2025", "Ford", "F-150"),
        "",
    ),
    (
        "Li Wei",
        "(847) 555-0175",
        "li.wei@example.com",
        LeadSource::WebForm,
        LeadStatus::New,
        false,
        "ev",
        ("2025", "Tesla", "Model 3"),
        "5YJ3E1EA2KF317000",
    ),
    (
        "Rosa Martinez",
        "(708) 555-0133",
        "",
        LeadSource::Sms,
        LeadStatus::Won,
        true,
        "",
        ("2024", "Chevrolet", "Equinox"),
        "",
    ),
    (
        "David Okafor",
        "(312) 555-0164",
        "d.okafor@example.com",
        LeadSource::Import,
        LeadStatus::Lost,
        false,
        "price-shopper",
        ("2025", "Mazda", "CX-5"),
        "",
    ),
    (
        "Hannah Schmidt",
        "",
        "hannah.schmidt@example.de",
        LeadSource::Manual,
        LeadStatus::Contacted,
        false,
        "service",
        ("", "", ""),
        "",
    ),
];

/// `seed_demo`, refused outside development: its accounts share a published password and
/// its carrier token is known, so a production database never gets them.
pub async fn seed_demo_for(
    pool: &PgPool,
    config: &crate::server::config::Config,
) -> anyhow::Result<()> {
    if !config.development {
        anyhow::bail!("seed-demo creates accounts with a published password and a known carrier token; it runs only with APP_ENV=development or APP_ENV=test");
    }
    seed_demo(pool, config.data_key.as_ref()).await
}

/// Creates the demo organisation unless it exists; safe to run on every start.
pub async fn seed_demo(pool: &PgPool, data_key: Option<&DataKey>) -> anyhow::Result<()> {
    if db::orgs::id_by_slug(pool, DEMO_SLUG).await?.is_some() {
        tracing::info!("demo organisation already present");
        return Ok(());
    }
    let org = orgs::NewOrgInput {
        name: "Maple Ridge Motors",
        slug: DEMO_SLUG,
        vertical: Vertical::Automotive,
        time_zone: "America/Chicago",
    };
    let org_id = orgs::create(pool, org)
        .await
        .map_err(|e| anyhow::anyhow!(e.console_message()))?;
    for (name, email, role) in DEMO_USERS {
        let input = NewUserInput {
            name: name.into(),
            email: email.into(),
            role: role.to_string(),
            password: SecretString::from(DEMO_PASSWORD),
        };
        users::create(pool, org_id, AddedBy::Console, input)
            .await
            .map_err(|e| anyhow::anyhow!(e.console_message()))?;
    }
    let agent: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(DEMO_USERS[2].1)
        .fetch_one(pool)
        .await?;
    for (name, phone, email, source, status, assigned, tags, (year, make, model), vin) in DEMO_LEADS
    {
        let input = LeadInput {
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            tags: tags.into(),
            interest_year: year.into(),
            interest_make: make.into(),
            interest_model: model.into(),
            interest_vin: vin.into(),
            ..Default::default()
        };
        let fields = lead_form::lead(&input, "US", chrono::Datelike::year(&chrono::Utc::now()))
            .map_err(|e| anyhow::anyhow!("demo lead {name}: {:?}", e.messages()))?;
        let assigned = assigned.then_some(agent);
        let mut conn = pool.acquire().await?;
        let id = db::leads::insert(&mut conn, org_id, source, assigned, &fields, Refuse).await?;
        sqlx::query("UPDATE leads SET status = $2 WHERE id = $1")
            .bind(id)
            .bind(status)
            .execute(pool)
            .await?;
    }
    seed_demo_inbox(pool, org_id, data_key).await?;
    seed_demo_appointments(pool, org_id, agent).await?;
    tracing::info!("demo organisation seeded");
    Ok(())
}

/// The demo carrier token, so that webhooks can be tried (and tested) against the demo.
pub const DEMO_AUTH_TOKEN: &str = "demo-auth-token";

/// Local-provider settings with a known auth token, and a few customer texts in the inbox.
async fn seed_demo_inbox(
    pool: &PgPool,
    org_id: Uuid,
    data_key: Option<&DataKey>,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO messaging_settings (org_id, provider, auth_token_enc, phone_numbers) VALUES ($1, 'local', $2, ARRAY['+13125550199'])")
        .bind(org_id)
        .bind(data_key.map(|key| key.seal(DEMO_AUTH_TOKEN)))
        .execute(pool)
        .await?;
    let texts = [
        (
            "SMdemo1",
            "(312) 555-0142",
            "Hi! Is the 2025 RAV4 Hybrid on your site still available?",
        ),
        (
            "SMdemo2",
            "(312) 555-0107",
            "Can I bring my Accord in Saturday for a trade-in quote?",
        ),
        (
            "SMdemo3",
            "(773) 555-0188",
            "What trims of the Telluride do you have in stock?",
        ),
    ];
    for (sid, phone, body) in texts {
        let from = E164::parse(phone, "US").map_err(anyhow::Error::msg)?;
        let message = InboundMessage {
            org_id,
            channel: Channel::Sms,
            provider_id: sid,
            from: &from,
            body,
            media_count: 0,
        };
        inbound::receive(pool, message)
            .await
            .map_err(|e| anyhow::anyhow!("demo text: {e}"))?;
    }
    seed_demo_consent(pool, org_id).await
}

/// Consent evidence to look at: a web-form opt-in to both kinds of message confirmed by
/// the number's YES, and a STOP.
async fn seed_demo_consent(pool: &PgPool, org_id: Uuid) -> anyhow::Result<()> {
    use crate::model::PublicConsentInput;
    use crate::server::consent::{record, wording};
    let mut conn = pool.acquire().await?;
    let shown = wording::load(&mut conn, org_id).await?;
    let sha = |category: &str| {
        shown
            .iter()
            .find(|w| w.category.as_str() == category)
            .map(|w| w.sha256.clone())
            .unwrap_or_default()
    };
    let form = PublicConsentInput {
        org: DEMO_SLUG.into(),
        name: "Maria Lopez".into(),
        phone: "(312) 555-0142".into(),
        email: "maria.lopez@example.com".into(),
        informational: Some("yes".into()),
        promotional: Some("yes".into()),
        informational_sha256: sha("informational"),
        promotional_sha256: sha("promotional"),
    };
    record::public_form(
        pool,
        Some("203.0.113.7".parse()?),
        Some("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1"),
        &form,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo consent: {e}"))?;
    // The form's opt-in counts once the number confirms it with YES.
    let maria = E164::parse("(312) 555-0142", "US").map_err(anyhow::Error::msg)?;
    let yes = InboundMessage {
        org_id,
        channel: Channel::Sms,
        provider_id: "SMdemo5",
        from: &maria,
        body: "YES",
        media_count: 0,
    };
    inbound::receive(pool, yes)
        .await
        .map_err(|e| anyhow::anyhow!("demo YES: {e}"))?;
    let from = E164::parse("(773) 555-0188", "US").map_err(anyhow::Error::msg)?;
    let stop = InboundMessage {
        org_id,
        channel: Channel::Sms,
        provider_id: "SMdemo4",
        from: &from,
        body: "STOP",
        media_count: 0,
    };
    inbound::receive(pool, stop)
        .await
        .map_err(|e| anyhow::anyhow!("demo STOP: {e}"))?;
    Ok(())
}

/// Two of the agent's leads booked into the next free slots from tomorrow, so the calendar
/// has something on it: a test drive and a sales visit.
async fn seed_demo_appointments(pool: &PgPool, org_id: Uuid, agent: Uuid) -> anyhow::Result<()> {
    use crate::server::appointments::{availability::Availability, book, types};
    let leads: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM leads WHERE org_id = $1 AND assigned_to = $2 ORDER BY created_at LIMIT 2",
    )
    .bind(org_id)
    .bind(agent)
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    let kinds = types::list(&mut tx, org_id, true).await?;
    let from = chrono::Utc::now() + chrono::Duration::days(1);
    for (lead, kind) in leads.into_iter().zip(["Test drive", "Sales visit"]) {
        let Some(kind) = kinds.iter().find(|k| k.name == kind) else {
            continue;
        };
        let zone = crate::server::appointments::hours::org_zone(&mut tx, org_id).await?;
        let day = from.with_timezone(&zone).date_naive();
        let minutes = kind.duration_minutes;
        let free = Availability::next_free(&mut tx, org_id, agent, minutes, (day, from), 1).await?;
        let Some(&starts_at) = free.first() else {
            continue;
        };
        let booking = book::Booking {
            lead,
            type_id: kind.id,
            assignee: agent,
            starts_at,
            conversation: None,
            notes: "Demo booking".into(),
            source: crate::model::AppointmentSource::Staff,
        };
        book::insert(&mut tx, org_id, Some(agent), &booking)
            .await
            .map_err(|e| anyhow::anyhow!("demo appointment: {e}"))?;
    }
    tx.commit().await?;
    Ok(())
}
