//! WhatsApp's 24-hour customer-service window (issue 16, SPEC §3.12), through the real
//! webhook and reply box: free text goes while the customer's last message is younger than
//! 24 hours, is refused (with the reason) once it is older, and a reply queued inside the
//! window that is still waiting when it closes is blocked by the outbox.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use sqlx::PgPool;
use uuid::Uuid;

async fn north_on_whatsapp(pool: &PgPool) -> (TestApp, Client, Uuid) {
    let app = two_stores(pool).await;
    whatsapp_secret(pool, "north").await;
    whatsapp_north(&app, "wamid.1", "Hola, is the Civic available?").await;
    let conversation =
        sqlx::query_scalar("SELECT id FROM conversations WHERE channel = 'whatsapp'")
            .fetch_one(pool)
            .await
            .unwrap();
    let boss = app.signed_in("boss@north.example").await;
    (app, boss, conversation)
}

/// The customer's messages are `hours` older.
async fn age(pool: &PgPool, hours: i32) {
    sqlx::query(
        "UPDATE messages SET created_at = created_at - make_interval(hours => $1) WHERE direction = 'inbound'",
    )
    .bind(hours)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn free_text_goes_only_inside_the_customers_24_hours(pool: PgPool) {
    let (app, mut boss, conversation) = north_on_whatsapp(&pool).await;
    let inside = boss
        .run(send_reply(conversation, "Yes, it is!"))
        .await
        .unwrap();
    assert_eq!(inside, None, "inside the window a reply goes");

    age(&pool, 25).await;
    let blocked = boss
        .run(send_reply(conversation, "Still interested?"))
        .await
        .unwrap();
    let reason = blocked.expect("outside the window a reply is refused");
    assert!(reason.contains("24-hour"), "{reason}");
    let status: String =
        sqlx::query_scalar("SELECT status::text FROM messages WHERE body = 'Still interested?'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "blocked");

    // The customer writing again opens it again.
    whatsapp_north(&app, "wamid.2", "Yes please").await;
    let again = boss
        .run(send_reply(conversation, "Great, see you!"))
        .await
        .unwrap();
    assert_eq!(again, None);
}

#[sqlx::test]
async fn a_reply_still_waiting_when_the_window_closes_is_blocked_by_the_outbox(pool: PgPool) {
    let (_app, mut boss, conversation) = north_on_whatsapp(&pool).await;
    assert_eq!(
        boss.run(send_reply(conversation, "Here are the photos"))
            .await
            .unwrap(),
        None
    );
    age(&pool, 25).await;
    run_outbox(&pool, &reqwest::Client::new(), 10).await;
    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "SELECT status::text, status_reason FROM messages WHERE body = 'Here are the photos'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "blocked");
    assert!(reason.unwrap_or_default().contains("24-hour"));
}
