//! User administration: who may do it, and that it never reaches another organisation.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::error::AppError;
use consentdesk::model::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

async fn two_orgs(pool: &PgPool) -> (uuid::Uuid, uuid::Uuid) {
    org(pool, "north").await;
    org(pool, "south").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "comp@north.example", Role::Compliance).await;
    let north_agent = user(pool, "north", "ana@north.example", Role::Agent).await;
    user(pool, "south", "boss@south.example", Role::Manager).await;
    let south_agent = user(pool, "south", "sam@south.example", Role::Agent).await;
    (north_agent, south_agent)
}

#[sqlx::test]
async fn a_manager_lists_only_their_own_organisation(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    two_orgs(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;

    let users: Vec<serde_json::Value> = manager.call("list_users", &[]).await.json().await.unwrap();

    let emails: Vec<_> = users.iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails.len(), 3);
    assert!(
        emails.iter().all(|e| e.ends_with("@north.example")),
        "{emails:?}"
    );
}

#[sqlx::test]
async fn agents_and_compliance_officers_cannot_administer_users(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (north_agent, _) = two_orgs(&pool).await;
    for email in ["ana@north.example", "comp@north.example"] {
        let mut client = app.signed_in(email).await;

        let list = client.call("list_users", &[]).await;
        let create = client
            .call(
                "create_user",
                &[
                    ("name", "X"),
                    ("email", "x@north.example"),
                    ("role", "manager"),
                    ("password", "long-enough-password"),
                ],
            )
            .await;
        let promote = client
            .call(
                "change_role",
                &[("user_id", &north_agent.to_string()), ("role", "manager")],
            )
            .await;
        let deactivate = client
            .call(
                "set_user_active",
                &[("user_id", &north_agent.to_string()), ("active", "false")],
            )
            .await;

        for response in [list, create, promote, deactivate] {
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
            assert_eq!(error_of(response).await, AppError::Forbidden);
        }
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM users WHERE email = 'x@north.example'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM users WHERE role = 'agent' AND active"
        )
        .await,
        2
    );
}

#[sqlx::test]
async fn nobody_signed_in_gets_401(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;

    let response = app.client().call("list_users", &[]).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test]
async fn another_organisations_user_answers_as_not_found_and_is_untouched(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, south_agent) = two_orgs(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let id = south_agent.to_string();

    let promote = manager
        .call("change_role", &[("user_id", &id), ("role", "manager")])
        .await;
    let deactivate = manager
        .call("set_user_active", &[("user_id", &id), ("active", "false")])
        .await;
    let missing = manager
        .call(
            "change_role",
            &[
                ("user_id", &uuid::Uuid::new_v4().to_string()),
                ("role", "manager"),
            ],
        )
        .await;

    assert_eq!(promote.status(), StatusCode::NOT_FOUND);
    assert_eq!(deactivate.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        error_of(promote).await,
        error_of(missing).await,
        "indistinguishable from a missing user"
    );
    let (role, active): (Role, bool) =
        sqlx::query_as("SELECT role, active FROM users WHERE id = $1")
            .bind(south_agent)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((role, active), (Role::Agent, true));
}

#[sqlx::test]
async fn a_manager_creates_a_user_who_can_then_sign_in(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    two_orgs(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;

    let response = manager
        .call(
            "create_user",
            &[
                ("name", " Nia  Cole "),
                ("email", "Nia@North.example"),
                ("role", "agent"),
                ("password", "a-long-first-password"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let mut nia = app.client();
    assert_eq!(
        nia.login("nia@north.example", "a-long-first-password")
            .await
            .status(),
        StatusCode::OK
    );
    let me: serde_json::Value = nia.call("current_user", &[]).await.json().await.unwrap();
    assert_eq!(me["name"], "Nia Cole");
    assert_eq!(me["org_name"], "Org north");
    assert_eq!(count(&pool, "SELECT count(*) FROM audit_events WHERE action = 'user.created' AND actor_kind = 'user'").await, 1);
}

#[sqlx::test]
async fn invalid_input_returns_every_field_error_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    two_orgs(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let before = count(&pool, "SELECT count(*) FROM users").await;

    let response = manager
        .call(
            "create_user",
            &[
                ("name", "  "),
                ("email", "not-an-email"),
                ("role", "admin"),
                ("password", "short"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Validation(fields) = error_of(response).await else {
        panic!("not a validation error")
    };
    for field in ["name", "email", "role", "password"] {
        assert!(fields.get(field).is_some(), "no message for {field}");
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM users").await, before);
}

#[sqlx::test]
async fn an_email_in_use_in_the_organisation_is_a_field_error_and_another_ones_is_not_revealed(
    pool: PgPool,
) {
    let app = spawn_app(pool.clone()).await;
    two_orgs(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let create = |email: &'static str| {
        [
            ("name", "Sam Again"),
            ("email", email),
            ("role", "agent"),
            ("password", "a-long-first-password"),
        ]
    };

    let here = manager
        .call("create_user", &create("boss@north.example"))
        .await;
    // Issue 10: "e-mail already exists" must not reveal another organisation's accounts.
    let elsewhere = manager
        .call("create_user", &create("sam@south.example"))
        .await;

    let AppError::Validation(fields) = error_of(here).await else {
        panic!("not a validation error")
    };
    assert_eq!(
        fields.get("email"),
        Some("Someone in your organisation already has an account with this email.")
    );
    assert_eq!(elsewhere.status(), StatusCode::OK);
}

#[sqlx::test]
async fn a_role_change_takes_effect_on_the_next_request(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (north_agent, _) = two_orgs(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let mut agent = app.signed_in("ana@north.example").await;
    assert_eq!(
        agent.call("list_users", &[]).await.status(),
        StatusCode::FORBIDDEN
    );

    manager
        .call(
            "change_role",
            &[("user_id", &north_agent.to_string()), ("role", "manager")],
        )
        .await;

    assert_eq!(agent.call("list_users", &[]).await.status(), StatusCode::OK);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'user.role_changed'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn managers_cannot_demote_or_deactivate_themselves(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    two_orgs(&pool).await;
    let me: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'boss@north.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;

    let demote = manager
        .call(
            "change_role",
            &[("user_id", &me.to_string()), ("role", "agent")],
        )
        .await;
    let deactivate = manager
        .call(
            "set_user_active",
            &[("user_id", &me.to_string()), ("active", "false")],
        )
        .await;

    assert_eq!(demote.status(), StatusCode::CONFLICT);
    assert_eq!(deactivate.status(), StatusCode::CONFLICT);
    assert_eq!(
        manager.call("list_users", &[]).await.status(),
        StatusCode::OK
    );
}
