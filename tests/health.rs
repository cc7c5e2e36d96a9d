#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::conversations::SendReply;
use consentdesk::model::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

#[sqlx::test]
async fn healthz_answers_when_the_database_does(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;

    let response = app.client().get("/healthz").await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[sqlx::test]
async fn healthz_fails_when_the_database_is_gone(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    pool.close().await;

    let response = app.client().get("/healthz").await;

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// `spawn_app` with `METRICS_TOKEN` set.
async fn app_with_metrics(pool: PgPool) -> TestApp {
    spawn_app_with(pool, |config| {
        config.metrics_token = Some("scrape-token-for-tests".to_string().into())
    })
    .await
}

async fn scrape(app: &TestApp, authorization: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}/metrics", app.base));
    if let Some(value) = authorization {
        request = request.header(reqwest::header::AUTHORIZATION, value);
    }
    request.send().await.unwrap()
}

#[sqlx::test]
async fn metrics_do_not_exist_without_a_token(pool: PgPool) {
    let app = spawn_app(pool).await;

    let response = scrape(&app, Some("Bearer anything")).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn metrics_answer_only_the_token_not_a_session_or_a_guess(pool: PgPool) {
    let app = app_with_metrics(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "boss@north.example", Role::Manager).await;

    assert_eq!(scrape(&app, None).await.status(), StatusCode::UNAUTHORIZED);
    for guess in [
        "Bearer scrape-token",
        "Bearer SCRAPE-TOKEN-FOR-TESTS",
        "scrape-token-for-tests",
        "Basic c2NyYXBl",
    ] {
        let response = scrape(&app, Some(guess)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{guess}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }
    // A manager's session is not the operator's token.
    let mut manager = app.signed_in("boss@north.example").await;
    assert_eq!(
        manager.get("/metrics").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// What an operator alerts on: the outbox backlog, overdue privacy requests, the database.
#[sqlx::test]
async fn metrics_count_the_backlog_an_operator_alerts_on(pool: PgPool) {
    let app = app_with_metrics(pool.clone()).await;
    let slug = org(&pool, "north").await;
    user(&pool, "north", "boss@north.example", Role::Manager).await;
    configure_carrier(&pool, &slug, "tok", None).await;
    app.twilio(
        &slug,
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
    let conversation: uuid::Uuid = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    for body in ["It is 21,000.", "Want a test drive?"] {
        let reply = SendReply {
            ai_assisted: Default::default(),
            id: conversation,
            body: body.into(),
            category: "conversational".into(),
        };
        let sent = manager.run(reply).await;
        assert!(sent.is_ok(), "{sent:?}");
    }
    // One request overdue, one due next week, one completed late (not open, so not overdue).
    for (due, status) in [
        ("-2 days", "received"),
        ("7 days", "verified"),
        ("-9 days", "completed"),
    ] {
        sqlx::query(
            "INSERT INTO privacy_requests (org_id, kind, requester_name, email, received_via, status, due_on)
             SELECT id, 'access', 'Pat Doe', 'pat@example.com', 'email', $2::privacy_request_status,
                    (current_date + $1::interval)::date
             FROM organisations WHERE slug = $3",
        )
        .bind(due)
        .bind(status)
        .bind(&slug)
        .execute(&pool)
        .await
        .unwrap();
    }

    let response = scrape(&app, Some("Bearer scrape-token-for-tests")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let body = response.text().await.unwrap();
    let value = |name: &str| -> f64 {
        body.lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in\n{body}"))
            .parse()
            .unwrap()
    };
    assert_eq!(value("consentdesk_database_up"), 1.0);
    assert_eq!(value("consentdesk_outbox_messages"), 2.0);
    assert_eq!(value("consentdesk_outbox_retrying"), 0.0);
    assert!(value("consentdesk_outbox_oldest_due_seconds") >= 0.0);
    assert_eq!(value("consentdesk_privacy_requests_open"), 2.0);
    assert_eq!(value("consentdesk_privacy_requests_overdue"), 1.0);
    assert!(value("consentdesk_process_resident_memory_bytes") > 1e6);
    // The requests above were counted (counters are per process, so at least these).
    assert!(value("consentdesk_http_responses_total{class=\"2xx\"}") >= 3.0);
    assert!(value("consentdesk_http_response_seconds_count") >= 3.0);
    // Nothing personal: no number, address or text leaves through the metrics.
    for private in ["4155550100", "pat@example.com", "Price?", "21,000"] {
        assert!(!body.contains(private), "{private}");
    }
}

#[sqlx::test]
async fn metrics_say_when_the_database_is_gone(pool: PgPool) {
    let app = app_with_metrics(pool.clone()).await;
    pool.close().await;

    let response = scrape(&app, Some("Bearer scrape-token-for-tests")).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("\nconsentdesk_database_up 0\n"), "{body}");
    assert!(!body.contains("consentdesk_outbox_messages"));
}
