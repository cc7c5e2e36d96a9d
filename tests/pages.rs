//! Server-rendered pages: redirects, role refusals and status codes.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::model::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

async fn staff(pool: &PgPool) {
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "comp@north.example", Role::Compliance).await;
    user(pool, "north", "ana@north.example", Role::Agent).await;
}

#[sqlx::test]
async fn a_visitor_is_sent_to_the_sign_in_page(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;

    let response = app.client().get("/leads").await;

    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/login");
}

#[sqlx::test]
async fn each_role_is_refused_the_areas_spec_section_1_refuses(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    staff(&pool).await;
    let cases = [
        ("ana@north.example", "/users", StatusCode::FORBIDDEN),
        ("ana@north.example", "/audit", StatusCode::FORBIDDEN),
        (
            "ana@north.example",
            "/privacy-requests",
            StatusCode::FORBIDDEN,
        ),
        ("ana@north.example", "/leads", StatusCode::OK),
        ("comp@north.example", "/users", StatusCode::FORBIDDEN),
        ("comp@north.example", "/audit", StatusCode::OK),
        ("boss@north.example", "/users", StatusCode::OK),
        ("boss@north.example", "/privacy-requests", StatusCode::OK),
        ("ana@north.example", "/settings/ai", StatusCode::FORBIDDEN),
        ("comp@north.example", "/settings/ai", StatusCode::FORBIDDEN),
        (
            "comp@north.example",
            "/settings/ai/activity",
            StatusCode::FORBIDDEN,
        ),
        ("boss@north.example", "/settings/ai", StatusCode::OK),
        (
            "boss@north.example",
            "/settings/ai/activity",
            StatusCode::OK,
        ),
    ];
    for (email, path, expected) in cases {
        let mut client = app.signed_in(email).await;

        let response = client.get(path).await;

        assert_eq!(response.status(), expected, "{email} {path}");
    }
}

#[sqlx::test]
async fn the_navigation_shows_only_what_the_role_may_open(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    staff(&pool).await;
    let mut agent = app.signed_in("ana@north.example").await;

    let html = agent.get("/leads").await.text().await.unwrap();

    assert!(html.contains(r#"href="/conversations""#));
    assert!(!html.contains(r#"href="/users""#));
    assert!(!html.contains(r#"href="/audit""#));
}

#[sqlx::test]
async fn a_page_and_its_hydration_data_are_written_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    staff(&pool).await;
    sqlx::query(
        "INSERT INTO leads (org_id, name, email, source) SELECT id, 'Zebulon Quartermaine', 'zq@example.com', 'manual' FROM organisations WHERE slug = 'north'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut boss = app.signed_in("boss@north.example").await;

    let html = boss.get("/leads").await.text().await.unwrap();

    // Once in the table, once in the page's data for hydration: the layout's outlet used
    // to build the page a second time on the server, writing the data twice.
    assert_eq!(html.matches("Zebulon Quartermaine").count(), 2, "{html}");
}

#[sqlx::test]
async fn an_unknown_page_is_a_404(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;

    let response = app.client().get("/no/such/page").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
