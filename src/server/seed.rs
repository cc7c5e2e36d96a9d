//! Demo data (one dealership, one user of each role, a handful of realistic leads) and a
//! large synthetic data set for benchmarks.

use super::cli::{create_org, create_user};
use super::crypto::DataKey;
use super::messaging::inbound::{self, InboundMessage};
use super::{db, leads::validate};
use crate::model::{Channel, LeadInput, LeadSource, LeadStatus, Role, Vertical, E164};
use anyhow::Context;
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
pub async fn seed_demo_for(pool: &PgPool, config: &super::config::Config) -> anyhow::Result<()> {
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
    let org_id = db::orgs::id_by_slug(pool, DEMO_SLUG)
        .await?
        .context("demo organisation")?;
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
        let fields = validate::lead(&input, "US")
            .map_err(|e| anyhow::anyhow!("demo lead {name}: {:?}", e.messages()))?;
        let id =
            db::leads::insert(pool, org_id, source, assigned.then_some(agent), &fields).await?;
        sqlx::query("UPDATE leads SET status = $2 WHERE id = $1")
            .bind(id)
            .bind(status)
            .execute(pool)
            .await?;
    }
    seed_demo_inbox(pool, org_id, data_key).await?;
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

const FIRST: [&str; 24] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Carlos",
    "Sofia",
    "Wei",
    "Aisha",
    "Omar",
    "Priya",
    "Mateo",
    "Chloe",
    "Ivan",
    "Fatima",
    "Kenji",
    "Noah",
];
const LAST: [&str; 24] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
];
const MAKES: [(&str, &str); 8] = [
    ("Toyota", "Camry"),
    ("Honda", "CR-V"),
    ("Ford", "F-150"),
    ("Chevrolet", "Silverado"),
    ("Tesla", "Model Y"),
    ("Hyundai", "Tucson"),
    ("Kia", "Sportage"),
    ("Subaru", "Outback"),
];
const AREAS: [u32; 15] = [
    201, 212, 213, 305, 312, 415, 469, 512, 602, 617, 702, 713, 773, 818, 917,
];
const STATUSES: [&str; 6] = [
    "new",
    "contacted",
    "qualified",
    "appointment_set",
    "won",
    "lost",
];
const SOURCES: [&str; 6] = ["web_form", "sms", "call", "chat", "import", "manual"];

/// Adds `count` synthetic leads to an organisation with one COPY.
pub async fn seed_bulk(pool: &PgPool, org: &str, count: u32) -> anyhow::Result<()> {
    let org_id = db::orgs::id_by_slug(pool, org)
        .await?
        .with_context(|| format!("no organisation {org:?}"))?;
    let agents: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM users WHERE org_id = $1 AND role = 'agent' AND active")
            .bind(org_id)
            .fetch_all(pool)
            .await?;
    let start: i64 = sqlx::query_scalar("SELECT count(*) FROM leads")
        .fetch_one(pool)
        .await?;
    let started = std::time::Instant::now();
    let mut conn = pool.acquire().await?;
    let mut copy = conn
        .copy_in_raw(
            "COPY leads (org_id, name, email, phone, source, status, assigned_to, tags, interest_year,
                         interest_make, interest_model, created_at, updated_at) FROM STDIN WITH (FORMAT csv)",
        )
        .await?;
    let now = chrono::Utc::now();
    let mut chunk = String::with_capacity(1 << 20);
    for n in 0..u64::from(count) {
        let i = start as u64 + n;
        let (first, last) = (FIRST[(i % 24) as usize], LAST[(i / 24 % 24) as usize]);
        let (make, model) = MAKES[(i % 8) as usize];
        // A bijection of 0..3M (the factor is coprime with 3,000,000): unique, not sequential,
        // and never in the 555 exchange that demos and benchmarks use.
        let phone = format!(
            "+1{}{}",
            AREAS[(i % 15) as usize],
            2_000_000 + (i * 2_654_435_761) % 3_000_000
        );
        let assignee = match agents.get((i % 5) as usize) {
            Some(id) if i % 5 < 3 => id.to_string(),
            _ => String::new(),
        };
        let created = now - chrono::Duration::minutes((i * 7 % 1_000_000) as i64);
        chunk.push_str(&format!(
            "{org_id},{first} {last},{}.{}{i}@example.com,{phone},{},{},{assignee},\"{{{}}}\",{},{make},{model},{},{}\n",
            first.to_lowercase(),
            last.to_lowercase(),
            SOURCES[(i % 6) as usize],
            STATUSES[(i / 6 % 6) as usize],
            if i.is_multiple_of(3) { "trade-in" } else { "" },
            2018 + (i % 8),
            created.to_rfc3339(),
            created.to_rfc3339(),
        ));
        if chunk.len() > (1 << 20) - 512 {
            copy.send(chunk.as_bytes()).await?;
            chunk.clear();
        }
    }
    copy.send(chunk.as_bytes()).await?;
    let rows = copy.finish().await?;
    let seeded = started.elapsed();
    // What autovacuum would soon do anyway: statistics, the visibility map (index-only
    // counts) and the GIN indexes' pending lists, so measurements start from steady state.
    sqlx::raw_sql("VACUUM ANALYZE leads").execute(pool).await?;
    println!(
        "seeded {rows} leads into {org} in {:.1} s (then VACUUM ANALYZE in {:.1} s)",
        seeded.as_secs_f64(),
        (started.elapsed() - seeded).as_secs_f64()
    );
    Ok(())
}

/// Adds `count` messages, twenty per SMS conversation, creating the conversations on leads
/// that have a phone and none yet. Runs inside PostgreSQL (INSERT … SELECT).
pub async fn seed_messages(pool: &PgPool, org: &str, count: i64) -> anyhow::Result<()> {
    let org_id = db::orgs::id_by_slug(pool, org)
        .await?
        .with_context(|| format!("no organisation {org:?}"))?;
    let started = std::time::Instant::now();
    let conversations = sqlx::query(
        "INSERT INTO conversations (org_id, lead_id, channel, customer_initiated, last_activity_at)
         SELECT l.org_id, l.id, 'sms', true, now() - (random() * interval '30 days')
         FROM leads l
         WHERE l.org_id = $1 AND l.phone IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.channel = 'sms')
         LIMIT ($2 + 19) / 20",
    )
    .bind(org_id)
    .bind(count)
    .execute(pool)
    .await?
    .rows_affected();
    let messages = sqlx::query(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, category, status, created_at)
         SELECT $1, c.id,
                CASE WHEN g % 2 = 1 THEN 'inbound' ELSE 'outbound' END::message_direction,
                'Synthetic message ' || g || ' about the test drive',
                CASE WHEN g % 2 = 1 THEN 'customer' ELSE 'agent' END::message_sender,
                CASE WHEN g % 2 = 1 THEN NULL ELSE 'conversational' END::message_category,
                CASE WHEN g % 2 = 1 THEN 'received' ELSE 'sent' END::delivery_status,
                c.last_activity_at - make_interval(mins => 20 - g)
         FROM (SELECT id, last_activity_at FROM conversations WHERE org_id = $1 AND channel = 'sms' ORDER BY id) c
         CROSS JOIN generate_series(1, 20) g
         LIMIT $2",
    )
    .bind(org_id)
    .bind(count)
    .execute(pool)
    .await?
    .rows_affected();
    sqlx::raw_sql("VACUUM ANALYZE conversations, messages")
        .execute(pool)
        .await?;
    println!(
        "seeded {messages} messages in {conversations} new conversations into {org} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
