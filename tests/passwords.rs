//! Sign-in against parallel guessing, and passwords only their owner knows (issue 10,
//! items 8 and 10).
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::auth::{ChangePassword, ResetPassword, SendPasswordReset};
use consentdesk::api::leads::ListLeads;
use consentdesk::api::users::CreateUser;
use consentdesk::error::AppError;
use consentdesk::model::{LeadQuery, Role};
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

/// The lead list as it first opens: the page every signed-in person lands on.
fn leads() -> ListLeads {
    ListLeads {
        query: LeadQuery::default(),
    }
}

fn change(current_password: &str, new_password: &str) -> ChangePassword {
    ChangePassword {
        current_password: current_password.into(),
        new_password: new_password.into(),
        confirm: new_password.into(),
    }
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
    let nia_cole = CreateUser {
        name: "Nia Cole".into(),
        email: "nia@north.example".into(),
        role: "agent".into(),
        password: "chosen-by-the-manager".into(),
    };
    manager.run(nia_cole).await.unwrap();
    let mut nia = app.client();

    // Raw, to read where the sign-in sends her.
    let first = nia
        .login("nia@north.example", "chosen-by-the-manager")
        .await;
    let leads_before = nia.run(leads()).await;
    let page_before = nia.get("/leads").await;
    let weak = nia.run(change("chosen-by-the-manager", "short")).await;
    let changed = nia
        .run(change("chosen-by-the-manager", "nias-own-long-password"))
        .await;
    let leads_after = nia.run(leads()).await;

    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["location"], "/account/password");
    assert_eq!(leads_before, Err(AppError::PasswordChangeRequired));
    assert!(
        page_before.status().is_redirection(),
        "{}",
        page_before.status()
    );
    assert!(matches!(weak, Err(AppError::Validation(_))), "{weak:?}");
    assert_eq!(changed, Ok(()));
    assert!(leads_after.is_ok(), "{leads_after:?}");
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
        .run(change("not-my-password", "a-brand-new-password"))
        .await;
    let right = laptop.run(change(PASSWORD, "a-brand-new-password")).await;

    let Err(AppError::Validation(fields)) = wrong else {
        panic!("a field error: {wrong:?}")
    };
    assert!(fields.get("current_password").is_some());
    assert_eq!(right, Ok(()));
    assert!(laptop.run(leads()).await.is_ok(), "this session carries on");
    assert_eq!(
        phone.run(leads()).await,
        Err(AppError::Unauthenticated),
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

    let by_agent = agent.run(SendPasswordReset { user_id: ana }).await;
    let other_org = manager.run(SendPasswordReset { user_id: sam }).await;
    let sent = manager.run(SendPasswordReset { user_id: ana }).await;
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

    assert_eq!(by_agent, Err(AppError::Forbidden));
    assert_eq!(other_org, Err(AppError::NotFound));
    // The answer is `null` (the typed `()`): it carries no token.
    assert_eq!(sent, Ok(()), "the manager's answer holds nothing");
    assert!(!shown_mail.contains(&token));
    let reset = |password: &str| ResetPassword {
        token: token.clone(),
        new_password: password.into(),
        confirm: password.into(),
    };
    let first = app.client().run(reset("anas-chosen-password")).await;
    assert_eq!(first, Ok(()));
    let again = app.client().run(reset("someone-elses-password")).await;
    assert!(
        matches!(again, Err(AppError::Conflict(_))),
        "used once: {again:?}"
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
        .run(SendPasswordReset { user_id: ana })
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
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();

    let late = ResetPassword {
        token,
        new_password: "too-late-password".into(),
        confirm: "too-late-password".into(),
    };
    let late = app.client().run(late).await;

    assert!(matches!(late, Err(AppError::Conflict(_))), "{late:?}");
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
