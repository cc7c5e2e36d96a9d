//! A large synthetic data set for benchmarks (`consentdesk seed-bulk`).

use crate::server::db;
use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

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
