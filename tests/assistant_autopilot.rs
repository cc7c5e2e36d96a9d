//! The autopilot's rules, each through the real webhook (issue 14): it answers after N
//! minutes with no human reply, says it is automated, never answers a restricted lead or
//! an opted-out number, never sends a promotion, and hands off on a request for a person,
//! a provider failure, and three turns without progress.
#![cfg(feature = "ssr")]

mod common;
mod stub;

use common::*;
use consentdesk::server::assistant::jobs::{run_once, Runtime};
use consentdesk::server::{config::TEST_DATA_KEY, crypto::DataKey};
use sqlx::PgPool;
use stub::{Reply, Stub};
use uuid::Uuid;

const FROM: &str = "+13125550123";

fn runtime(pool: &PgPool) -> Runtime {
    Runtime {
        pool: pool.clone(),
        key: DataKey::from_base64(TEST_DATA_KEY).ok(),
        http: reqwest::Client::new(),
    }
}

/// North's autopilot answers texts; open every hour of every day, waiting `minutes`.
async fn autopilot(pool: &PgPool, minutes: i32) {
    sqlx::query(
        "INSERT INTO ai_settings (org_id, autopilot_channels, autopilot_after_minutes, business_days, opens_at, closes_at)
         SELECT id, '{sms}', $1, '{1,2,3,4,5,6,7}', 0, 24 FROM organisations WHERE slug = 'north'",
    )
    .bind(minutes)
    .execute(pool)
    .await
    .unwrap();
}

/// North's assistant is an OpenAI-compatible server: the stub.
async fn remote(pool: &PgPool, stub: &Stub) {
    let key = DataKey::from_base64(TEST_DATA_KEY).unwrap();
    sqlx::query(
        "UPDATE ai_settings SET provider = 'openai', api_base_url = $1, api_key_enc = $2, api_key_last4 = 'abcd'
         WHERE org_id = (SELECT id FROM organisations WHERE slug = 'north')",
    )
    .bind(stub.base())
    .bind(key.seal("sk-test-abcd"))
    .execute(pool)
    .await
    .unwrap();
}

async fn conversation(pool: &PgPool) -> Uuid {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1",
    )
    .bind(FROM)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The assistant's messages in the conversation, oldest first: (body, status).
async fn ai_messages(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT m.body, m.status::text FROM messages m JOIN conversations c ON c.id = m.conversation_id
         JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND m.sender = 'ai' ORDER BY m.created_at, m.id",
    )
    .bind(FROM)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn handoff(pool: &PgPool) -> Option<String> {
    sqlx::query_scalar("SELECT ai_handoff::text FROM conversations WHERE id = $1")
        .bind(conversation(pool).await)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Every job due now, run as the worker would.
async fn work(pool: &PgPool) {
    let rt = runtime(pool);
    while run_once(&rt, 10).await.unwrap() > 0 {}
}

/// Time passes for the conversation: its messages and jobs are `minutes` older.
async fn later(pool: &PgPool, minutes: i32) {
    sqlx::query("UPDATE messages SET created_at = created_at - make_interval(mins => $1)")
        .bind(minutes)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE ai_jobs SET run_at = now() - interval '1 second'")
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn answers_after_the_wait_when_no_person_has_and_says_it_is_automated(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 5).await;
    text_north(
        &app,
        "SM1",
        FROM,
        "Hi, is the 2021 Honda Civic still available?",
    )
    .await;
    work(&pool).await;
    assert!(
        ai_messages(&pool).await.is_empty(),
        "a person has five minutes first"
    );

    later(&pool, 6).await;
    work(&pool).await;
    let sent = ai_messages(&pool).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0]
            .0
            .starts_with("This is Org north's automated assistant."),
        "{}",
        sent[0].0
    );
    assert_eq!(
        sent[0].1, "queued",
        "it waits for the outbox like a person's reply"
    );
    assert!(!consentdesk::rules::assistant::promotional(&sent[0].0));
    let audited = count(
        &pool,
        "SELECT count(*) FROM audit_events WHERE action = 'conversation.autopilot_replied'",
    )
    .await;
    assert_eq!(audited, 1);

    // The worker running again (a restart) answers nothing twice.
    sqlx::query("INSERT INTO ai_jobs (org_id, conversation_id, kind) SELECT org_id, id, 'autopilot' FROM conversations")
        .execute(&pool)
        .await
        .unwrap();
    work(&pool).await;
    assert_eq!(ai_messages(&pool).await.len(), 1);

    // Its next answer does not introduce itself again.
    text_north(
        &app,
        "SM2",
        FROM,
        "Great, can I test drive it Saturday morning?",
    )
    .await;
    later(&pool, 6).await;
    work(&pool).await;
    let sent = ai_messages(&pool).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(!sent[1].0.contains("automated assistant"), "{}", sent[1].0);
}

#[sqlx::test]
async fn a_person_answering_in_time_keeps_the_assistant_out(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 5).await;
    text_north(&app, "SM1", FROM, "Is the Civic still available?").await;
    work(&pool).await;
    let mut agent = app.signed_in("ana@north.example").await;
    let id = conversation(&pool).await;
    let sent = agent
        .run(consentdesk::api::conversations::SendReply {
            ai_assisted: Default::default(),
            id,
            body: "Yes it is! When would you like to see it?".into(),
            category: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(sent, None);
    later(&pool, 6).await;
    work(&pool).await;
    assert!(ai_messages(&pool).await.is_empty());
}

#[sqlx::test]
async fn never_answers_a_restricted_lead_nor_shows_it_to_a_provider(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 0).await;
    let stub = Stub::start(Reply::text("Hello there")).await;
    remote(&pool, &stub).await;
    text_north(&app, "SM1", FROM, "Hello").await;
    sqlx::query("DELETE FROM ai_jobs")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE leads SET restricted_at = now() WHERE phone = $1")
        .bind(FROM)
        .execute(&pool)
        .await
        .unwrap();
    text_north(&app, "SM2", FROM, "Are you open today?").await;
    work(&pool).await;
    assert!(ai_messages(&pool).await.is_empty());
    assert_eq!(
        stub.requests(),
        0,
        "a restricted person is never sent to a provider"
    );
    assert_eq!(handoff(&pool).await.as_deref(), Some("restricted"));
    let insight = count(
        &pool,
        "SELECT count(*) FROM leads WHERE ai_updated_at IS NOT NULL",
    )
    .await;
    assert_eq!(insight, 0, "nor read by the built-in assistant");
}

#[sqlx::test]
async fn never_answers_an_opted_out_number(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 0).await;
    text_north(&app, "SM1", FROM, "STOP").await;
    work(&pool).await;
    text_north(&app, "SM2", FROM, "hello? are you open today").await;
    work(&pool).await;
    let sent = ai_messages(&pool).await;
    assert!(
        sent.iter().all(|(_, status)| status == "blocked"),
        "{sent:?}"
    );
    let out = count(&pool, "SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.sender = 'ai'").await;
    assert_eq!(out, 0, "nothing of the assistant's reaches the outbox");
}

#[sqlx::test]
async fn never_sends_a_promotion_even_when_the_provider_writes_one(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 0).await;
    let stub = Stub::start(Reply::tool(
        "Great news: 20% off every Civic this weekend only!",
    ))
    .await;
    remote(&pool, &stub).await;
    text_north(&app, "SM1", FROM, "Any deals on a Civic this weekend?").await;
    work(&pool).await;
    let sent = ai_messages(&pool).await;
    assert!(
        sent.iter().all(|(body, _)| !body.contains("20% off")),
        "{sent:?}"
    );
    assert_eq!(handoff(&pool).await.as_deref(), Some("promotional"));
}

#[sqlx::test]
async fn hands_off_when_asked_for_a_person(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 0).await;
    text_north(&app, "SM1", FROM, "can I talk to a person please").await;
    work(&pool).await;
    assert_eq!(handoff(&pool).await.as_deref(), Some("asked_for_person"));
    let sent = ai_messages(&pool).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].0.contains("passing this to a member of our team"));
    assert!(sent[0]
        .0
        .starts_with("This is Org north's automated assistant."));
    let assigned: Option<Uuid> =
        sqlx::query_scalar("SELECT assigned_to FROM leads WHERE phone = $1")
            .bind(FROM)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(assigned.is_some(), "a person has it now");
    // It stops answering.
    text_north(&app, "SM2", FROM, "hello?").await;
    work(&pool).await;
    assert_eq!(ai_messages(&pool).await.len(), 1);

    // Until a person who may reply gives the conversation back.
    let resume = || consentdesk::api::assistant::ResumeAutopilot {
        conversation: Uuid::nil(),
    };
    let id = conversation(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let refused = compliance
        .run(consentdesk::api::assistant::ResumeAutopilot { conversation: id })
        .await;
    assert_eq!(refused, Err(consentdesk::error::AppError::Forbidden));
    let mut manager = app.signed_in("boss@north.example").await;
    assert_eq!(
        manager.run(resume()).await,
        Err(consentdesk::error::AppError::NotFound)
    );
    manager
        .run(consentdesk::api::assistant::ResumeAutopilot { conversation: id })
        .await
        .unwrap();
    assert_eq!(handoff(&pool).await, None);
}

#[sqlx::test]
async fn hands_off_on_a_provider_error_and_falls_back_after_three(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 0).await;
    let stub = Stub::start(Reply::status(500)).await;
    remote(&pool, &stub).await;
    text_north(&app, "SM1", FROM, "Is the Civic available?").await;
    work(&pool).await;
    assert_eq!(handoff(&pool).await.as_deref(), Some("provider_failure"));
    let failed = count(
        &pool,
        "SELECT count(*) FROM ai_events WHERE outcome <> 'ok' AND provider = 'openai'",
    )
    .await;
    assert!(failed >= 1);
    for (sid, from) in [("SM2", "+13125550124"), ("SM3", "+13125550125")] {
        text_north(&app, sid, from, "Is the Civic available?").await;
        work(&pool).await;
    }
    let fallback: Option<String> = sqlx::query_scalar("SELECT fallback_reason FROM ai_settings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        fallback.is_some_and(|r| r.contains("3 failures")),
        "managers see why"
    );
    let requests = stub.requests();
    text_north(&app, "SM4", "+13125550126", "Is the Civic available?").await;
    work(&pool).await;
    assert_eq!(
        stub.requests(),
        requests,
        "the built-in assistant answers now"
    );
}

#[sqlx::test]
async fn hands_off_after_three_turns_without_progress(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 0).await;
    let stub = Stub::start(Reply::tool(
        "Happy to help with that. What would you like to know?",
    ))
    .await;
    remote(&pool, &stub).await;
    for (i, text) in ["hi", "what do you have", "hmm ok", "and?"]
        .iter()
        .enumerate()
    {
        text_north(&app, &format!("SM{i}"), FROM, text).await;
        work(&pool).await;
    }
    assert_eq!(handoff(&pool).await.as_deref(), Some("no_progress"));
    let answers = ai_messages(&pool).await;
    assert_eq!(
        answers.len(),
        4,
        "three answers, then the handoff note: {answers:?}"
    );
}

#[sqlx::test]
async fn every_call_is_logged_without_a_message_body(pool: PgPool) {
    let app = two_stores(&pool).await;
    autopilot(&pool, 0).await;
    text_north(
        &app,
        "SM1",
        FROM,
        "Is the Civic available? My budget is $25,000",
    )
    .await;
    work(&pool).await;
    let events: Vec<(String, String, String)> =
        sqlx::query_as("SELECT provider::text, purpose, outcome FROM ai_events ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        events.iter().any(|(_, purpose, _)| purpose == "insight"),
        "{events:?}"
    );
    assert!(
        events.iter().any(|(_, purpose, _)| purpose == "autopilot"),
        "{events:?}"
    );
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'ai_events'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        !columns
            .iter()
            .any(|c| c.contains("body") || c.contains("text")),
        "{columns:?}"
    );
}
