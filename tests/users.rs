//! User administration: who may do it, and that it never reaches another organisation.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::auth::SignedInUser;
use consentdesk::api::users::{ChangeRole, CreateUser, ListUsers, SetUserActive};
use consentdesk::error::AppError;
use consentdesk::model::Role;
use sqlx::PgPool;
use uuid::Uuid;

fn new_user(name: &str, email: &str, role: &str, password: &str) -> CreateUser {
    CreateUser {
        name: name.into(),
        email: email.into(),
        role: role.into(),
        password: password.into(),
    }
}

fn promote(user_id: Uuid) -> ChangeRole {
    ChangeRole {
        user_id,
        role: "manager".into(),
    }
}

fn deactivate(user_id: Uuid) -> SetUserActive {
    SetUserActive {
        user_id,
        active: false,
    }
}

#[sqlx::test]
async fn a_manager_lists_only_their_own_organisation(pool: PgPool) {
    let mut cast = cast(&pool).await;

    let users = cast.manager.run(ListUsers {}).await.unwrap();

    let emails: Vec<_> = users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails.len(), 3);
    assert!(
        emails.iter().all(|e| e.ends_with("@north.example")),
        "{emails:?}"
    );
}

#[sqlx::test]
async fn agents_and_compliance_officers_cannot_administer_users(pool: PgPool) {
    let cast = cast(&pool).await;
    for mut client in [cast.agent, cast.compliance] {
        let list = client.run(ListUsers {}).await.map(|_| ());
        let create = client
            .run(new_user(
                "X",
                "x@north.example",
                "manager",
                "long-enough-password",
            ))
            .await
            .map(|_| ());
        let promote = client.run(promote(cast.agent_id)).await;
        let deactivate = client.run(deactivate(cast.agent_id)).await;

        for result in [list, create, promote, deactivate] {
            assert_eq!(result, Err(AppError::Forbidden));
        }
    }
    let created = "SELECT count(*) FROM users WHERE email = 'x@north.example'";
    assert_eq!(count(&pool, created).await, 0);
    let agents = "SELECT count(*) FROM users WHERE role = 'agent' AND active";
    assert_eq!(count(&pool, agents).await, 2);
}

#[sqlx::test]
async fn nobody_signed_in_gets_401(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;

    let result = app.client().run(ListUsers {}).await;

    assert_eq!(result.unwrap_err(), AppError::Unauthenticated);
}

#[sqlx::test]
async fn another_organisations_user_answers_as_not_found_and_is_untouched(pool: PgPool) {
    let mut cast = cast(&pool).await;

    let promoted = cast.manager.run(promote(cast.south_agent_id)).await;
    let deactivated = cast.manager.run(deactivate(cast.south_agent_id)).await;
    let missing = cast.manager.run(promote(Uuid::new_v4())).await;

    assert_eq!(promoted, Err(AppError::NotFound));
    assert_eq!(deactivated, Err(AppError::NotFound));
    assert_eq!(promoted, missing, "indistinguishable from a missing user");
    let (role, active): (Role, bool) =
        sqlx::query_as("SELECT role, active FROM users WHERE id = $1")
            .bind(cast.south_agent_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((role, active), (Role::Agent, true));
}

#[sqlx::test]
async fn a_manager_creates_a_user_who_can_then_sign_in(pool: PgPool) {
    let mut cast = cast(&pool).await;

    let created = cast
        .manager
        .run(new_user(
            " Nia  Cole ",
            "Nia@North.example",
            "agent",
            "a-long-first-password",
        ))
        .await;

    assert_eq!(created, Ok(()));
    let mut nia = cast.app.client();
    let signed_in = nia
        .login("nia@north.example", "a-long-first-password")
        .await;
    assert_eq!(signed_in.status(), reqwest::StatusCode::OK);
    let me = nia.run(SignedInUser {}).await.unwrap().unwrap();
    assert_eq!(me.name, "Nia Cole");
    assert_eq!(me.org_name, "Org north");
    let audited =
        "SELECT count(*) FROM audit_events WHERE action = 'user.created' AND actor_kind = 'user'";
    assert_eq!(count(&pool, audited).await, 1);
}

#[sqlx::test]
async fn invalid_input_returns_every_field_error_and_writes_nothing(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let before = count(&pool, "SELECT count(*) FROM users").await;

    let result = cast
        .manager
        .run(new_user("  ", "not-an-email", "admin", "short"))
        .await;

    let Err(AppError::Validation(fields)) = result else {
        panic!("not a validation error: {result:?}")
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
    let mut cast = cast(&pool).await;
    let create = |email| new_user("Sam Again", email, "agent", "a-long-first-password");

    let here = cast.manager.run(create("boss@north.example")).await;
    // Issue 10: "e-mail already exists" must not reveal another organisation's accounts.
    let elsewhere = cast.manager.run(create("sam@south.example")).await;

    let Err(AppError::Validation(fields)) = here else {
        panic!("not a validation error: {here:?}")
    };
    assert_eq!(
        fields.get("email"),
        Some("Someone in your organisation already has an account with this email.")
    );
    assert_eq!(elsewhere, Ok(()));
}

#[sqlx::test]
async fn a_role_change_takes_effect_on_the_next_request(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let before = cast.agent.run(ListUsers {}).await;
    assert_eq!(before.unwrap_err(), AppError::Forbidden);

    cast.manager.run(promote(cast.agent_id)).await.unwrap();

    assert!(cast.agent.run(ListUsers {}).await.is_ok());
    let audited = "SELECT count(*) FROM audit_events WHERE action = 'user.role_changed'";
    assert_eq!(count(&pool, audited).await, 1);
}

#[sqlx::test]
async fn managers_cannot_demote_or_deactivate_themselves(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let me: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'boss@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();

    let demote = ChangeRole {
        user_id: me,
        role: "agent".into(),
    };
    let demoted = cast.manager.run(demote).await;
    let deactivated = cast.manager.run(deactivate(me)).await;

    assert!(matches!(demoted, Err(AppError::Conflict(_))), "{demoted:?}");
    assert!(
        matches!(deactivated, Err(AppError::Conflict(_))),
        "{deactivated:?}"
    );
    assert!(cast.manager.run(ListUsers {}).await.is_ok());
}

#[sqlx::test]
async fn an_organisation_with_a_taken_slug_or_an_unknown_time_zone_is_refused_and_nothing_is_written(
    pool: PgPool,
) {
    org(&pool, "north").await;
    let before = count(&pool, "SELECT count(*) FROM organisations").await;
    let input = |slug, time_zone| consentdesk::server::orgs::NewOrgInput {
        name: "Second Store",
        slug,
        vertical: consentdesk::model::Vertical::Automotive,
        time_zone,
    };

    let taken = consentdesk::server::orgs::create(&pool, input("north", "America/Chicago")).await;
    let nowhere = consentdesk::server::orgs::create(&pool, input("west", "Mars/Olympus")).await;

    let Err(AppError::Validation(fields)) = taken else {
        panic!("not a validation error: {taken:?}")
    };
    assert_eq!(fields.get("slug"), Some("north is taken"));
    let Err(AppError::Validation(fields)) = nowhere else {
        panic!("not a validation error: {nowhere:?}")
    };
    assert!(fields.get("time_zone").is_some());
    assert_eq!(
        count(&pool, "SELECT count(*) FROM organisations").await,
        before
    );
    let audited = "SELECT count(*) FROM audit_events WHERE action = 'org.created'";
    assert_eq!(count(&pool, audited).await, before);
}
