//! The consent ledger through the real webhook (SPEC §3): STOP, one confirmation, every
//! later send blocked; START; HELP; append-only; the hash chain; no crossing organisations.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::chat::{ChatConfirmCode, ChatSend, ChatSendCode};
use consentdesk::api::conversations::{GetThread, ReviewConsent, SendReply};
use consentdesk::model::Role;
use consentdesk::model::{ChannelFamily as Family, ConsentMedium as Medium};
use consentdesk::rules::consent::ConsentLevel;
use consentdesk::server::consent::{self, NewEvent};
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
    text_north(app, sid, PHONE, body).await;
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

/// Sends "Hello" as `category`; what blocked it, if anything.
async fn reply(manager: &mut Client, conversation: Uuid, category: &str) -> Option<String> {
    let reply = SendReply {
        ai_assisted: Default::default(),
        id: conversation,
        body: "Hello".into(),
        category: category.into(),
    };
    manager.run(reply).await.unwrap()
}

/// A person decides whether the conversation's unclear text was an opt-out.
fn review(conversation: Uuid, opt_out: &str) -> ReviewConsent {
    ReviewConsent {
        id: conversation,
        opt_out: opt_out.into(),
    }
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
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke' AND medium = 'sms_keyword' AND family = 'texts'"
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
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke' AND family = 'texts'"
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
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke' AND family = 'texts'"
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
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_events").await,
        3,
        "the STOP on each family, untouched"
    );
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

#[sqlx::test]
async fn a_stop_revokes_every_channel_family_not_only_texts(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;

    text(&app, "SM1", "STOP").await;

    let families: Vec<String> = sqlx::query_scalar(
        "SELECT family::text FROM consent_events WHERE kind = 'revoke' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(families, ["texts", "calls", "whatsapp"]);
    assert_eq!(
        confirmations(&pool).await,
        1,
        "one confirmation, on the channel used"
    );
}

#[sqlx::test]
async fn an_answer_still_queued_when_stop_arrives_is_not_sent(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;
    text(&app, "SM1", "HELP").await; // its answer waits in the outbox

    text(&app, "SM2", "STOP").await;
    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    let outcome: Vec<(String, String)> = sqlx::query_as(
        "SELECT purpose, status::text FROM messages WHERE purpose IS NOT NULL ORDER BY created_at, purpose",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        outcome,
        [
            ("help".to_string(), "blocked".to_string()),
            ("opt_out_confirmation".to_string(), "sent".to_string())
        ]
    );
}

#[sqlx::test]
async fn a_repeated_start_is_confirmed_once(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;
    text(&app, "SM1", "STOP").await;

    text(&app, "SM2", "START").await;
    text(&app, "SM3", "START").await;

    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE purpose = 'opt_in_confirmation'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'grant' AND medium = 'sms_keyword'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn an_unclear_text_holds_promotions_until_a_person_decides(pool: PgPool) {
    let (app, mut manager, conversation) = setup(&pool).await;
    grant(&pool, "north", ConsentLevel::ExpressWritten).await;

    text(&app, "SM1", "stop what?").await;
    let held = reply(&mut manager, conversation, "promotional").await;
    let thread = manager
        .run(GetThread {
            id: conversation,
            before: String::new(),
        })
        .await
        .unwrap();
    let not_it = manager.run(review(conversation, "no")).await;
    let released = reply(&mut manager, conversation, "promotional").await;
    text(&app, "SM2", "I might cancel").await;
    let it_was = manager.run(review(conversation, "yes")).await;
    let after = reply(&mut manager, conversation, "conversational").await;

    assert!(held.unwrap().contains("review"));
    assert!(thread.consent_review);
    assert_eq!(not_it, Ok(()));
    assert_eq!(released, None, "a person said it was not an opt-out");
    assert_eq!(it_was, Ok(()));
    assert!(after.unwrap().contains("opted out"));
    assert_eq!(confirmations(&pool).await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke' AND captured_by IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'consent.reviewed'"
        )
        .await,
        2
    );
}

#[sqlx::test]
async fn a_request_to_stop_typed_in_a_proven_web_chat_opts_the_phone_out(pool: PgPool) {
    let (app, _manager, _) = setup(&pool).await;
    let mut visitor = chat_visitor(&app, "north", "Vera", "(415) 555-0177").await;

    // Only once the visitor proved the number (a code texted to it) do their words count
    // for it; an unproven chat's STOP only ends the chat (tests/chat_claims.rs).
    let org = || "north".to_string();
    visitor.run(ChatSendCode { org: org() }).await.unwrap();
    let code = code_in(&text_received(&pool, "chat_code").await);
    let confirmed = visitor.run(ChatConfirmCode { org: org(), code }).await;
    assert_eq!(confirmed, Ok(()));

    let stop = ChatSend {
        org: org(),
        body: "Please stop texting me".into(),
    };
    visitor.run(stop).await.unwrap();

    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_events WHERE phone = '+14155550177' AND kind = 'revoke' AND medium = 'chat_message'").await,
        3
    );
    let (status, outbox): (String, i64) = sqlx::query_as(
        "SELECT m.status::text, (SELECT count(*) FROM outbox o WHERE o.message_id = m.id)
         FROM messages m WHERE m.purpose = 'opt_out_confirmation'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), outbox),
        ("delivered", 0),
        "answered in the chat, not by text"
    );
}

#[sqlx::test]
async fn verification_catches_an_edited_wording_hash_and_events_removed_from_the_end(pool: PgPool) {
    let (_app, _manager, _) = setup(&pool).await;
    grant(&pool, "north", ConsentLevel::Express).await;
    grant(&pool, "north", ConsentLevel::ExpressWritten).await;
    let org_id: Uuid = sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_one(&pool)
        .await
        .unwrap();
    let tamper = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("ALTER TABLE consent_events DISABLE TRIGGER USER")
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut *tx).await.unwrap();
            sqlx::query("ALTER TABLE consent_events ENABLE TRIGGER USER")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };

    tamper("DELETE FROM consent_events WHERE seq = 2").await;
    let truncated = consent::verify(&pool, org_id).await.unwrap();
    tamper("UPDATE consent_events SET language_sha256 = sha256('other words') WHERE seq = 1").await;
    let rehashed = consent::verify(&pool, org_id).await.unwrap();

    let truncated = truncated.first_broken.expect("the removal is seen");
    assert!(
        truncated.why.contains("removed from its end"),
        "{}",
        truncated.why
    );
    assert_eq!(rehashed.first_broken.map(|b| b.seq), Some(1));
}
