//! A phone or e-mail typed into the web chat is a claim, not an identity (issue 10, item 1;
//! SPEC §3.11): every attack here goes through the public chat's own endpoints.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const ANA: &str = "+14155550100";

/// Ana is a customer: she texted, and she agreed to reminders (express consent by START).
async fn store_with_ana(pool: &PgPool) -> TestApp {
    let app = two_stores(pool).await;
    text_north(&app, "SM1", ANA, "Hi, is the Civic still there?").await;
    app
}

async fn events(pool: &PgPool) -> i64 {
    count(pool, "SELECT count(*) FROM consent_events").await
}

async fn chat_of(pool: &PgPool, name: &str) -> Uuid {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id
         WHERE c.channel = 'chat' AND l.name = $1",
    )
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn lines(visitor: &mut Client) -> Value {
    visitor
        .call("chat_lines", &[("org", "north")])
        .await
        .json()
        .await
        .unwrap()
}

#[sqlx::test]
async fn typing_a_customers_number_gives_a_chat_of_ones_own_and_cuts_nobody_off(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let mut ana = chat_visitor(&app, "north", "Ana Diaz", "(415) 555-0100").await;
    ana.call("chat_send", &[("org", "north"), ("body", "It's Ana")])
        .await;

    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;
    stranger
        .call("chat_send", &[("org", "north"), ("body", "It's me, Ana")])
        .await;
    let mut agent = app.signed_in("ana@north.example").await;
    let reply = agent
        .call(
            "send_reply",
            &[
                ("id", &chat_of(&pool, "Ana Diaz").await.to_string()),
                ("body", "Hi Ana, yes it is."),
                ("category", "conversational"),
            ],
        )
        .await;

    assert_eq!(reply.status(), StatusCode::OK);
    let chats: Vec<(Uuid, Uuid)> =
        sqlx::query_as("SELECT id, lead_id FROM conversations WHERE channel = 'chat'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(chats.len(), 2, "two chats");
    assert_ne!(chats[0].1, chats[1].1, "on two leads of their own");
    let ana_lead: Uuid = sqlx::query_scalar("SELECT id FROM leads WHERE phone = $1")
        .bind(ANA)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        chats.iter().all(|(_, lead)| *lead != ana_lead),
        "neither joins the customer's own lead until proven"
    );
    let ana_sees = lines(&mut ana).await;
    let stranger_sees = lines(&mut stranger).await;
    let bodies = |view: &Value| -> Vec<String> {
        view["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["body"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(bodies(&ana_sees), ["It's Ana", "Hi Ana, yes it is."]);
    assert_eq!(bodies(&stranger_sees), ["It's me, Ana"]);
    assert_eq!(ana_sees["verified"], false);
}

#[sqlx::test]
async fn stop_typed_in_an_unproven_chat_ends_that_chat_and_nothing_else(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let before = events(&pool).await;
    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;

    stranger
        .call("chat_send", &[("org", "north"), ("body", "STOP")])
        .await;
    let after_end = stranger
        .call("chat_send", &[("org", "north"), ("body", "hello?")])
        .await;

    assert_eq!(
        events(&pool).await,
        before,
        "no consent event for Ana's number"
    );
    assert_eq!(
        after_end.status(),
        StatusCode::CONFLICT,
        "the chat has ended"
    );
    let view = lines(&mut stranger).await;
    assert_eq!(view["ended"], true);
    // Ana can still be answered by text.
    let mut agent = app.signed_in("ana@north.example").await;
    let sms: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'sms'",
    )
    .bind(ANA)
    .fetch_one(&pool)
    .await
    .unwrap();
    let blocked: Option<String> = agent
        .call(
            "send_reply",
            &[
                ("id", &sms.to_string()),
                ("body", "Yes, it is here."),
                ("category", "conversational"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(blocked, None, "Ana is not opted out");
    // And staff cannot write into the ended chat.
    let into_ended: Option<String> = agent
        .call(
            "send_reply",
            &[
                ("id", &chat_of(&pool, "Mallory").await.to_string()),
                ("body", "Still there?"),
                ("category", "conversational"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(into_ended.unwrap().contains("ended"));
}

#[sqlx::test]
async fn start_or_yes_typed_in_an_unproven_chat_resubscribes_nobody(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    text_north(&app, "SM2", ANA, "STOP").await;
    let before = events(&pool).await;
    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;

    for word in ["START", "YES", "UNSTOP"] {
        stranger
            .call("chat_send", &[("org", "north"), ("body", word)])
            .await;
    }

    assert_eq!(events(&pool).await, before, "the ledger is untouched");
    let standing: Vec<String> = sqlx::query_scalar(
        "SELECT kind::text FROM consent_events WHERE phone = $1 AND family = 'texts' ORDER BY seq DESC LIMIT 1",
    )
    .bind(ANA)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(standing, ["revoke"], "Ana stays opted out");
}

#[sqlx::test]
async fn a_code_texted_to_the_number_proves_the_chat_and_then_its_keywords_count(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let mut ana = chat_visitor(&app, "north", "Ana Diaz", "(415) 555-0100").await;

    let sent = ana.call("chat_send_code", &[("org", "north")]).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let text = text_received(&pool, "chat_code").await;
    let (to, stored): (Option<String>, String) =
        sqlx::query_as("SELECT to_phone, body FROM messages WHERE purpose = 'chat_code'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(to.as_deref(), Some(ANA), "addressed to the claimed number");
    assert!(
        !stored.contains(&code_in(&text)),
        "staff never read the code"
    );
    let wrong = ana
        .call("chat_confirm_code", &[("org", "north"), ("code", "000000")])
        .await;
    let right = ana
        .call(
            "chat_confirm_code",
            &[("org", "north"), ("code", &code_in(&text))],
        )
        .await;

    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(right.status(), StatusCode::OK);
    let lead: Uuid = sqlx::query_scalar("SELECT lead_id FROM conversations WHERE channel = 'chat'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let ana_lead: Uuid = sqlx::query_scalar("SELECT id FROM leads WHERE phone = $1")
        .bind(ANA)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(lead, ana_lead, "the proven chat joins Ana's lead");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM leads WHERE source = 'chat' AND phone IS NULL"
        )
        .await,
        0,
        "the chat's own lead is gone"
    );

    ana.call(
        "chat_send",
        &[("org", "north"), ("body", "Please stop texting me")],
    )
    .await;
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_events WHERE phone = '+14155550100' AND kind = 'revoke' AND medium = 'chat_message'").await,
        3,
        "now her words count for her number, on every channel family"
    );
}

#[sqlx::test]
async fn a_chat_gets_three_codes_and_five_guesses(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;

    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            stranger
                .call("chat_send_code", &[("org", "north")])
                .await
                .status(),
        );
    }
    let mut guesses = Vec::new();
    for guess in 0..6 {
        guesses.push(
            error_of(
                stranger
                    .call(
                        "chat_confirm_code",
                        &[("org", "north"), ("code", &format!("{guess:06}"))],
                    )
                    .await,
            )
            .await
            .to_string(),
        );
    }

    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::UNPROCESSABLE_ENTITY
        ]
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE purpose = 'chat_code'"
        )
        .await,
        3
    );
    assert_eq!(
        sqlx::query_scalar::<_, i32>(
            "SELECT code_attempts FROM conversations WHERE channel = 'chat'"
        )
        .fetch_one(&pool)
        .await
        .unwrap(),
        5,
        "the sixth guess is refused before it is checked"
    );
    assert_eq!(
        sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>(
            "SELECT verified_at FROM conversations WHERE channel = 'chat'"
        )
        .fetch_one(&pool)
        .await
        .unwrap(),
        None
    );
}

#[sqlx::test]
async fn staff_link_a_chat_by_hand_but_only_one_they_can_see_and_it_is_audited(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let _visitor = chat_visitor(&app, "north", "Ana Diaz", "ana@home.example").await;
    let chat = chat_of(&pool, "Ana Diaz").await;
    let bo: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'bo@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE leads SET assigned_to = $1 WHERE source = 'chat'")
        .bind(bo)
        .execute(&pool)
        .await
        .unwrap();
    let mut other_agent = app.signed_in("ana@north.example").await;
    let mut south = app.signed_in("comp@south.example").await;

    let refused = other_agent
        .call(
            "link_chat",
            &[("id", &chat.to_string()), ("contact", "(415) 555-0100")],
        )
        .await;
    let foreign = south
        .call(
            "link_chat",
            &[("id", &chat.to_string()), ("contact", "(415) 555-0100")],
        )
        .await;
    let mut manager = app.signed_in("boss@north.example").await;
    let linked = manager
        .call(
            "link_chat",
            &[("id", &chat.to_string()), ("contact", "(415) 555-0100")],
        )
        .await;

    assert_eq!(
        refused.status(),
        StatusCode::NOT_FOUND,
        "another agent's chat"
    );
    assert!(matches!(
        foreign.status(),
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    assert_eq!(linked.status(), StatusCode::OK);
    let (lead_phone, how): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT l.phone, c.verified_how FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1",
    )
    .bind(chat)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (lead_phone.as_deref(), how.as_deref()),
        (Some(ANA), Some("staff"))
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM audit_events WHERE action = 'chat.linked' AND actor_kind = 'user'").await,
        1
    );
}

#[sqlx::test]
async fn a_chat_proven_by_e_mail_never_speaks_for_the_leads_phone(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    text_north(&app, "SM2", ANA, "STOP").await;
    sqlx::query("UPDATE leads SET email = 'ana@home.example' WHERE phone = $1")
        .bind(ANA)
        .execute(&pool)
        .await
        .unwrap();
    let before = events(&pool).await;
    // Someone who reads the family mailbox proves the e-mail, not the phone.
    let mut visitor = chat_visitor(&app, "north", "Ana?", "ana@home.example").await;
    visitor.call("chat_send_code", &[("org", "north")]).await;
    let code = code_in(&mail_received(&pool, "ana@home.example", "code").await);
    let proven = visitor
        .call("chat_confirm_code", &[("org", "north"), ("code", &code)])
        .await;
    assert_eq!(proven.status(), StatusCode::OK);

    for word in ["START", "YES", "UNSTOP"] {
        visitor
            .call("chat_send", &[("org", "north"), ("body", word)])
            .await;
    }

    assert_eq!(
        events(&pool).await,
        before,
        "the phone's ledger is untouched"
    );
}

#[sqlx::test]
async fn a_chat_code_is_never_texted_to_a_number_that_said_stop(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    text_north(&app, "SM2", ANA, "STOP").await;
    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;

    let refused = stranger.call("chat_send_code", &[("org", "north")]).await;

    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE purpose = 'chat_code'"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn an_agent_cannot_link_a_chat_into_another_agents_customer(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let bo: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'bo@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE leads SET assigned_to = $1 WHERE phone = $2")
        .bind(bo)
        .bind(ANA)
        .execute(&pool)
        .await
        .unwrap();
    let _visitor = chat_visitor(&app, "north", "Someone", "someone@example.com").await;
    let chat = chat_of(&pool, "Someone").await;
    let mut other_agent = app.signed_in("ana@north.example").await;

    let refused = other_agent
        .call(
            "link_chat",
            &[("id", &chat.to_string()), ("contact", "(415) 555-0100")],
        )
        .await;

    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let lead_of_chat: Option<String> = sqlx::query_scalar(
        "SELECT l.phone FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1",
    )
    .bind(chat)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(lead_of_chat, None, "the chat stays on its own lead");
}
