//! A phone or e-mail typed into the web chat is a claim, not an identity (issue 10, item 1;
//! SPEC §3.11): every attack here goes through the public chat's own endpoints.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::chat::{ChatConfirmCode, ChatLines, ChatSend, ChatSendCode, LinkChat};
use consentdesk::api::conversations::SendReply;
use consentdesk::error::AppError;
use consentdesk::model::ChatView;
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

async fn lines(visitor: &mut Client) -> ChatView {
    let lines = ChatLines {
        org: "north".into(),
    };
    visitor.run(lines).await.unwrap().expect("a chat")
}

/// What a visitor types into north's chat.
fn says(body: &str) -> ChatSend {
    ChatSend {
        org: "north".into(),
        body: body.into(),
    }
}

fn send_code() -> ChatSendCode {
    ChatSendCode {
        org: "north".into(),
    }
}

fn confirm(code: &str) -> ChatConfirmCode {
    ChatConfirmCode {
        org: "north".into(),
        code: code.into(),
    }
}

fn reply(id: Uuid, body: &str) -> SendReply {
    SendReply {
        ai_assisted: Default::default(),
        id,
        body: body.into(),
        category: "conversational".into(),
    }
}

fn link(id: Uuid, contact: &str) -> LinkChat {
    LinkChat {
        id,
        contact: contact.into(),
    }
}

#[sqlx::test]
async fn typing_a_customers_number_gives_a_chat_of_ones_own_and_cuts_nobody_off(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let mut ana = chat_visitor(&app, "north", "Ana Diaz", "(415) 555-0100").await;
    ana.run(says("It's Ana")).await.unwrap();

    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;
    stranger.run(says("It's me, Ana")).await.unwrap();
    let mut agent = app.signed_in("ana@north.example").await;
    let chat = chat_of(&pool, "Ana Diaz").await;
    let answered = agent.run(reply(chat, "Hi Ana, yes it is.")).await;

    assert!(answered.is_ok(), "{answered:?}");
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
    let bodies =
        |view: &ChatView| -> Vec<String> { view.lines.iter().map(|l| l.body.clone()).collect() };
    assert_eq!(bodies(&ana_sees), ["It's Ana", "Hi Ana, yes it is."]);
    assert_eq!(bodies(&stranger_sees), ["It's me, Ana"]);
    assert!(!ana_sees.verified);
}

#[sqlx::test]
async fn stop_typed_in_an_unproven_chat_ends_that_chat_and_nothing_else(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    let before = events(&pool).await;
    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;

    stranger.run(says("STOP")).await.unwrap();
    let after_end = stranger.run(says("hello?")).await;

    assert_eq!(
        events(&pool).await,
        before,
        "no consent event for Ana's number"
    );
    assert!(
        matches!(after_end, Err(AppError::Conflict(_))),
        "the chat has ended: {after_end:?}"
    );
    let view = lines(&mut stranger).await;
    assert!(view.ended);
    // Ana can still be answered by text.
    let mut agent = app.signed_in("ana@north.example").await;
    let sms: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'sms'",
    )
    .bind(ANA)
    .fetch_one(&pool)
    .await
    .unwrap();
    let blocked = agent.run(reply(sms, "Yes, it is here.")).await.unwrap();
    assert_eq!(blocked, None, "Ana is not opted out");
    // And staff cannot write into the ended chat.
    let ended = chat_of(&pool, "Mallory").await;
    let into_ended = agent.run(reply(ended, "Still there?")).await.unwrap();
    assert!(into_ended.unwrap().contains("ended"));
}

#[sqlx::test]
async fn start_or_yes_typed_in_an_unproven_chat_resubscribes_nobody(pool: PgPool) {
    let app = store_with_ana(&pool).await;
    text_north(&app, "SM2", ANA, "STOP").await;
    let before = events(&pool).await;
    let mut stranger = chat_visitor(&app, "north", "Mallory", "(415) 555-0100").await;

    for word in ["START", "YES", "UNSTOP"] {
        stranger.run(says(word)).await.unwrap();
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

    let sent = ana.run(send_code()).await;
    assert_eq!(sent, Ok(()));
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
    let wrong = ana.run(confirm("000000")).await;
    let right = ana.run(confirm(&code_in(&text))).await;

    assert!(matches!(wrong, Err(AppError::Validation(_))), "{wrong:?}");
    assert_eq!(right, Ok(()));
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

    ana.run(says("Please stop texting me")).await.unwrap();
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

    let mut sends = Vec::new();
    for _ in 0..4 {
        sends.push(stranger.run(send_code()).await);
    }
    let mut guesses = Vec::new();
    for guess in 0..6 {
        let refused = stranger.run(confirm(&format!("{guess:06}"))).await;
        guesses.push(refused.unwrap_err().to_string());
    }

    assert_eq!(sends[..3], [Ok(()), Ok(()), Ok(())]);
    assert!(
        matches!(sends[3], Err(AppError::Validation(_))),
        "the fourth code is refused: {sends:?}"
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

    let refused = other_agent.run(link(chat, "(415) 555-0100")).await;
    let foreign = south.run(link(chat, "(415) 555-0100")).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let linked = manager.run(link(chat, "(415) 555-0100")).await;

    assert_eq!(refused, Err(AppError::NotFound), "another agent's chat");
    assert!(
        matches!(foreign, Err(AppError::NotFound | AppError::Forbidden)),
        "{foreign:?}"
    );
    assert_eq!(linked, Ok(()));
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
    visitor.run(send_code()).await.unwrap();
    let code = code_in(&mail_received(&pool, "ana@home.example", "code").await);
    let proven = visitor.run(confirm(&code)).await;
    assert_eq!(proven, Ok(()));

    for word in ["START", "YES", "UNSTOP"] {
        visitor.run(says(word)).await.unwrap();
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

    let refused = stranger.run(send_code()).await;

    assert!(
        matches!(refused, Err(AppError::Validation(_))),
        "{refused:?}"
    );
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

    let refused = other_agent.run(link(chat, "(415) 555-0100")).await;

    assert!(
        matches!(refused, Err(AppError::Validation(_))),
        "{refused:?}"
    );
    let lead_of_chat: Option<String> = sqlx::query_scalar(
        "SELECT l.phone FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1",
    )
    .bind(chat)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(lead_of_chat, None, "the chat stays on its own lead");
}
