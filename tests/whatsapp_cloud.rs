//! WhatsApp through Meta's Cloud API directly (issue 16), against a local stub that speaks
//! its wire format: `POST /v21.0/{phone-number-id}/messages`, a bearer token, a JSON text
//! message, `messages[0].id` back, `{"error": {"message"}}` on a refusal. Texts still go
//! through the carrier; the settings form checks the new fields.
#![cfg(feature = "ssr")]

mod common;

use axum::{extract::Path, http::HeaderMap, http::StatusCode, routing::post, Json, Router};
use common::*;
use consentdesk::api::settings::SaveMessagingSettings;
use consentdesk::error::AppError;
use consentdesk::model::SettingsInput;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

type Seen = Arc<Mutex<Vec<(String, String, Value)>>>;

/// Meta's API as far as sending goes: phone number 1234567890 accepts, any other refuses.
async fn meta_stub() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = Router::new().route(
        "/v21.0/{id}/messages",
        post(move |Path(id): Path<String>, headers: HeaderMap, Json(body): Json<Value>| {
            let log = log.clone();
            async move {
                let auth = headers["authorization"].to_str().unwrap_or_default().to_string();
                log.lock().unwrap().push((id.clone(), auth, body));
                match id.as_str() {
                    "1234567890" => (
                        StatusCode::OK,
                        Json(json!({"messaging_product": "whatsapp", "messages": [{"id": "wamid.STUB1"}]})),
                    ),
                    _ => (
                        StatusCode::BAD_REQUEST,
                        Json(json!({"error": {"message": "(#100) Invalid parameter", "code": 100}})),
                    ),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v21.0", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

fn settings(phone_number_id: &str, base: &str) -> SettingsInput {
    SettingsInput {
        provider: "local".into(),
        phone_numbers: "+13125550199".into(),
        whatsapp_app_secret: "app-secret".into(),
        whatsapp_phone_number_id: phone_number_id.into(),
        whatsapp_access_token: "EAAG-test-token".into(),
        whatsapp_api_base_url: base.into(),
        ..SettingsInput::default()
    }
}

/// North sends WhatsApp through the stub as phone number `id`; the customer has written.
async fn north(pool: &PgPool, id: &str) -> (TestApp, Client, Uuid, Seen) {
    let app = two_stores(pool).await;
    let (base, seen) = meta_stub().await;
    let mut boss = app.signed_in("boss@north.example").await;
    let input = settings(id, &base);
    boss.run(SaveMessagingSettings { input }).await.unwrap();
    whatsapp_north(&app, "wamid.in1", "Hola, is the Civic still there?").await;
    let conversation =
        sqlx::query_scalar("SELECT id FROM conversations WHERE channel = 'whatsapp'")
            .fetch_one(pool)
            .await
            .unwrap();
    (app, boss, conversation, seen)
}

async fn message(pool: &PgPool, body: &str) -> (String, Option<String>, Option<String>) {
    sqlx::query_as(
        "SELECT status::text, provider_message_id, status_reason FROM messages WHERE body = $1",
    )
    .bind(body)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_whatsapp_reply_goes_through_the_cloud_api_with_the_bearer_token(pool: PgPool) {
    let (_app, mut boss, conversation, seen) = north(&pool, "1234567890").await;
    boss.run(send_reply(conversation, "Yes, it's here!"))
        .await
        .unwrap();
    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    let (status, provider_id, _) = message(&pool, "Yes, it's here!").await;
    assert_eq!(status, "sent");
    assert_eq!(provider_id.as_deref(), Some("wamid.STUB1"));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let (id, auth, body) = &seen[0];
    assert_eq!(id, "1234567890");
    assert_eq!(auth, "Bearer EAAG-test-token");
    assert_eq!(body["messaging_product"], "whatsapp");
    assert_eq!(body["to"], "14155550100", "Meta's numbers have no plus");
    assert_eq!(body["type"], "text");
    assert_eq!(body["text"]["body"], "Yes, it's here!");
}

#[sqlx::test]
async fn a_refusal_from_meta_is_recorded_with_its_reason_and_nothing_is_marked_sent(pool: PgPool) {
    let (_app, mut boss, conversation, seen) = north(&pool, "5555555555").await;
    boss.run(send_reply(conversation, "Here it is"))
        .await
        .unwrap();
    run_outbox(&pool, &reqwest::Client::new(), 10).await;
    let (status, provider_id, _) = message(&pool, "Here it is").await;
    assert_ne!(status, "sent");
    assert_eq!(provider_id, None);
    assert_eq!(seen.lock().unwrap().len(), 1, "it was tried once so far");
    let reason: Option<String> = sqlx::query_scalar("SELECT last_error FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    let reason = reason.unwrap_or_default();
    assert!(
        reason.contains("WhatsApp answered 400: (#100) Invalid parameter"),
        "{reason}"
    );
    assert_eq!(status, "queued", "it waits for its next try");
}

#[sqlx::test]
async fn the_settings_form_checks_the_cloud_api_fields(pool: PgPool) {
    let app = two_stores(&pool).await;
    let mut boss = app.signed_in("boss@north.example").await;
    let input = settings("12ab", "https://graph.facebook.com/v21.0");
    let refused = boss.run(SaveMessagingSettings { input }).await;
    assert!(
        matches!(&refused, Err(AppError::Validation(e)) if e.get("whatsapp_phone_number_id").is_some()),
        "{refused:?}"
    );
    let input = settings("1234567890", "https://graph.facebook.com/v21.0");
    boss.run(SaveMessagingSettings { input }).await.unwrap();
    let stored: (Option<String>, bool) = sqlx::query_as(
        "SELECT whatsapp_phone_number_id, whatsapp_access_token_enc IS NOT NULL FROM messaging_settings",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        (Some("1234567890".into()), true),
        "the token is stored sealed"
    );
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT whatsapp_access_token_enc FROM messaging_settings")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("EAAG-test-token"));
}
