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

/// North's texting customer with the assistant's reading stored on their lead, as the
/// worker would leave it, and the conversation handed to a person.
async fn read_by_the_assistant(pool: &PgPool) -> (TestApp, uuid::Uuid, uuid::Uuid) {
    let app = two_stores(pool).await;
    text_north(
        &app,
        "SM1",
        "+14155550100",
        "Is the 2021 Civic still there?",
    )
    .await;
    let (conversation, lead): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT id, lead_id FROM conversations")
            .fetch_one(pool)
            .await
            .unwrap();
    sqlx::query(
        r#"UPDATE leads SET ai_score = 72, ai_intent = 'buying', ai_confidence = 80,
               ai_reasons = '[{"label":"Asked about a vehicle","points":30},{"label":"No budget yet","points":-5}]',
               ai_summary = ARRAY['Asks whether the 2021 Civic is available'],
               ai_facts = '{"vehicle":"2021 Honda Civic"}', ai_updated_at = now()
           WHERE id = $1"#,
    )
    .bind(lead)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE conversations SET ai_handoff = 'asked_for_person' WHERE id = $1")
        .bind(conversation)
        .execute(pool)
        .await
        .unwrap();
    (app, conversation, lead)
}

#[sqlx::test]
async fn the_thread_shows_the_assistants_reading_its_handoff_and_ai_assisted_replies(pool: PgPool) {
    let (app, conversation, _) = read_by_the_assistant(&pool).await;
    let mut ana = app.signed_in("ana@north.example").await;
    let suggested = consentdesk::api::conversations::SendReply {
        id: conversation,
        body: "It is! Saturday morning works.".into(),
        category: "conversational".into(),
        ai_assisted: "yes".into(),
    };
    ana.run(suggested).await.unwrap();

    let html = ana
        .get(&format!("/conversations/{conversation}"))
        .await
        .text()
        .await
        .unwrap();

    assert!(html.contains(r#"data-testid="insight-score""#), "{html}");
    assert!(html.contains(r#"class="insight-score">72<"#));
    assert!(html.contains("Buying"));
    assert!(html.contains("Asked about a vehicle") && html.contains("−5"));
    assert!(html.contains("Asks whether the 2021 Civic is available"));
    assert!(html.contains(r#"data-testid="insight-fact-vehicle""#));
    assert!(html.contains("Add to lead"));
    assert!(html.contains(r#"name="ai_assisted""#));
    assert!(html.contains(r#"data-testid="ai-assisted""#));
    assert!(html.contains("The assistant handed this conversation to a person: "));
    assert!(html.contains("Asked for a person"));
}

#[sqlx::test]
async fn the_lead_page_shows_the_reading_without_add_buttons_to_those_who_may_not_edit(
    pool: PgPool,
) {
    let (app, _, lead) = read_by_the_assistant(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;

    let html = compliance
        .get(&format!("/leads/{lead}"))
        .await
        .text()
        .await
        .unwrap();

    assert!(html.contains(r#"data-testid="insight-score""#), "{html}");
    assert!(html.contains(r#"class="insight-score">72<"#));
    assert!(html.contains("2021 Honda Civic"));
    assert!(!html.contains("Add to lead"));
}

#[sqlx::test]
async fn a_thread_the_assistant_has_not_read_says_so(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", "+14155550100", "Hello?").await;
    let conversation: uuid::Uuid = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut ana = app.signed_in("ana@north.example").await;

    let html = ana
        .get(&format!("/conversations/{conversation}"))
        .await
        .text()
        .await
        .unwrap();

    assert!(
        html.contains("The assistant has not read this conversation yet."),
        "{html}"
    );
    assert!(!html.contains(r#"data-testid="insight-score""#));
}
