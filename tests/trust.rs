//! Insiders and operators (issue 10, items 5, 7, 9, 11 and 12): one scope for a lead and its
//! conversations, the ledger keeps the keyword and not the words, the client address cannot
//! be chosen by the client, the carrier secret goes only to the carrier, and every response
//! carries the headers that keep pages and personal data where they belong.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::auth::{Logout, SignedInUser};
use consentdesk::api::consent::{GetNumberConsent, VerifyConsentLedger};
use consentdesk::api::conversations::{
    AssignConversation, GetThread, ListConversations, SendReply, SetConversationStatus,
};
use consentdesk::api::leads::{AssignLead, GetLead};
use consentdesk::api::settings::SaveMessagingSettings;
use consentdesk::api::users::CreateUser;
use consentdesk::error::AppError;
use consentdesk::model::{InboxQuery, SettingsInput};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const ANA: &str = "+14155550100";

async fn user_id(pool: &PgPool, email: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn sms_conversation(pool: &PgPool) -> Uuid {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'sms'",
    )
    .bind(ANA)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn thread(id: Uuid) -> GetThread {
    GetThread {
        id,
        before: String::new(),
    }
}

#[sqlx::test]
async fn a_lead_assigned_to_another_agent_hides_its_conversations_everywhere(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "Is the Civic still there?").await;
    let id = sms_conversation(&pool).await;
    let lead: Uuid = sqlx::query_scalar("SELECT id FROM leads WHERE phone = $1")
        .bind(ANA)
        .fetch_one(&pool)
        .await
        .unwrap();
    let bo = user_id(&pool, "bo@north.example").await;
    let mut manager = app.signed_in("boss@north.example").await;
    // The lead, not the conversation, is assigned: its conversations go with it.
    let to_bo = AssignLead {
        id: lead,
        assignee: bo.to_string(),
    };
    let assigned = manager.run(to_bo).await;
    assert_eq!(assigned, Ok(()));
    let mut ana = app.signed_in("ana@north.example").await;

    let query = InboxQuery::default();
    let inbox = ana.run(ListConversations { query }).await.unwrap();
    let opened = ana.run(thread(id)).await.map(|_| ());
    let reply = SendReply {
        ai_assisted: Default::default(),
        id,
        body: "Mine now".into(),
        category: "conversational".into(),
    };
    let reply = ana.run(reply).await.map(|_| ());
    let status = SetConversationStatus {
        id,
        status: "resolved".into(),
    };
    let status = ana.run(status).await;
    let lead_page = ana.run(GetLead { id: lead }).await.map(|_| ());
    let number = GetNumberConsent { phone: ANA.into() };
    let number = ana.run(number).await.map(|_| ());

    assert!(inbox.rows.is_empty(), "{inbox:?}");
    for (what, result) in [
        ("thread", opened),
        ("reply", reply),
        ("status", status),
        ("lead", lead_page),
        ("consent page", number),
    ] {
        assert_eq!(result, Err(AppError::NotFound), "{what}");
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE direction = 'outbound'"
        )
        .await,
        0
    );
    // Bo, whose lead it is, sees and answers it.
    let mut bo_client = app.signed_in("bo@north.example").await;
    assert!(bo_client.run(thread(id)).await.is_ok());
}

#[sqlx::test]
async fn assigning_a_conversation_assigns_its_lead_and_the_agents_events_follow(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "Hello").await;
    app.twilio(
        "north",
        "voice",
        "tok",
        &[
            ("CallSid", "CA1"),
            ("From", ANA),
            ("To", "+13125550199"),
            ("CallStatus", "completed"),
        ],
    )
    .await;
    let conversation = sms_conversation(&pool).await;
    let bo = user_id(&pool, "bo@north.example").await;
    let mut manager = app.signed_in("boss@north.example").await;
    let ana = app.signed_in("ana@north.example").await;
    let mut events = reqwest::Client::new()
        .get(format!("{}/events", app.base))
        .header("cookie", ana.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();

    let to_bo = AssignConversation {
        id: conversation,
        assignee: bo.to_string(),
    };
    manager.run(to_bo).await.unwrap();
    text_north(&app, "SM2", ANA, "Anyone there?").await;
    text_north(&app, "SM3", "+14155550111", "Someone new").await;

    let lead_assignee: Option<Uuid> =
        sqlx::query_scalar("SELECT assigned_to FROM leads WHERE phone = $1")
            .bind(ANA)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        lead_assignee,
        Some(bo),
        "the lead went with its conversation"
    );
    let voice: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'voice'",
    )
    .bind(ANA)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut agent = app.signed_in("ana@north.example").await;
    assert_eq!(
        agent.run(thread(voice)).await.map(|_| ()),
        Err(AppError::NotFound),
        "the lead's call went to Bo too"
    );
    let newcomer: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = '+14155550111'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let heard = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let mut text = String::new();
        while let Some(chunk) = events.chunk().await.unwrap() {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains(&newcomer.to_string()) {
                return text;
            }
        }
        text
    })
    .await
    .expect("the unassigned newcomer's event arrives");
    assert!(
        !heard.contains(&conversation.to_string()),
        "Ana hears nothing of the conversation once its lead is Bo's: {heard}"
    );
}

#[sqlx::test]
async fn a_live_stream_ends_soon_after_its_session_does(pool: PgPool) {
    let app = two_stores(&pool).await;
    let mut ana = app.signed_in("ana@north.example").await;
    let mut events = reqwest::Client::new()
        .get(format!("{}/events", app.base))
        .header("cookie", ana.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);

    ana.run(Logout {}).await.unwrap();

    // The test server checks every second; production every minute.
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match events.chunk().await {
                Ok(Some(_)) => continue,
                _ => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream closed");
}

#[sqlx::test]
async fn the_ledger_keeps_the_keyword_not_the_words_and_survives_their_erasure(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "STOP").await;
    text_north(
        &app,
        "SM2",
        "+14155550111",
        "please stop texting me, my name is Jo Park",
    )
    .await;

    let words: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT phone, language, source_ref FROM consent_events WHERE family = 'texts' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();

    assert_eq!(words.len(), 2);
    assert_eq!(words[0].1.as_deref(), Some("Opt-out by text: keyword STOP"));
    let plain = words[1].1.clone().unwrap();
    assert!(
        !plain.contains("Jo Park") && !plain.contains("texting"),
        "{plain}"
    );
    assert!(plain.starts_with("Opt-out by text"));
    assert!(words[1].2.as_deref().unwrap().starts_with("message:"));
    // Erasing the text leaves the proof: opt-out by text, at a time, pointing at it.
    sqlx::query("UPDATE messages SET body = '[erased]' WHERE direction = 'inbound'")
        .execute(&pool)
        .await
        .unwrap();
    let verified = app
        .signed_in("comp@north.example")
        .await
        .run(VerifyConsentLedger {})
        .await
        .unwrap();
    assert!(verified.first_broken.is_none(), "{verified:?}");
}

#[sqlx::test]
async fn behind_a_proxy_the_address_the_proxy_saw_is_kept_not_the_one_the_client_sent(
    pool: PgPool,
) {
    let app = spawn_app_with(pool.clone(), |c| c.trusted_proxies = 1).await;
    org(&pool, "north").await;
    user(
        &pool,
        "north",
        "boss@north.example",
        consentdesk::model::Role::Manager,
    )
    .await;

    let response = reqwest::Client::new()
        .post(format!("{}/api/login", app.base))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        // The client wrote "1.2.3.4"; our proxy appended what it saw.
        .header("x-forwarded-for", "1.2.3.4, 203.0.113.9")
        .form(&[("email", "boss@north.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let ip: Option<String> =
        sqlx::query_scalar("SELECT host(ip) FROM audit_events WHERE action = 'auth.sign_in'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(ip.as_deref(), Some("203.0.113.9"));
}

#[sqlx::test]
async fn the_carrier_secret_goes_only_to_a_carrier_host(pool: PgPool) {
    let app = spawn_app_with(pool.clone(), |c| c.allow_custom_carrier_urls = false).await;
    org(&pool, "north").await;
    user(
        &pool,
        "north",
        "boss@north.example",
        consentdesk::model::Role::Manager,
    )
    .await;
    let mut manager = app.signed_in("boss@north.example").await;
    let form = |url: &str| SaveMessagingSettings {
        input: SettingsInput {
            provider: "twilio".into(),
            account_sid: "AC123".into(),
            auth_token: "secret-token".into(),
            api_base_url: url.into(),
            phone_numbers: "+13125550199".into(),
            ..SettingsInput::default()
        },
    };

    let evil = manager.run(form("https://collector.example")).await;
    let plain_http = manager.run(form("http://api.twilio.com")).await;
    let twilio = manager.run(form("https://api.twilio.com")).await;

    for result in [evil, plain_http] {
        let Err(AppError::Validation(fields)) = result else {
            panic!("a field error: {result:?}")
        };
        assert!(fields.get("api_base_url").is_some());
    }
    assert_eq!(twilio, Ok(()));

    // A setting stored before the rule (or by hand) still never receives the secret.
    let (stub, hits) = carrier_stub().await;
    sqlx::query("UPDATE messaging_settings SET api_base_url = $1")
        .bind(&stub)
        .execute(&pool)
        .await
        .unwrap();
    text_north_with(&app, "secret-token").await;
    let key = consentdesk::server::crypto::DataKey::from_base64(
        consentdesk::server::config::TEST_DATA_KEY,
    )
    .unwrap();
    let http = reqwest::Client::new();
    let sender = consentdesk::server::messaging::outbox::Sender {
        http: &http,
        key: Some(&key),
        public_base_url: PUBLIC_BASE,
        allow_custom_urls: false,
        stale_after: consentdesk::server::messaging::outbox::STALE_AFTER,
    };
    sqlx::query("INSERT INTO messages (org_id, conversation_id, direction, body, sender, category, status)
                 SELECT org_id, id, 'outbound', 'Hi', 'agent', 'conversational', 'queued' FROM conversations")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO outbox (message_id, org_id) SELECT id, org_id FROM messages WHERE direction = 'outbound'")
        .execute(&pool)
        .await
        .unwrap();
    consentdesk::server::messaging::outbox::run_once(&pool, &sender, 5)
        .await
        .unwrap();

    assert_eq!(*hits.lock().unwrap(), 0, "the stub never saw the token");
    let error: Option<String> = sqlx::query_scalar("SELECT last_error FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(error.unwrap().contains("not a known carrier host"));
}

/// A signed text from a customer, with `token` as the carrier's auth token.
async fn text_north_with(app: &TestApp, token: &str) {
    let response = app
        .twilio(
            "north",
            "sms",
            token,
            &[
                ("MessageSid", "SM1"),
                ("From", ANA),
                ("To", "+13125550199"),
                ("Body", "Hello"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Counts requests; answers like Twilio.
async fn carrier_stub() -> (String, std::sync::Arc<std::sync::Mutex<usize>>) {
    let hits = std::sync::Arc::new(std::sync::Mutex::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            *counter.lock().unwrap() += 1;
            axum::Json(serde_json::json!({ "sid": "SMstub" }))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hits)
}

#[sqlx::test]
async fn every_response_carries_the_security_headers(pool: PgPool) {
    let app = spawn_app_with(pool.clone(), |c| {
        c.public_base_url = "https://crm.example".into()
    })
    .await;
    org(&pool, "north").await;
    user(
        &pool,
        "north",
        "boss@north.example",
        consentdesk::model::Role::Manager,
    )
    .await;
    let mut manager = app.signed_in("boss@north.example").await;

    let page = manager.get("/leads").await;
    let export = manager.get("/leads/export.csv").await;
    let login = app.client().get("/login").await;

    for (what, response) in [("page", &page), ("export", &export), ("login", &login)] {
        let h = response.headers();
        let policy = h["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{what}: {policy}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["referrer-policy"], "same-origin", "{what}");
        assert_eq!(h["cache-control"], "no-store", "{what}");
        assert!(h["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age="));
    }
    // A page allows exactly the scripts that carry its nonce.
    let policy = login.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the page's policy")
        .to_string();
    let html = login.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries it"
    );
    assert!(!policy.contains("unsafe-inline"));
}

#[sqlx::test]
async fn an_address_used_in_another_organisation_reveals_nothing_and_can_be_used_here(
    pool: PgPool,
) {
    let app = two_stores(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;

    let sam = || CreateUser {
        name: "Sam Again".into(),
        email: "comp@south.example".into(),
        role: "agent".into(),
        password: "a-long-first-password".into(),
    };
    let created = manager.run(sam()).await;
    let twice = manager.run(sam()).await;

    assert_eq!(created, Ok(()));
    let Err(AppError::Validation(fields)) = twice else {
        panic!("a field error: {twice:?}")
    };
    assert!(
        !fields.get("email").unwrap().contains("south"),
        "the message speaks of this organisation only"
    );
    // Each account signs in with its own password, to its own organisation.
    let mut south = app.client();
    south.login("comp@south.example", PASSWORD).await;
    let me = south
        .run(SignedInUser {})
        .await
        .unwrap()
        .expect("signed in");
    assert_eq!(me.org_name, "Org south");
}

#[sqlx::test]
async fn an_anonymised_account_answers_like_any_failed_sign_in(pool: PgPool) {
    let app = two_stores(&pool).await;
    sqlx::query(
        "UPDATE users SET name = 'Former user', email = 'former-' || id || '@deleted.invalid', password_hash = '!', active = false
         WHERE email = 'bo@north.example'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE name = 'Former user'")
        .fetch_one(&pool)
        .await
        .unwrap();

    let response = app.client().login(&email, "!").await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test]
async fn the_demo_data_is_seeded_only_in_development(pool: PgPool) {
    let mut production = consentdesk::server::config::Config::for_tests("");
    production.development = false;

    let refused = consentdesk::server::seed::seed_demo_for(&pool, &production).await;

    assert!(refused.unwrap_err().to_string().contains("development"));
    assert_eq!(count(&pool, "SELECT count(*) FROM organisations").await, 0);
}
