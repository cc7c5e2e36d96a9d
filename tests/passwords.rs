//! Sign-in against parallel guessing, and passwords only their owner knows (issue 10,
//! items 8 and 10).
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::error::AppError;
use consentdesk::model::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

async fn login_from(app: &TestApp, email: &str, password: &str, ip: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/api/login", app.base))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", ip)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

async fn proxied(pool: &PgPool) -> TestApp {
    let app = spawn_app_with(pool.clone(), |c| c.trusted_proxies = 1).await;
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    app
}

#[sqlx::test]
async fn fifty_parallel_guesses_get_five_tries_and_the_rest_wait(pool: PgPool) {
    let app = proxied(&pool).await;

    let guesses = (0..50).map(|n| {
        let base = app.base.clone();
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/login"))
                .header("accept", "application/json")
                .header("sec-fetch-site", "same-origin")
                .header("x-forwarded-for", "203.0.113.66")
                .form(&[
                    ("email", "boss@north.example"),
                    ("password", format!("wrong-guess-{n}").as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(guesses)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(checked, 5, "five passwords were checked: {statuses:?}");
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        45
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'auth.sign_in_failed'"
        )
        .await,
        5
    );
    // The right password from this address waits too…
    assert_eq!(
        login_from(&app, "boss@north.example", PASSWORD, "203.0.113.66").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …but the owner, elsewhere, is not locked out by a stranger.
    assert_eq!(
        login_from(&app, "boss@north.example", PASSWORD, "198.51.100.20").await,
        StatusCode::OK
    );
}

#[sqlx::test]
async fn a_new_account_must_choose_its_own_password_before_anything_else(pool: PgPool) {
    let app = two_stores(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    manager
        .call(
            "create_user",
            &[
                ("name", "Nia Cole"),
                ("email", "nia@north.example"),
                ("role", "agent"),
                ("password", "chosen-by-the-manager"),
            ],
        )
        .await;
    let mut nia = app.client();

    let first = nia
        .login("nia@north.example", "chosen-by-the-manager")
        .await;
    let leads_before = nia.call("list_leads", &[("query[q]", "")]).await;
    let page_before = nia.get("/leads").await;
    let weak = nia
        .call(
            "change_password",
            &[
                ("current_password", "chosen-by-the-manager"),
                ("new_password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    let changed = nia
        .call(
            "change_password",
            &[
                ("current_password", "chosen-by-the-manager"),
                ("new_password", "nias-own-long-password"),
                ("confirm", "nias-own-long-password"),
            ],
        )
        .await;
    let leads_after = nia.call("list_leads", &[("query[q]", "")]).await;

    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["location"], "/account/password");
    assert_eq!(leads_before.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        error_of(leads_before).await,
        AppError::PasswordChangeRequired
    );
    assert!(
        page_before.status().is_redirection(),
        "{}",
        page_before.status()
    );
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(leads_after.status(), StatusCode::OK);
    assert_eq!(
        app.client()
            .login("nia@north.example", "chosen-by-the-manager")
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "the manager's password no longer works"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'user.password_changed'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn changing_ones_password_needs_the_current_one_and_ends_other_sessions(pool: PgPool) {
    let app = two_stores(&pool).await;
    let mut laptop = app.signed_in("ana@north.example").await;
    let mut phone = app.signed_in("ana@north.example").await;

    let wrong = laptop
        .call(
            "change_password",
            &[
                ("current_password", "not-my-password"),
                ("new_password", "a-brand-new-password"),
                ("confirm", "a-brand-new-password"),
            ],
        )
        .await;
    let right = laptop
        .call(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a-brand-new-password"),
                ("confirm", "a-brand-new-password"),
            ],
        )
        .await;

    let AppError::Validation(fields) = error_of(wrong).await else {
        panic!("a field error")
    };
    assert!(fields.get("current_password").is_some());
    assert_eq!(right.status(), StatusCode::OK);
    assert_eq!(
        laptop
            .call("list_leads", &[("query[q]", "")])
            .await
            .status(),
        StatusCode::OK,
        "this session carries on"
    );
    assert_eq!(
        phone.call("list_leads", &[("query[q]", "")]).await.status(),
        StatusCode::UNAUTHORIZED,
        "the other one ends"
    );
}

#[sqlx::test]
async fn a_reset_link_goes_to_the_person_works_once_and_the_manager_never_sees_it(pool: PgPool) {
    let app = two_stores(&pool).await;
    let ana: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'ana@north.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let sam: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'comp@south.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    let mut agent = app.signed_in("bo@north.example").await;

    let by_agent = agent
        .call("send_password_reset", &[("user_id", &ana.to_string())])
        .await;
    let other_org = manager
        .call("send_password_reset", &[("user_id", &sam.to_string())])
        .await;
    let sent = manager
        .call("send_password_reset", &[("user_id", &ana.to_string())])
        .await;
    let answer = sent.text().await.unwrap();
    let shown_mail: String =
        sqlx::query_scalar("SELECT body FROM outbound_mail WHERE recipient = 'ana@north.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let received = mail_received(&pool, "ana@north.example", "token=").await;
    let token = received
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    assert_eq!(by_agent.status(), StatusCode::FORBIDDEN);
    assert_eq!(other_org.status(), StatusCode::NOT_FOUND);
    assert!(!answer.contains(&token) && !shown_mail.contains(&token));
    let reset = |password: &'static str| {
        let token = token.clone();
        let client = app.client();
        async move {
            let mut client = client;
            client
                .call(
                    "reset_password",
                    &[
                        ("token", token.as_str()),
                        ("new_password", password),
                        ("confirm", password),
                    ],
                )
                .await
                .status()
        }
    };
    assert_eq!(reset("anas-chosen-password").await, StatusCode::OK);
    assert_eq!(
        reset("someone-elses-password").await,
        StatusCode::CONFLICT,
        "used once"
    );
    assert_eq!(
        app.client()
            .login("ana@north.example", "anas-chosen-password")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.client()
            .login("ana@north.example", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    for action in ["user.password_reset_sent", "user.password_reset"] {
        assert_eq!(
            count(
                &pool,
                &format!("SELECT count(*) FROM audit_events WHERE action = '{action}'")
            )
            .await,
            1,
            "{action}"
        );
    }
    let hashes: i64 = count(
        &pool,
        "SELECT count(*) FROM password_resets WHERE used_at IS NOT NULL",
    )
    .await;
    assert_eq!(hashes, 1, "only the token's hash was stored");
}

#[sqlx::test]
async fn an_expired_reset_link_does_nothing(pool: PgPool) {
    let app = two_stores(&pool).await;
    let ana: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'ana@north.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    manager
        .call("send_password_reset", &[("user_id", &ana.to_string())])
        .await;
    let received = mail_received(&pool, "ana@north.example", "token=").await;
    let token = received
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();

    let late = app
        .client()
        .call(
            "reset_password",
            &[
                ("token", &token),
                ("new_password", "too-late-password"),
                ("confirm", "too-late-password"),
            ],
        )
        .await;

    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.client()
            .login("ana@north.example", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test]
async fn rotating_addresses_does_not_buy_more_guesses_and_the_owners_browser_still_gets_in(
    pool: PgPool,
) {
    let app = proxied(&pool).await;
    // One host's IPv6 /64 counts as one address.
    let mut from_one_host = Vec::new();
    for n in 1..=6 {
        from_one_host.push(
            login_from(
                &app,
                "boss@north.example",
                "guess",
                &format!("2001:db8:1:2::{n}"),
            )
            .await,
        );
    }
    assert_eq!(
        from_one_host[5],
        StatusCode::TOO_MANY_REQUESTS,
        "{from_one_host:?}"
    );

    // The owner signs in once from their own browser, which is remembered.
    let owner = reqwest::Client::new()
        .post(format!("{}/api/login", app.base))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", "198.51.100.1")
        .form(&[("email", "boss@north.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let device = owner
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("consentdesk_device="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .expect("a device cookie");

    // A guesser spread over many networks is held back per account…
    let mut spread = Vec::new();
    for n in 0..30 {
        spread.push(
            login_from(
                &app,
                "boss@north.example",
                "guess",
                &format!("2001:db8:{n}:ff::1"),
            )
            .await,
        );
    }
    assert!(
        spread.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{spread:?}"
    );
    assert_eq!(
        login_from(&app, "boss@north.example", PASSWORD, "203.0.113.200").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a new browser waits"
    );
    // …but not the owner's browser.
    let back = reqwest::Client::new()
        .post(format!("{}/api/login", app.base))
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", "198.51.100.2")
        .header("cookie", device)
        .form(&[("email", "boss@north.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::OK);
}
