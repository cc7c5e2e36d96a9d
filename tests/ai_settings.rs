//! The AI settings and activity, for managers only: the key never comes back, each
//! organisation sees its own, validation lands beside its field, saving clears a fallback;
//! and the public privacy page names a remote AI provider as a processor.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::assistant::{GetAiActivity, GetAiSettings, SaveAiSettings};
use consentdesk::api::privacy::PrivacyPageOrg;
use consentdesk::error::AppError;
use consentdesk::model::{AiProcessor, AiProvider, AiSettingsInput, Channel, Role};
use reqwest::StatusCode;
use sqlx::PgPool;

const KEY: &str = "sk-ant-api03-very-secret-abcd";

fn remote(provider: &str, key: &str) -> AiSettingsInput {
    AiSettingsInput {
        provider: provider.into(),
        api_key: key.into(),
        ..AiSettingsInput::default()
    }
}

fn save(input: AiSettingsInput) -> SaveAiSettings {
    SaveAiSettings { input }
}

async fn fall_back(pool: &PgPool, org: &str) {
    sqlx::query(
        "UPDATE ai_settings SET consecutive_failures = 3, fallback_at = now(),
             fallback_reason = '3 failures in a row, the last: the provider refused the key (401)'
         WHERE org_id = (SELECT id FROM organisations WHERE slug = $1)",
    )
    .bind(org)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn a_manager_saves_and_reads_the_settings_and_only_ever_sees_the_keys_last_four(
    pool: PgPool,
) {
    let mut cast = cast(&pool).await;
    let input = AiSettingsInput {
        model: "claude-sonnet-4-5".into(),
        autopilot_channels: vec!["sms".into(), "chat".into()],
        autopilot_after_minutes: "10".into(),
        business_days: vec!["3".into(), "1".into(), "2".into()],
        opens_at: "8".into(),
        closes_at: "18".into(),
        transfer_number: "(312) 555-0100".into(),
        calls_recorded: Some("yes".into()),
        ..remote("anthropic", KEY)
    };

    cast.manager.run(save(input)).await.unwrap();
    let read = cast.manager.run(GetAiSettings {}).await.unwrap();
    let raw = cast.manager.call("get_ai_settings", &[]).await;

    assert_eq!(read.provider, AiProvider::Anthropic);
    assert_eq!(read.model, "claude-sonnet-4-5");
    assert_eq!(read.key_last4.as_deref(), Some("abcd"));
    assert_eq!(read.autopilot_channels, [Channel::Sms, Channel::Chat]);
    assert_eq!(read.autopilot_after_minutes, 10);
    assert_eq!(read.business_days, [1, 2, 3]);
    assert_eq!((read.opens_at, read.closes_at), (8, 18));
    assert_eq!(read.transfer_number, "+13125550100");
    assert!(read.calls_recorded);
    let body = raw.text().await.unwrap();
    assert!(!body.contains("very-secret"), "the key came back: {body}");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT api_key_enc FROM ai_settings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("very-secret"));
}

#[sqlx::test]
async fn saving_with_the_key_left_blank_keeps_the_stored_key(pool: PgPool) {
    let mut cast = cast(&pool).await;
    cast.manager
        .run(save(remote("anthropic", KEY)))
        .await
        .unwrap();

    let again = AiSettingsInput {
        model: "another-model".into(),
        ..remote("anthropic", "")
    };
    cast.manager.run(save(again)).await.unwrap();
    let read = cast.manager.run(GetAiSettings {}).await.unwrap();

    assert_eq!(read.key_last4.as_deref(), Some("abcd"));
    assert_eq!(read.model, "another-model");
}

#[sqlx::test]
async fn the_forms_field_names_save_as_a_browser_without_javascript_sends_them(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let form = [
        ("input[provider]", "builtin"),
        ("input[model]", ""),
        ("input[api_base_url]", ""),
        ("input[api_key]", ""),
        ("input[autopilot_channels][]", "sms"),
        ("input[autopilot_channels][]", "whatsapp"),
        ("input[autopilot_after_minutes]", "5"),
        ("input[business_days][]", "6"),
        ("input[business_days][]", "7"),
        ("input[opens_at]", "10"),
        ("input[closes_at]", "16"),
        ("input[transfer_number]", ""),
    ];

    let response = cast.manager.call("save_ai_settings", &form).await;
    let read = cast.manager.run(GetAiSettings {}).await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(read.autopilot_channels, [Channel::Sms, Channel::Whatsapp]);
    assert_eq!(read.business_days, [6, 7]);
    assert_eq!((read.opens_at, read.closes_at), (10, 16));
    assert!(!read.calls_recorded, "an unticked box is not sent");
}

#[sqlx::test]
async fn agents_and_compliance_officers_are_refused_the_ai_settings_and_activity(pool: PgPool) {
    let mut cast = cast(&pool).await;

    for client in [&mut cast.agent, &mut cast.compliance] {
        let get = client.run(GetAiSettings {}).await.map(|_| ());
        let saved = client.run(save(remote("builtin", ""))).await;
        let activity = client.run(GetAiActivity {}).await.map(|_| ());

        for result in [get, saved, activity] {
            assert_eq!(result, Err(AppError::Forbidden));
        }
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM ai_settings").await, 0);
}

#[sqlx::test]
async fn another_organisations_ai_settings_are_never_visible(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let mut south = cast.app.signed_in("boss@south.example").await;
    cast.manager
        .run(save(remote("anthropic", KEY)))
        .await
        .unwrap();

    let south_view = south.run(GetAiSettings {}).await.unwrap();
    let south_save = AiSettingsInput {
        opens_at: "6".into(),
        ..remote("builtin", "")
    };
    south.run(save(south_save)).await.unwrap();
    let north_view = cast.manager.run(GetAiSettings {}).await.unwrap();

    assert_eq!(south_view.provider, AiProvider::Builtin);
    assert_eq!(south_view.key_last4, None);
    assert_eq!(north_view.provider, AiProvider::Anthropic);
    assert_eq!(north_view.key_last4.as_deref(), Some("abcd"));
    assert_eq!(north_view.opens_at, 9, "south's save changed only south");
}

/// North with a manager, on a server that sends keys only over https.
async fn https_only(pool: &PgPool) -> Client {
    let app = spawn_app_with(pool.clone(), |c| c.allow_custom_carrier_urls = false).await;
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    app.signed_in("boss@north.example").await
}

#[sqlx::test]
async fn each_validation_message_lands_on_its_field_and_nothing_is_saved(pool: PgPool) {
    let mut manager = https_only(&pool).await;
    let bad = AiSettingsInput {
        api_base_url: "http://llm.example.lan/v1".into(),
        opens_at: "18".into(),
        closes_at: "9".into(),
        transfer_number: "12".into(),
        ..remote("openai", "")
    };

    let result = manager.run(save(bad)).await;

    let Err(AppError::Validation(fields)) = result else {
        panic!("not a validation error: {result:?}")
    };
    assert!(fields.get("api_base_url").unwrap().contains("https://"));
    assert!(fields
        .get("closes_at")
        .unwrap()
        .contains("after opening time"));
    assert!(fields.get("transfer_number").is_some());
    assert!(fields.get("api_key").unwrap().contains("API key"));
    assert_eq!(fields.get("opens_at"), None, "18 is a valid opening hour");
    assert_eq!(count(&pool, "SELECT count(*) FROM ai_settings").await, 0);
}

#[sqlx::test]
async fn a_plain_http_server_is_allowed_when_the_server_allows_custom_urls(pool: PgPool) {
    // The test configuration allows custom URLs, as a self-hosted server on a LAN needs.
    let mut cast = cast(&pool).await;
    let input = AiSettingsInput {
        api_base_url: "http://llm.example.lan:8000/v1/".into(),
        ..remote("openai", "local-key-1234")
    };

    cast.manager.run(save(input)).await.unwrap();
    let read = cast.manager.run(GetAiSettings {}).await.unwrap();

    assert_eq!(read.api_base_url, "http://llm.example.lan:8000/v1");
}

#[sqlx::test]
async fn saving_the_settings_clears_a_fallback_and_the_page_warns_until_then(pool: PgPool) {
    let mut cast = cast(&pool).await;
    cast.manager
        .run(save(remote("anthropic", KEY)))
        .await
        .unwrap();
    fall_back(&pool, "north").await;

    let fallen = cast.manager.run(GetAiSettings {}).await.unwrap();
    let page = cast.manager.get("/settings/ai").await.text().await.unwrap();
    cast.manager
        .run(save(remote("anthropic", "")))
        .await
        .unwrap();
    let after = cast.manager.run(GetAiSettings {}).await.unwrap();
    let page_after = cast.manager.get("/settings/ai").await.text().await.unwrap();

    assert!(fallen.fallback_reason.is_some() && fallen.fallback_at.is_some());
    assert!(page.contains("The assistant fell back to the built-in model at "));
    assert!(page.contains(
        "the provider refused the key (401). Save the settings to try the provider again."
    ));
    assert_eq!((after.fallback_reason, after.fallback_at), (None, None));
    assert!(!page_after.contains("fell back"));
    let failures = count(
        &pool,
        "SELECT consecutive_failures::bigint FROM ai_settings",
    )
    .await;
    assert_eq!(failures, 0);
}

#[sqlx::test]
async fn the_settings_page_shows_the_stored_choices_and_only_the_keys_last_four(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let input = AiSettingsInput {
        autopilot_channels: vec!["whatsapp".into()],
        ..remote("anthropic", KEY)
    };
    cast.manager.run(save(input)).await.unwrap();

    let response = cast.manager.get("/settings/ai").await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Stored key ends in ••••abcd"));
    assert!(!html.contains("very-secret"));
    assert!(html.contains(r#"name="input[autopilot_channels][]""#));
    assert!(html
        .contains("Off by default. The assistant only answers conversations the customer started"));
    assert!(html.contains(r#"href="/settings/ai/activity""#));
}

#[sqlx::test]
async fn the_activity_page_shows_usage_and_handoffs_or_says_there_are_none(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let empty = cast.manager.get("/settings/ai/activity").await;
    assert_eq!(empty.status(), StatusCode::OK);
    let empty = empty.text().await.unwrap();
    assert!(empty.contains("The autopilot has not answered anyone yet."));
    assert!(empty.contains("No AI calls in the last 30 days."));
    let conversation: uuid::Uuid = sqlx::query_scalar(
        "WITH o AS (SELECT id FROM organisations WHERE slug = 'north'),
              l AS (INSERT INTO leads (org_id, name, email, source) SELECT id, 'Rosa Handed', 'rosa@example.com', 'sms' FROM o RETURNING id, org_id)
         INSERT INTO conversations (org_id, lead_id, channel, ai_handoff, ai_handoff_at)
         SELECT org_id, id, 'sms', 'asked_for_person', now() FROM l RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO ai_events (org_id, conversation_id, provider, model, purpose, tokens_in, tokens_out, latency_ms, outcome)
         SELECT org_id, id, 'anthropic', 'm', 'insight', 120, 30, 900, 'ok' FROM conversations",
    )
    .execute(&pool)
    .await
    .unwrap();

    let html = cast
        .manager
        .get("/settings/ai/activity")
        .await
        .text()
        .await
        .unwrap();

    assert!(html.contains("Handed to a person: Asked for a person"));
    assert!(html.contains(&format!(r#"href="/conversations/{conversation}""#)));
    assert!(html.contains("Rosa Handed"));
    assert!(html.contains("Score and summary") && html.contains("900 ms"));
    assert!(!html.contains("The autopilot has not answered anyone yet."));
}

async fn privacy_page(app: &TestApp) -> (AiProcessor, String) {
    let mut visitor = app.client();
    let org = PrivacyPageOrg {
        org: "north".into(),
    };
    let ai = visitor.run(org).await.unwrap().ai;
    let html = visitor.get("/privacy/north").await.text().await.unwrap();
    (ai, html)
}

#[sqlx::test]
async fn the_public_privacy_page_says_the_built_in_assistant_sends_nothing_elsewhere(pool: PgPool) {
    let cast = cast(&pool).await;

    let (ai, html) = privacy_page(&cast.app).await;

    assert_eq!(ai, AiProcessor::BuiltIn);
    assert!(html.contains("It processes nothing outside ConsentDesk"));
}

#[sqlx::test]
async fn the_public_privacy_page_names_a_remote_ai_provider_as_a_processor(pool: PgPool) {
    let mut cast = cast(&pool).await;
    cast.manager
        .run(save(remote("anthropic", KEY)))
        .await
        .unwrap();

    let (anthropic, html) = privacy_page(&cast.app).await;
    let openai = AiSettingsInput {
        api_base_url: "https://llm.example.com/v1".into(),
        ..remote("openai", "sk-local-9999")
    };
    cast.manager.run(save(openai)).await.unwrap();
    let (openai, openai_html) = privacy_page(&cast.app).await;

    assert_eq!(anthropic, AiProcessor::Anthropic { via: None });
    assert!(html.contains("AI assistant: Anthropic (Messages API)"));
    assert_eq!(
        openai,
        AiProcessor::OpenAiCompatible {
            host: "llm.example.com".into()
        }
    );
    assert!(openai_html.contains("AI assistant: OpenAI-compatible service at llm.example.com"));
}

#[sqlx::test]
async fn a_provider_fallen_back_from_is_not_named_on_the_privacy_page(pool: PgPool) {
    let mut cast = cast(&pool).await;
    cast.manager
        .run(save(remote("anthropic", KEY)))
        .await
        .unwrap();
    fall_back(&pool, "north").await;

    let (ai, html) = privacy_page(&cast.app).await;

    assert_eq!(ai, AiProcessor::BuiltIn);
    assert!(!html.contains("Anthropic"));
}
