//! Carrier webhooks: signatures, idempotency, malformed input (SPEC §6).
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::model::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

const TOKEN: &str = "north-auth-token";

async fn north(pool: &PgPool) -> TestApp {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    org(pool, "south").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    configure_carrier(pool, "north", TOKEN, None).await;
    configure_carrier(pool, "south", "south-auth-token", None).await;
    app
}

fn sms<'a>(sid: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("MessageSid", sid),
        ("AccountSid", "AC123"),
        ("From", "+14155550100"),
        ("To", "+13125550199"),
        ("Body", body),
        ("NumMedia", "0"),
    ]
}

#[sqlx::test]
async fn a_signed_sms_from_a_new_number_creates_a_lead_a_conversation_and_a_message(pool: PgPool) {
    let app = north(&pool).await;

    let response = app
        .twilio(
            "north",
            "sms",
            TOKEN,
            &sms("SM1", "Is the RAV4 still available?"),
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/xml"));
    assert!(response.text().await.unwrap().contains("<Response>"));
    let (name, source): (String, String) =
        sqlx::query_as("SELECT name, source::text FROM leads WHERE phone = '+14155550100'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), source.as_str()), ("+1 415-555-0100", "sms"));
    let (unread, initiated): (i32, bool) =
        sqlx::query_as("SELECT unread_count, customer_initiated FROM conversations")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((unread, initiated), (1, true));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE body = 'Is the RAV4 still available?'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn bad_signatures_are_refused_and_change_nothing(pool: PgPool) {
    let app = north(&pool).await;
    let fields = sms("SM1", "hello");
    let url = format!("{PUBLIC_BASE}/hooks/twilio/north/sms");
    let post = |signature: Option<String>, body: Vec<(&'static str, &'static str)>| {
        let request = reqwest::Client::new()
            .post(format!("{}/hooks/twilio/north/sms", app.base))
            .form(&body);
        let request = match signature {
            Some(s) => request.header("x-twilio-signature", s),
            None => request,
        };
        async move { request.send().await.unwrap().status() }
    };
    let mut changed = fields.clone();
    changed[4] = ("Body", "hello, changed");

    let changed_field = post(Some(twilio_signature(TOKEN, &url, &fields)), changed).await;
    let changed_url = post(
        Some(twilio_signature(
            TOKEN,
            &format!("{PUBLIC_BASE}/hooks/twilio/south/sms"),
            &fields,
        )),
        fields.clone(),
    )
    .await;
    let missing = post(None, fields.clone()).await;
    let other_token = post(
        Some(twilio_signature("south-auth-token", &url, &fields)),
        fields.clone(),
    )
    .await;
    let garbage = post(Some("%%%".into()), fields.clone()).await;

    for status in [changed_field, changed_url, missing, other_token, garbage] {
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    for table in ["leads", "conversations", "messages"] {
        assert_eq!(
            count(&pool, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}

#[sqlx::test]
async fn an_organisation_without_a_token_accepts_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "bare").await;

    let response = app.twilio("bare", "sms", "guess", &sms("SM1", "hi")).await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn the_same_message_sid_twice_stores_one_message(pool: PgPool) {
    let app = north(&pool).await;

    let first = app
        .twilio("north", "sms", TOKEN, &sms("SM1", "hello"))
        .await;
    let again = app
        .twilio("north", "sms", TOKEN, &sms("SM1", "hello"))
        .await;

    assert_eq!(
        (first.status(), again.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 1);
    assert_eq!(
        count(&pool, "SELECT unread_count::bigint FROM conversations").await,
        1
    );
}

#[sqlx::test]
async fn the_same_message_sid_posted_concurrently_stores_one_message(pool: PgPool) {
    let app = std::sync::Arc::new(north(&pool).await);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                app.twilio("north", "sms", TOKEN, &sms("SM-RACE", "hello"))
                    .await
                    .status()
            })
        })
        .collect();

    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }

    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
    assert_eq!(
        count(&pool, "SELECT unread_count::bigint FROM conversations").await,
        1
    );
}

#[sqlx::test]
async fn malformed_requests_get_a_clear_4xx_and_store_nothing(pool: PgPool) {
    let app = north(&pool).await;
    let http = reqwest::Client::new();
    let url = format!("{}/hooks/twilio/north/sms", app.base);

    let invalid_utf8 = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"Body=\xff\xfe&From=x".to_vec())
        .send()
        .await
        .unwrap();
    let escaped_utf8 = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Body=%FF")
        .send()
        .await
        .unwrap();
    let oversized = http
        .post(&url)
        .body(format!("Body={}", "a".repeat(100 * 1024)))
        .send()
        .await
        .unwrap();
    let unknown_org = app.twilio("nowhere", "sms", TOKEN, &sms("SM1", "hi")).await;
    let no_from = app
        .twilio(
            "north",
            "sms",
            TOKEN,
            &[("MessageSid", "SM2"), ("Body", "hi")],
        )
        .await;
    let bad_from = app
        .twilio(
            "north",
            "sms",
            TOKEN,
            &[
                ("MessageSid", "SM3"),
                ("From", "not a number"),
                ("Body", "hi"),
            ],
        )
        .await;

    assert_eq!(invalid_utf8.status(), StatusCode::BAD_REQUEST);
    assert_eq!(escaped_utf8.status(), StatusCode::BAD_REQUEST);
    assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(unknown_org.status(), StatusCode::NOT_FOUND);
    assert_eq!(no_from.status(), StatusCode::BAD_REQUEST);
    assert_eq!(bad_from.status(), StatusCode::BAD_REQUEST);
    let nul = app.twilio("north", "sms", TOKEN, &sms("SM4", "a\0b")).await;
    assert_eq!(nul.status(), StatusCode::BAD_REQUEST, "a NUL character");
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 0);
}

#[sqlx::test]
async fn status_voice_and_transcription_hooks_refuse_bad_signatures_and_change_nothing(
    pool: PgPool,
) {
    let app = north(&pool).await;
    app.twilio("north", "sms", TOKEN, &sms("SMin", "hi")).await;
    // Something each hook could change: a sent reply, and a call already on record.
    sqlx::query(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, category, status, provider_message_id)
         SELECT org_id, id, 'outbound', 'Hello', 'agent', 'conversational', 'sent', 'SMout' FROM conversations",
    )
    .execute(&pool)
    .await
    .unwrap();
    let existing = [
        ("CallSid", "CA0"),
        ("From", "+14155550100"),
        ("To", "+13125550199"),
        ("CallStatus", "in-progress"),
    ];
    assert_eq!(
        app.twilio("north", "voice", TOKEN, &existing)
            .await
            .status(),
        StatusCode::OK
    );
    let call = [
        ("CallSid", "CA1"),
        ("From", "+14155550100"),
        ("To", "+13125550199"),
        ("CallStatus", "completed"),
        ("CallDuration", "30"),
    ];
    let transcription = [("CallSid", "CA0"), ("TranscriptionText", "hello")];
    let status = [("MessageSid", "SMout"), ("MessageStatus", "failed")];

    for (hook, fields) in [
        ("voice", &call[..]),
        ("transcription", &transcription[..]),
        ("status", &status[..]),
    ] {
        let refused = app.twilio("north", hook, "south-auth-token", fields).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{hook}");
    }

    assert_eq!(
        count(&pool, "SELECT count(*) FROM calls").await,
        1,
        "no new call"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE status = 'received'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM calls WHERE transcript IS NOT NULL"
        )
        .await,
        0,
        "no transcript written"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE provider_message_id = 'SMout' AND status = 'sent'"
        )
        .await,
        1,
        "the reply's status is untouched"
    );
    // Signed with north's own token, the same requests do change things.
    for (hook, fields) in [
        ("transcription", &transcription[..]),
        ("status", &status[..]),
    ] {
        assert_eq!(
            app.twilio("north", hook, TOKEN, fields).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM calls WHERE transcript = 'hello'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM messages WHERE provider_message_id = 'SMout' AND status = 'failed'").await,
        1
    );
}

#[sqlx::test]
async fn signatures_are_checked_against_the_organisations_own_public_address(pool: PgPool) {
    let app = north(&pool).await;
    sqlx::query("UPDATE messaging_settings SET public_base_url = 'https://desk.north.example' WHERE org_id = (SELECT id FROM organisations WHERE slug = 'north')")
        .execute(&pool)
        .await
        .unwrap();
    let fields = sms("SM1", "hi");
    let path = "/hooks/twilio/north/sms";
    let post = |url: &str| {
        let signature = twilio_signature(TOKEN, url, &fields);
        reqwest::Client::new()
            .post(format!("{}{path}", app.base))
            .header("x-twilio-signature", signature)
            .form(&fields)
            .send()
    };

    let signed_for_default = post(&format!("{PUBLIC_BASE}{path}")).await.unwrap();
    let signed_for_own = post(&format!("https://desk.north.example{path}"))
        .await
        .unwrap();

    assert_eq!(signed_for_default.status(), StatusCode::FORBIDDEN);
    assert_eq!(signed_for_own.status(), StatusCode::OK);
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 1);
}

#[sqlx::test]
async fn calls_and_their_transcripts_land_in_the_voice_conversation(pool: PgPool) {
    let app = north(&pool).await;
    let call = [
        ("CallSid", "CA1"),
        ("From", "+14155550100"),
        ("To", "+13125550199"),
        ("CallStatus", "completed"),
        ("CallDuration", "95"),
        ("Direction", "inbound"),
    ];

    let voice = app.twilio("north", "voice", TOKEN, &call).await;
    let again = app.twilio("north", "voice", TOKEN, &call).await;
    let transcript = app
        .twilio(
            "north",
            "transcription",
            TOKEN,
            &[
                ("CallSid", "CA1"),
                ("TranscriptionText", "I'd like a test drive on Saturday."),
            ],
        )
        .await;

    assert_eq!(
        (voice.status(), again.status(), transcript.status()),
        (StatusCode::OK, StatusCode::OK, StatusCode::OK)
    );
    let (duration, text): (Option<i32>, Option<String>) =
        sqlx::query_as("SELECT duration_secs, transcript FROM calls")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(duration, Some(95));
    assert_eq!(text.as_deref(), Some("I'd like a test drive on Saturday."));
    assert_eq!(count(&pool, "SELECT count(*) FROM calls").await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM conversations WHERE channel = 'voice'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn whatsapp_answers_the_challenge_and_checks_the_body_signature(pool: PgPool) {
    let app = north(&pool).await;
    let key = consentdesk::server::crypto::DataKey::from_base64(
        consentdesk::server::config::TEST_DATA_KEY,
    )
    .unwrap();
    sqlx::query("UPDATE messaging_settings SET whatsapp_app_secret_enc = $1, whatsapp_verify_token = 'verify-me'")
        .bind(key.seal("app-secret"))
        .execute(&pool)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let hook = format!("{}/hooks/whatsapp/north", app.base);
    let body = r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"14155550100","id":"wamid.1","type":"text","text":{"body":"Hola"}}]}}]}]}"#;
    let challenge = http
        .get(format!(
            "{hook}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42"
        ))
        .send()
        .await
        .unwrap();
    let wrong_token = http
        .get(format!(
            "{hook}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42"
        ))
        .send()
        .await
        .unwrap();
    let unsigned = http.post(&hook).body(body).send().await.unwrap();
    let sign = |text: &str| meta_signature("app-secret", text);
    let post = |url: String, signature: String, text: String| {
        let http = http.clone();
        async move {
            http.post(url)
                .header("x-hub-signature-256", signature)
                .body(text)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let wrong_secret = post(
        hook.clone(),
        meta_signature("not-the-secret", body),
        body.into(),
    )
    .await;
    let changed_body = post(hook.clone(), sign(body), body.replace("Hola", "Adios")).await;
    let malformed = post(hook.clone(), sign("{not json"), "{not json".into()).await;
    let unknown_org = post(
        format!("{}/hooks/whatsapp/nowhere", app.base),
        sign(body),
        body.into(),
    )
    .await;
    assert_eq!(wrong_secret, StatusCode::FORBIDDEN);
    assert_eq!(changed_body, StatusCode::FORBIDDEN);
    assert_eq!(malformed, StatusCode::BAD_REQUEST);
    assert_eq!(unknown_org, StatusCode::NOT_FOUND);
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 0);
    let signed = http
        .post(&hook)
        .header("x-hub-signature-256", meta_signature("app-secret", body))
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(challenge.status(), StatusCode::OK);
    assert_eq!(challenge.text().await.unwrap(), "42");
    assert_eq!(wrong_token.status(), StatusCode::FORBIDDEN);
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    assert_eq!(signed.status(), StatusCode::OK);
    assert_eq!(count(&pool, "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel = 'whatsapp' AND m.body = 'Hola'").await, 1);
}
