//! The autopilot books (issue 15): a customer who asks to come in is offered the next free
//! slots, through the same slot function as a person's booking form; the one they pick is
//! booked (source "assistant") through the same checks, and a slot taken meanwhile is not
//! double-booked.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::server::assistant::jobs::{run_once, Runtime};
use consentdesk::server::{config::TEST_DATA_KEY, crypto::DataKey};
use sqlx::PgPool;

const FROM: &str = "+13125550166";

async fn work(pool: &PgPool) {
    let rt = Runtime {
        pool: pool.clone(),
        key: DataKey::from_base64(TEST_DATA_KEY).ok(),
        http: reqwest::Client::new(),
    };
    while run_once(&rt, 10).await.unwrap() > 0 {}
}

/// North's autopilot answers texts at once, every hour of every day.
async fn autopilot(pool: &PgPool) {
    sqlx::query(
        "INSERT INTO ai_settings (org_id, autopilot_channels, autopilot_after_minutes, business_days, opens_at, closes_at)
         SELECT id, '{sms}', 0, '{1,2,3,4,5,6,7}', 0, 24 FROM organisations WHERE slug = 'north'",
    )
    .execute(pool)
    .await
    .unwrap();
}

async fn last_ai_message(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "SELECT m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id
         JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND m.sender = 'ai'
         ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
    )
    .bind(FROM)
    .fetch_one(pool)
    .await
    .unwrap()
}

type Booked = (
    chrono::DateTime<chrono::Utc>,
    String,
    String,
    Option<uuid::Uuid>,
);

async fn booked(pool: &PgPool) -> Vec<Booked> {
    sqlx::query_as(
        "SELECT a.starts_at, a.source::text, t.name, a.conversation_id FROM appointments a
         JOIN leads l ON l.id = a.lead_id JOIN appointment_types t ON t.id = a.type_id
         WHERE l.phone = $1 ORDER BY a.starts_at",
    )
    .bind(FROM)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn offered(pool: &PgPool) -> Vec<chrono::DateTime<chrono::Utc>> {
    let offer: serde_json::Value = sqlx::query_scalar(
        "SELECT c.ai_offered_slots FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1",
    )
    .bind(FROM)
    .fetch_one(pool)
    .await
    .unwrap();
    serde_json::from_value(offer["starts"].clone()).unwrap()
}

#[sqlx::test]
async fn a_customer_who_asks_to_come_in_is_offered_free_slots_and_books_one(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool).await;
    text_north(&app, "SM1", FROM, "Can I schedule a test drive this week?").await;
    work(&pool).await;

    let offer = last_ai_message(&pool).await;
    assert!(offer.contains("I can book a test drive"), "{offer}");
    assert!(offer.contains("Reply 1, 2 or 3"), "{offer}");
    let slots = offered(&pool).await;
    assert_eq!(slots.len(), 3);
    assert!(slots.iter().all(|s| *s > chrono::Utc::now()));
    assert!(
        booked(&pool).await.is_empty(),
        "nothing is booked before they pick"
    );

    text_north(&app, "SM2", FROM, "2").await;
    work(&pool).await;
    let confirmation = last_ai_message(&pool).await;
    assert!(
        confirmation.starts_with("You're booked for"),
        "{confirmation}"
    );
    let rows = booked(&pool).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, slots[1], "the second slot offered");
    assert_eq!(rows[0].1, "assistant");
    let audited = "SELECT count(*) FROM audit_events WHERE action = 'appointment.booked' AND actor_kind = 'system'";
    assert_eq!(
        count(&pool, audited).await,
        1,
        "the assistant's booking is audited as the system's"
    );
    assert_eq!(rows[0].2, "Test drive");
    assert!(rows[0].3.is_some(), "texts about it go to the conversation");
    let reminders = count(
        &pool,
        "SELECT count(*) FROM appointment_reminders r JOIN appointments a ON a.id = r.appointment_id WHERE a.source = 'assistant'",
    )
    .await;
    assert_eq!(
        reminders, 2,
        "the assistant's booking gets reminders like anyone's"
    );

    // C confirms it; the store answers once (not the autopilot a second time).
    let ai_before = count(&pool, "SELECT count(*) FROM messages WHERE sender = 'ai'").await;
    text_north(&app, "SM3", FROM, "C").await;
    work(&pool).await;
    let status: String = sqlx::query_scalar("SELECT status::text FROM appointments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "confirmed");
    let ai_after = count(&pool, "SELECT count(*) FROM messages WHERE sender = 'ai'").await;
    assert_eq!(ai_after, ai_before, "the autopilot does not answer a C");
    let acks = count(
        &pool,
        "SELECT count(*) FROM messages WHERE sender = 'system' AND body LIKE '%you''re confirmed%'",
    )
    .await;
    assert_eq!(acks, 1);

    // The same pick again (a customer who sends it twice) books nothing more.
    text_north(&app, "SM4", FROM, "2").await;
    work(&pool).await;
    assert_eq!(booked(&pool).await.len(), 1);
}

#[sqlx::test]
async fn a_slot_taken_meanwhile_is_not_double_booked_and_new_slots_are_offered(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool).await;
    text_north(&app, "SM1", FROM, "Can I schedule a test drive this week?").await;
    work(&pool).await;
    let slots = offered(&pool).await;

    // A person books the first offered slot with the same salesperson, for a walk-in.
    sqlx::query(
        "WITH o AS (SELECT id FROM organisations WHERE slug = 'north'),
              l AS (INSERT INTO leads (org_id, name, email, source) SELECT id, 'Walk-in', 'walk-in@example.com', 'manual' FROM o RETURNING id, org_id)
         INSERT INTO appointments (org_id, lead_id, type_id, assignee_id, starts_at, ends_at, time_zone, source)
         SELECT l.org_id, l.id, t.id, (c.ai_offered_slots->>'assignee')::uuid, $1, $1 + interval '45 minutes',
                'America/Chicago', 'staff'
         FROM l JOIN appointment_types t ON t.org_id = l.org_id AND t.name = 'Test drive'
         CROSS JOIN conversations c WHERE c.ai_offered_slots IS NOT NULL",
    )
    .bind(slots[0])
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(count(&pool, "SELECT count(*) FROM appointments").await, 1);

    text_north(&app, "SM2", FROM, "1").await;
    work(&pool).await;
    let answer = last_ai_message(&pool).await;
    assert!(
        answer.starts_with("Sorry, that time was just taken."),
        "{answer}"
    );
    assert!(
        booked(&pool).await.is_empty(),
        "the customer got no overlapping booking"
    );
    let again = offered(&pool).await;
    assert!(
        !again.contains(&slots[0]),
        "the taken slot is not offered again"
    );
}
