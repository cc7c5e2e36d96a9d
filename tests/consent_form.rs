//! The public consent form against strangers (issue 10, items 2 and 6; SPEC §3.11): a typed
//! number is a claim until the number answers YES; a number that said STOP is never
//! re-subscribed by the form, nor texted by it; submissions are limited.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const ANA: &str = "+14155550100";

async fn sha(pool: &PgPool, category: &str) -> String {
    let mut conn = pool.acquire().await.unwrap();
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'north'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    consentdesk::server::consent::wording::load(&mut conn, org)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.category.as_str() == category)
        .unwrap()
        .sha256
}

/// The form as a browser posts it, from `ip` (the test server trusts one proxy).
async fn submit(app: &TestApp, pool: &PgPool, phone: &str, ip: &str) -> reqwest::Response {
    let promotional = sha(pool, "promotional").await;
    let informational = sha(pool, "informational").await;
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/api/give_consent", app.base))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", ip)
        .form(&[
            ("input[org]", "north"),
            ("input[name]", "Mallory"),
            ("input[phone]", phone),
            ("input[promotional]", "yes"),
            ("input[promotional_sha256]", &promotional),
            ("input[informational_sha256]", &informational),
        ])
        .send()
        .await
        .unwrap()
}

async fn proxied(pool: &PgPool) -> TestApp {
    let app = spawn_app_with(pool.clone(), |c| c.trusted_proxies = 1).await;
    org(pool, "north").await;
    user(
        pool,
        "north",
        "boss@north.example",
        consentdesk::model::Role::Manager,
    )
    .await;
    configure_carrier(pool, "north", "tok", None).await;
    app
}

#[sqlx::test]
async fn the_form_grants_nothing_until_the_number_itself_answers_yes(pool: PgPool) {
    let app = proxied(&pool).await;

    let response = submit(&app, &pool, "(415) 555-0100", "203.0.113.5").await;

    assert!(response.status().is_success() || response.status().is_redirection());
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads").await,
        0,
        "a claim creates no lead"
    );
    let ask = text_received(&pool, "opt_in_request").await;
    for needed in [
        "Org north",
        "YES",
        "Msg & data rates may apply",
        "STOP",
        "frequency",
    ] {
        assert!(ask.contains(needed), "{needed} in {ask:?}");
    }
    let to: Option<String> =
        sqlx::query_scalar("SELECT to_phone FROM messages WHERE purpose = 'opt_in_request'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(to.as_deref(), Some(ANA));

    // Someone else's "yes" does nothing; the number's own YES confirms.
    text_north(&app, "SMother", "+14155550111", "YES").await;
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);
    text_north(&app, "SMyes", ANA, "YES").await;
    let (level, ip, source): (String, Option<String>, String) = sqlx::query_as(
        "SELECT level::text, host(ip), source_ref FROM consent_events WHERE phone = $1",
    )
    .bind(ANA)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(level, "express_written");
    assert_eq!(ip.as_deref(), Some("203.0.113.5"), "the form's address");
    assert!(source.contains("confirmed by message:"), "{source}");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE purpose = 'opt_in_confirmation'"
        )
        .await,
        1,
        "one confirmation"
    );
}

#[sqlx::test]
async fn a_number_that_said_stop_is_neither_resubscribed_nor_texted_by_the_form(pool: PgPool) {
    let app = proxied(&pool).await;
    text_north(&app, "SM1", ANA, "STOP").await;
    let events = count(&pool, "SELECT count(*) FROM consent_events").await;
    let messages = count(&pool, "SELECT count(*) FROM messages").await;

    let response = submit(&app, &pool, "(415) 555-0100", "203.0.113.5").await;

    assert!(response.status().is_success() || response.status().is_redirection());
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(location.contains("opted_out=1"), "{location}");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_events").await,
        events
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM messages").await,
        messages,
        "not even a confirmation text"
    );
    // A YES from the number now is its own opt-in (SPEC §3.6), not the form's.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_confirmations").await,
        0
    );
}

#[sqlx::test]
async fn twelve_submissions_from_one_address_record_five(pool: PgPool) {
    let app = proxied(&pool).await;

    let mut statuses = Vec::new();
    for n in 0..12 {
        let phone = format!("(415) 555-01{n:02}");
        statuses.push(submit(&app, &pool, &phone, "203.0.113.9").await.status());
    }

    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        7
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_confirmations").await,
        5
    );
    // Another address is not held back by this one.
    assert!(!submit(&app, &pool, "(415) 555-0150", "198.51.100.7")
        .await
        .status()
        .is_client_error());
}

#[sqlx::test]
async fn fifty_parallel_submissions_record_at_most_the_limit(pool: PgPool) {
    let app = proxied(&pool).await;
    let promotional = sha(&pool, "promotional").await;

    let attempts = (0..50).map(|n| {
        let (base, promotional) = (app.base.clone(), promotional.clone());
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/give_consent"))
                .header("accept", "application/json")
                .header("sec-fetch-site", "same-origin")
                .header("x-forwarded-for", format!("198.51.100.{n}"))
                .form(&[
                    ("input[org]", "north"),
                    ("input[name]", "Mallory"),
                    ("input[phone]", "(415) 555-0100"),
                    ("input[promotional]", "yes"),
                    ("input[promotional_sha256]", promotional.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_confirmations").await,
        3,
        "three a day for one number, whatever the addresses"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE to_phone = '+14155550100'"
        )
        .await,
        3,
        "and at most three texts to it"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        47,
        "the form's own limit refused them (not the text cap after the work): {statuses:?}"
    );
}

#[sqlx::test]
async fn a_number_of_another_country_is_refused_beside_the_field(pool: PgPool) {
    let app = proxied(&pool).await;

    let response = submit(&app, &pool, "+44 20 7946 0958", "203.0.113.5").await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let consentdesk::error::AppError::Validation(fields) = error_of(response).await else {
        panic!("a field error")
    };
    assert!(fields.get("phone").unwrap().contains("country"));
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 0);
}

#[sqlx::test]
async fn stop_cancels_a_waiting_form_so_a_later_yes_grants_nothing(pool: PgPool) {
    let app = proxied(&pool).await;
    submit(&app, &pool, "(415) 555-0100", "203.0.113.5").await;

    text_north(&app, "SM1", ANA, "STOP").await;
    text_north(&app, "SM2", ANA, "yes").await;

    let grants: Vec<String> = sqlx::query_scalar(
        "SELECT medium::text FROM consent_events WHERE phone = $1 AND kind = 'grant'",
    )
    .bind(ANA)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        !grants.contains(&"web_form".to_string()),
        "the form from before the STOP confirms nothing: {grants:?}"
    );
    let promotional = count(
        &pool,
        "SELECT count(*) FROM consent_events WHERE phone = '+14155550100' AND level = 'express_written'",
    )
    .await;
    assert_eq!(
        promotional, 0,
        "promotions stay blocked until new written consent"
    );
}
