//! The consent ledger through the real webhook (SPEC §3): STOP, one confirmation, every
//! later send blocked; START; HELP; append-only; the hash chain; no crossing organisations.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::model::Role;
use consentdesk::model::{ChannelFamily as Family, ConsentMedium as Medium};
use consentdesk::rules::consent::ConsentLevel;
use consentdesk::server::consent::{self, NewEvent};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const PHONE: &str = "+14155550100";

async fn setup(pool: &PgPool) -> (TestApp, Client, Uuid) {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    configure_carrier(pool, "north", "tok", None).await;
    text(&app, "SM0", "Hi, is the F-150 still there?").await;
    let conversation = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(pool)
        .await
        .unwrap();
    let manager = app.signed_in("boss@north.example").await;
    (app, manager, conversation)
}

async fn text(app: &TestApp, sid: &str, body: &str) {
    let response = app
        .twilio(
            "north",
            "sms",
            "tok",
            &[
                ("MessageSid", sid),
                ("From", PHONE),
                ("To", "+13125550199"),
                ("Body", body),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn grant(pool: &PgPool, org_slug: &str, level: ConsentLevel) {
    let org_id: Uuid = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
        .bind(org_slug)
        .fetch_one(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let event = NewEvent {
        org_id,
        phone: PHONE.into(),
        family: Family::Texts,
        grant: Some(level),
        categories: level.covers(),
        medium: Medium::WebForm,
        language: Some(
            "Yes, Maple Ridge Motors may text me offers. Consent is not a condition of purchase."
                .into(),
        ),
        campaign: Some("spring-sale".into()),
        ip: Some("203.0.113.7".parse().unwrap()),
        user_agent: Some("Mozilla/5.0".into()),
        person_name: Some("Ana Diaz".into()),
        captured_by: None,
        source_ref: Some("form:test".into()),
    };
    consent::append(&mut conn, &event).await.unwrap();
}

async fn reply(manager: &mut Client, conversation: Uuid, category: &str) -> Option<String> {
    let response = manager
        .call(
            "send_reply",
            &[
                ("id", &conversation.to_string()),
                ("body", "Hello"),
                ("category", category),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn confirmations(pool: &PgPool) -> i64 {
    count(
        pool,
        "SELECT count(*) FROM messages WHERE purpose = 'opt_out_confirmation'",
    )
    .await
}

#[sqlx::test]
async fn stop_revokes_sends_one_confirmation_and_blocks_every_later_send(pool: PgPool) {
    let (app, mut manager, conversation) = setup(&pool).await;
    grant(&pool, "north", ConsentLevel::ExpressWritten).await;

    text(&app, "SM1", "Stop.").await;

    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke' AND medium = 'sms_keyword'"
        )
        .await,
        1
    );
    assert_eq!(confirmations(&pool).await, 1);
    for category in ["conversational", "informational", "promotional"] {
        let blocked = reply(&mut manager, conversation, category).await;
        assert!(blocked.unwrap().contains("opted out"), "{category}");
    }
    // The confirmation itself goes out; nothing else does.
    run_outbox(&pool, &reqwest::Client::new(), 10).await;
    let sent: Vec<String> = sqlx::query_scalar(
        "SELECT coalesce(purpose, category::text) FROM messages WHERE status = 'sent'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(sent, ["opt_out_confirmation"]);
}

#[sqlx::test]
async fn a_retried_or_repeated_stop_gets_no_second_confirmation(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;

    text(&app, "SM1", "STOP").await;
    text(&app, "SM1", "STOP").await; // the carrier retries the same webhook
    text(&app, "SM2", "stop!!").await; // the customer sends it again

    assert_eq!(confirmations(&pool).await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke'"
        )
        .await,
        2,
        "both requests are evidence"
    );
}

#[sqlx::test]
async fn plain_language_counts_and_other_senses_do_not(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;

    text(&app, "SM1", "I'll stop by the store Saturday").await;
    text(&app, "SM2", "When does the sale end?").await;
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);

    text(&app, "SM3", "please stop texting me").await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn start_restores_informational_but_not_promotional(pool: PgPool) {
    let (app, mut manager, conversation) = setup(&pool).await;
    grant(&pool, "north", ConsentLevel::ExpressWritten).await;
    text(&app, "SM1", "STOP").await;

    text(&app, "SM2", "START").await;

    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE purpose = 'opt_in_confirmation'"
        )
        .await,
        1
    );
    assert_eq!(
        reply(&mut manager, conversation, "informational").await,
        None
    );
    assert_eq!(
        reply(&mut manager, conversation, "conversational").await,
        None
    );
    assert!(reply(&mut manager, conversation, "promotional")
        .await
        .is_some());
}

#[sqlx::test]
async fn yes_opts_back_in_only_while_opted_out(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;

    text(&app, "SM1", "Yes").await;
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);

    text(&app, "SM2", "STOP").await;
    text(&app, "SM3", "YES").await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'grant' AND level = 'express'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn help_answers_with_the_organisation_and_how_to_stop_and_changes_no_consent(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;

    text(&app, "SM1", "HELP").await;

    let body: String = sqlx::query_scalar("SELECT body FROM messages WHERE purpose = 'help'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        body.contains("Org north") && body.contains("STOP") && body.contains("rates may apply"),
        "{body}"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);
}

#[sqlx::test]
async fn a_message_queued_before_stop_is_not_sent_after_it(pool: PgPool) {
    let (app, mut manager, conversation) = setup(&pool).await;
    assert_eq!(
        reply(&mut manager, conversation, "conversational").await,
        None,
        "queued while allowed"
    );

    text(&app, "SM1", "STOP").await;
    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "SELECT status::text, status_reason FROM messages WHERE direction = 'outbound' AND purpose IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "blocked");
    assert!(reason.unwrap().contains("opted out"));
}

#[sqlx::test]
async fn the_database_refuses_updates_and_deletes_of_the_ledger(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;
    text(&app, "SM1", "STOP").await;

    let update = sqlx::query("UPDATE consent_events SET kind = 'grant', level = 'express'")
        .execute(&pool)
        .await;
    let delete = sqlx::query("DELETE FROM consent_events")
        .execute(&pool)
        .await;
    let truncate = sqlx::query("TRUNCATE consent_events").execute(&pool).await;

    assert!(update.is_err() && delete.is_err() && truncate.is_err());
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 1);
}

#[sqlx::test]
async fn verification_names_the_first_event_edited_by_hand(pool: PgPool) {
    let (_app, _manager, _) = setup(&pool).await;
    for _ in 0..3 {
        grant(&pool, "north", ConsentLevel::Express).await;
    }
    let org_id: Uuid = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'north'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        consent::verify(&pool, org_id).await.unwrap().first_broken,
        None
    );

    sqlx::query("ALTER TABLE consent_events DISABLE TRIGGER consent_events_append_only")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE consent_events SET person_name = 'Someone Else' WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE consent_events ENABLE TRIGGER consent_events_append_only")
        .execute(&pool)
        .await
        .unwrap();

    let result = consent::verify(&pool, org_id).await.unwrap();
    assert_eq!(result.first_broken.map(|broken| broken.seq), Some(2));
}

#[sqlx::test]
async fn consent_given_to_one_organisation_does_not_transfer_to_another(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;
    org(&pool, "south").await;
    user(&pool, "south", "boss@south.example", Role::Manager).await;
    configure_carrier(&pool, "south", "tok-south", None).await;
    grant(&pool, "north", ConsentLevel::ExpressWritten).await;
    app.twilio(
        "south",
        "sms",
        "tok-south",
        &[("MessageSid", "SMs"), ("From", PHONE), ("Body", "Hi")],
    )
    .await;
    let south_conversation: Uuid = sqlx::query_scalar("SELECT c.id FROM conversations c JOIN organisations o ON o.id = c.org_id WHERE o.slug = 'south'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut south = app.signed_in("boss@south.example").await;

    let blocked = reply(&mut south, south_conversation, "promotional").await;

    assert!(blocked.unwrap().contains("written consent"));
}
