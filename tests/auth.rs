//! Sign-in, sign-out, sessions and throttling, through HTTP against a real PostgreSQL.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::auth::{Login, Logout, SignedInUser};
use consentdesk::api::users::SetUserActive;
use consentdesk::error::AppError;
use consentdesk::model::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

fn sign_in(email: &str, password: &str) -> Login {
    Login {
        email: email.into(),
        password: password.into(),
    }
}

#[sqlx::test]
async fn signing_in_with_the_right_password_starts_a_session(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    let mut client = app.client();

    let response = client.login("Ana@North.example ", PASSWORD).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(client.cookie.is_some(), "a session cookie is set");
    let me = client
        .run(SignedInUser {})
        .await
        .unwrap()
        .expect("signed in");
    assert_eq!(me.email, "ana@north.example");
    assert_eq!(me.role, Role::Agent);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'auth.sign_in'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn the_session_cookie_is_http_only_and_same_site_lax(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;

    let response = app.client().login("ana@north.example", PASSWORD).await;

    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[sqlx::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;

    let wrong = app
        .client()
        .run(sign_in("ana@north.example", "not-the-password"))
        .await;
    let unknown = app
        .client()
        .run(sign_in("ghost@north.example", "not-the-password"))
        .await;

    assert_eq!(wrong, Err(AppError::InvalidCredentials));
    assert_eq!(unknown, Err(AppError::InvalidCredentials));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'auth.sign_in_failed'"
        )
        .await,
        2
    );
}

#[sqlx::test]
async fn signing_in_again_issues_a_new_session_id_and_kills_the_old_one(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    let mut client = app.signed_in("ana@north.example").await;
    let first = client.cookie.clone().unwrap();

    client.login("ana@north.example", PASSWORD).await;

    let second = client.cookie.clone().unwrap();
    assert_ne!(first, second, "the session id is cycled at sign-in");
    let mut old = app.client();
    old.cookie = Some(first);
    let me = old.run(SignedInUser {}).await;
    assert_eq!(me, Ok(None), "the pre-sign-in session id no longer works");
}

#[sqlx::test]
async fn signing_out_ends_the_session(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    let mut client = app.signed_in("ana@north.example").await;
    let cookie = client.cookie.clone();

    client.run(Logout {}).await.unwrap();

    let mut replay = app.client();
    replay.cookie = cookie;
    let me = replay.run(SignedInUser {}).await;
    assert_eq!(me, Ok(None));
}

#[sqlx::test]
async fn five_failures_lock_the_account_even_for_the_right_password(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    for _ in 0..5 {
        app.client().login("ana@north.example", "guess").await;
    }

    let result = app
        .client()
        .run(sign_in("ana@north.example", PASSWORD))
        .await;

    let Err(AppError::RateLimited { retry_after_secs }) = result else {
        panic!("not rate limited: {result:?}")
    };
    assert!(
        (14 * 60..=15 * 60).contains(&retry_after_secs),
        "{retry_after_secs}"
    );
}

#[sqlx::test]
async fn an_account_lock_does_not_lock_colleagues_on_the_same_network(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    user(&pool, "north", "bo@north.example", Role::Agent).await;
    for _ in 0..5 {
        app.client().login("ana@north.example", "guess").await;
    }

    let result = app
        .client()
        .run(sign_in("bo@north.example", PASSWORD))
        .await;

    assert_eq!(result, Ok(()));
}

#[sqlx::test]
async fn twenty_failures_from_one_address_lock_that_address(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    for i in 0..20 {
        app.client()
            .login(&format!("spray{i}@north.example"), "guess")
            .await;
    }

    let result = app
        .client()
        .run(sign_in("ana@north.example", PASSWORD))
        .await;

    assert!(
        matches!(result, Err(AppError::RateLimited { .. })),
        "{result:?}"
    );
}

#[sqlx::test]
async fn a_deactivated_user_is_signed_out_and_cannot_sign_in(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "boss@north.example", Role::Manager).await;
    let agent = user(&pool, "north", "ana@north.example", Role::Agent).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let mut agent_client = app.signed_in("ana@north.example").await;

    let deactivate = SetUserActive {
        user_id: agent,
        active: false,
    };
    let deactivated = manager.run(deactivate).await;

    assert_eq!(deactivated, Ok(()));
    let me = agent_client.run(SignedInUser {}).await;
    assert_eq!(me, Ok(None), "the open session ended");
    let again = app
        .client()
        .run(sign_in("ana@north.example", PASSWORD))
        .await;
    assert_eq!(again, Err(AppError::InvalidCredentials));
}

#[sqlx::test]
async fn a_cross_site_post_is_refused_and_changes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "boss@north.example", Role::Manager).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let form = [
        ("name", "Mallory"),
        ("email", "mallory@north.example"),
        ("role", "manager"),
        ("password", "long-enough-password"),
    ];

    let by_fetch_metadata = manager
        .call_with("create_user", &form, &[("sec-fetch-site", "cross-site")])
        .await;
    let by_origin = manager
        .call_with("create_user", &form, &[("origin", "https://evil.example")])
        .await;

    assert_eq!(by_fetch_metadata.status(), StatusCode::FORBIDDEN);
    assert_eq!(by_origin.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM users WHERE email = 'mallory@north.example'"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn a_cross_site_sign_in_is_refused(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    let mut client = app.client();

    let response = client
        .call_with(
            "login",
            &[("email", "ana@north.example"), ("password", PASSWORD)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(client.cookie.is_none());
}

#[sqlx::test]
async fn the_audit_log_refuses_updates_and_deletes(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "ana@north.example", Role::Agent).await;
    app.signed_in("ana@north.example").await;

    let update = sqlx::query("UPDATE audit_events SET action = 'nothing'")
        .execute(&pool)
        .await;
    let delete = sqlx::query("DELETE FROM audit_events").execute(&pool).await;

    assert!(update.is_err() && delete.is_err());
    assert!(count(&pool, "SELECT count(*) FROM audit_events").await >= 3);
}
