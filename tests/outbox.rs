//! The outbox worker and the Twilio REST adapter, against a local stub that speaks
//! Twilio's wire format.
#![cfg(feature = "ssr")]

mod common;

use axum::{extract::State, http::HeaderMap, routing::post, Form, Json, Router};
use common::*;
use consentdesk::api::conversations::SendReply;
use consentdesk::model::Role;
use consentdesk::server::messaging::outbox;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One request the stub received: path, Authorization header, form fields.
type Seen = (String, String, HashMap<String, String>);

#[derive(Clone, Default)]
struct Stub {
    fail: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// When set, each request announces itself and waits to be let go.
    hold: Option<(Arc<tokio::sync::Notify>, Arc<tokio::sync::Semaphore>)>,
}

async fn messages(
    State(stub): State<Stub>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (axum::http::StatusCode, Json<Value>) {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let n = {
        let mut seen = stub.seen.lock().unwrap();
        seen.push((uri.path().to_string(), auth, form));
        seen.len()
    };
    if let Some((entered, release)) = &stub.hold {
        entered.notify_one();
        release.acquire().await.unwrap().forget();
    }
    if stub.fail {
        return (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "code": 20500, "message": "Internal Server Error" })),
        );
    }
    (
        axum::http::StatusCode::CREATED,
        Json(json!({ "sid": format!("SMstub{n}"), "status": "queued" })),
    )
}

async fn stub(fail: bool) -> (String, Stub) {
    serve_stub(Stub {
        fail,
        ..Stub::default()
    })
    .await
}

async fn serve_stub(stub: Stub) -> (String, Stub) {
    let app = Router::new()
        .route("/2010-04-01/Accounts/{sid}/Messages.json", post(messages))
        .with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, stub)
}

/// A customer writes in and a manager replies `replies` times; returns the manager's client.
async fn conversation_with_replies(pool: &PgPool, api: Option<&str>, replies: usize) -> TestApp {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    configure_carrier(pool, "north", "tok", api).await;
    app.twilio(
        "north",
        "sms",
        "tok",
        &[
            ("MessageSid", "SMin"),
            ("From", "+14155550100"),
            ("To", "+13125550199"),
            ("Body", "Price?"),
        ],
    )
    .await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(pool)
        .await
        .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    for i in 0..replies {
        let reply = SendReply {
            ai_assisted: Default::default(),
            id,
            body: format!("Reply {i}"),
            category: "conversational".into(),
        };
        let sent = manager.run(reply).await;
        assert!(sent.is_ok(), "{sent:?}");
    }
    app
}

#[sqlx::test]
async fn the_twilio_adapter_sends_the_right_form_to_the_api(pool: PgPool) {
    let (base, stub) = stub(false).await;
    let _app = conversation_with_replies(&pool, Some(&base), 1).await;

    let taken = run_outbox(&pool, &reqwest::Client::new(), 10).await;

    assert_eq!(taken, 1);
    let seen = stub.seen.lock().unwrap().clone();
    let (path, auth, form) = &seen[0];
    assert_eq!(path, "/2010-04-01/Accounts/AC123/Messages.json");
    use base64::Engine;
    assert_eq!(
        auth,
        &format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("AC123:tok")
        )
    );
    assert_eq!(form["To"], "+14155550100");
    assert_eq!(form["From"], "+13125550199");
    assert_eq!(form["Body"], "Reply 0");
    // The report names the message, so a send whose answer was lost is settled by it.
    let message: uuid::Uuid = sqlx::query_scalar("SELECT id FROM messages WHERE body = 'Reply 0'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        form["StatusCallback"],
        format!("http://127.0.0.1:3000/hooks/twilio/north/status?m={message}"),
        "the carrier is told where to report delivery"
    );
    let (status, sid, simulated): (String, Option<String>, bool) =
        sqlx::query_as("SELECT status::text, provider_message_id, simulated FROM messages WHERE direction = 'outbound'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), sid.as_deref(), simulated),
        ("sent", Some("SMstub1"), false)
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM outbox").await, 0);
}

#[sqlx::test]
async fn the_local_provider_marks_messages_simulated(pool: PgPool) {
    let _app = conversation_with_replies(&pool, None, 1).await;

    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    let (status, simulated): (String, bool) =
        sqlx::query_as("SELECT status::text, simulated FROM messages WHERE direction = 'outbound'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), simulated), ("sent", true));
}

#[sqlx::test]
async fn a_failing_provider_is_retried_with_back_off_then_the_message_fails(pool: PgPool) {
    let (base, stub) = stub(true).await;
    let _app = conversation_with_replies(&pool, Some(&base), 1).await;
    let http = reqwest::Client::new();

    run_outbox(&pool, &http, 10).await;
    let (attempts, wait): (i32, f64) = sqlx::query_as(
        "SELECT attempts, extract(epoch FROM next_attempt_at - now())::float8 FROM outbox",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(wait > 0.5, "the retry waits: {wait}");
    assert_eq!(run_outbox(&pool, &http, 10).await, 0, "not due yet");

    for _ in 1..outbox::MAX_ATTEMPTS {
        sqlx::query("UPDATE outbox SET next_attempt_at = now()")
            .execute(&pool)
            .await
            .unwrap();
        run_outbox(&pool, &http, 10).await;
    }

    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "SELECT status::text, status_reason FROM messages WHERE direction = 'outbound'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "failed");
    assert!(reason.unwrap().contains("500"));
    assert_eq!(
        stub.seen.lock().unwrap().len(),
        outbox::MAX_ATTEMPTS as usize
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM outbox").await, 0);
}

#[sqlx::test]
async fn two_workers_never_send_the_same_message(pool: PgPool) {
    let (base, stub) = stub(false).await;
    let _app = conversation_with_replies(&pool, Some(&base), 30).await;
    let (a, b) = (pool.clone(), pool.clone());

    let (first, second) = tokio::join!(
        tokio::spawn(async move { run_outbox(&a, &reqwest::Client::new(), 30).await }),
        tokio::spawn(async move { run_outbox(&b, &reqwest::Client::new(), 30).await }),
    );

    assert_eq!(first.unwrap() + second.unwrap(), 30);
    let bodies: Vec<String> = stub
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, _, form)| form["Body"].clone())
        .collect();
    let unique: std::collections::HashSet<_> = bodies.iter().collect();
    assert_eq!((bodies.len(), unique.len()), (30, 30));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM messages WHERE status = 'sent'").await,
        30
    );
}

#[sqlx::test]
async fn delivery_callbacks_update_the_status_and_never_go_backwards(pool: PgPool) {
    let (base, _stub) = stub(false).await;
    let app = conversation_with_replies(&pool, Some(&base), 1).await;
    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    let delivered = app
        .twilio(
            "north",
            "status",
            "tok",
            &[("MessageSid", "SMstub1"), ("MessageStatus", "delivered")],
        )
        .await;
    let late_sent = app
        .twilio(
            "north",
            "status",
            "tok",
            &[("MessageSid", "SMstub1"), ("MessageStatus", "sent")],
        )
        .await;

    assert_eq!(
        (delivered.status(), late_sent.status()),
        (reqwest::StatusCode::OK, reqwest::StatusCode::OK)
    );
    let status: String = sqlx::query_scalar(
        "SELECT status::text FROM messages WHERE provider_message_id = 'SMstub1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "delivered");
}

#[sqlx::test]
async fn an_opt_out_during_a_send_is_not_held_up_by_the_carrier_and_nothing_is_sent_after_it(
    pool: PgPool,
) {
    let entered = Arc::new(tokio::sync::Notify::new());
    let release = Arc::new(tokio::sync::Semaphore::new(0));
    let (base, stub) = serve_stub(Stub {
        hold: Some((entered.clone(), release.clone())),
        ..Stub::default()
    })
    .await;
    let app = conversation_with_replies(&pool, Some(&base), 2).await;
    let worker_pool = pool.clone();
    let worker =
        tokio::spawn(async move { run_outbox(&worker_pool, &reqwest::Client::new(), 10).await });
    entered.notified().await; // the first reply is at the carrier now

    let stop = tokio::spawn(async move {
        app.twilio(
            "north",
            "sms",
            "tok",
            &[
                ("MessageSid", "SMstop"),
                ("From", "+14155550100"),
                ("To", "+13125550199"),
                ("Body", "STOP"),
            ],
        )
        .await
        .status()
    });
    // The send under way holds no lock while the carrier answers (issue 11): the opt-out
    // commits at once, and the reply already handed over is recorded as sent.
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(5), stop)
        .await
        .expect("the STOP is not held up by a slow carrier");
    release.add_permits(10);

    assert_eq!(stopped.unwrap(), reqwest::StatusCode::OK);
    worker.await.unwrap();
    let statuses: Vec<(String, String)> = sqlx::query_as(
        "SELECT body, status::text FROM messages WHERE direction = 'outbound' AND purpose IS NULL ORDER BY body",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        statuses,
        [
            ("Reply 0".to_string(), "sent".to_string()),
            ("Reply 1".to_string(), "blocked".to_string())
        ]
    );
    let bodies: Vec<String> = stub
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, _, form)| form["Body"].clone())
        .collect();
    assert_eq!(bodies[0], "Reply 0");
    assert!(
        !bodies.iter().any(|b| b == "Reply 1"),
        "no reply reached the carrier after the STOP: {bodies:?}"
    );
}
