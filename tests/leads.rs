//! The lead book: validation, scoping by role and organisation, import and export.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::error::AppError;
use consentdesk::model::Role;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

struct Shop {
    agent: Uuid,
    other_agent: Uuid,
}

async fn shop(pool: &PgPool) -> Shop {
    org(pool, "north").await;
    org(pool, "south").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "comp@north.example", Role::Compliance).await;
    let agent = user(pool, "north", "ana@north.example", Role::Agent).await;
    let other_agent = user(pool, "north", "bo@north.example", Role::Agent).await;
    user(pool, "south", "boss@south.example", Role::Manager).await;
    Shop { agent, other_agent }
}

async fn create(client: &mut Client, name: &str, phone: &str) -> Uuid {
    let response = client
        .call(
            "create_lead",
            &[("input[name]", name), ("input[phone]", phone)],
        )
        .await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "creating {name}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// Lists leads the way the page does: every filter key sent, the given ones filled.
async fn list(client: &mut Client, query: &[(&str, &str)]) -> Value {
    let keys = ["q", "status", "source", "assigned", "tag", "sort", "cursor"];
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| *v)
    };
    let form: Vec<(String, &str)> = keys
        .iter()
        .map(|k| (format!("query[{k}]"), value(k)))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let response = client.call("list_leads", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test]
async fn a_lead_is_stored_with_its_phone_in_e164(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;

    let id = create(&mut manager, "Ana Diaz", "(415) 555-0100").await;

    let phone: String = sqlx::query_scalar("SELECT phone FROM leads WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(phone, "+14155550100");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'lead.created'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn invalid_input_returns_field_errors_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let id = create(&mut manager, "Ana Diaz", "(415) 555-0100")
        .await
        .to_string();
    let bad = [
        ("input[name]", ""),
        ("input[phone]", "12"),
        ("input[email]", "nope"),
        ("input[interest_vin]", "1HGCM82643A004352"),
        ("input[interest_year]", "1492"),
    ];

    let created = manager.call("create_lead", &bad).await;
    let mut update = vec![("id", id.as_str())];
    update.extend(bad);
    let updated = manager.call("update_lead", &update).await;

    for response in [created, updated] {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let AppError::Validation(fields) = error_of(response).await else {
            panic!("not a validation error")
        };
        for field in ["name", "phone", "email", "interest_vin", "interest_year"] {
            assert!(fields.get(field).is_some(), "no message for {field}");
        }
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
    let name: String = sqlx::query_scalar("SELECT name FROM leads")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Ana Diaz", "the failed update changed nothing");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'lead.updated'"
        )
        .await,
        0,
        "a refused edit is not audited as an edit"
    );
}

#[sqlx::test]
async fn an_edit_a_status_change_and_a_note_are_saved_and_audited(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut agent = app.signed_in("ana@north.example").await;
    let id = create(&mut agent, "Ana Diaz", "(415) 555-0100")
        .await
        .to_string();

    let edited = agent
        .call(
            "update_lead",
            &[
                ("id", &id),
                ("input[name]", "Ana María Díaz"),
                ("input[phone]", "415 555 0100"),
                ("input[interest_make]", "Honda"),
                ("input[time_zone]", "America/Denver"),
            ],
        )
        .await;
    let status = agent
        .call("set_lead_status", &[("id", &id), ("status", "qualified")])
        .await;
    let note = agent
        .call(
            "add_lead_note",
            &[("id", &id), ("body", "Wants a test drive")],
        )
        .await;

    for response in [edited, status, note] {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let (name, make, zone, state): (String, Option<String>, Option<String>, String) =
        sqlx::query_as("SELECT name, interest_make, time_zone, status::text FROM leads")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(name, "Ana María Díaz");
    assert_eq!(make.as_deref(), Some("Honda"));
    assert_eq!(zone.as_deref(), Some("America/Denver"));
    assert_eq!(state, "qualified");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM lead_notes WHERE body = 'Wants a test drive'"
        )
        .await,
        1
    );
    for action in ["lead.updated", "lead.status_changed", "lead.note_added"] {
        let audited: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_events WHERE action = $1 AND object_id = $2",
        )
        .bind(action)
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(audited, 1, "{action}");
    }
}

#[sqlx::test]
async fn saving_the_form_keeps_the_fields_of_another_vertical(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let id = create(&mut manager, "Ana Diaz", "(415) 555-0100").await;
    sqlx::query("UPDATE leads SET budget_min = 300000, locations = 'Oak Park' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();

    // The automotive form, exactly as the page renders it: no real-estate fields at all.
    let html = manager
        .get(&format!("/leads/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("input[budget_min]"),
        "the form shows only the store's profile"
    );
    let response = manager
        .call(
            "update_lead",
            &[
                ("id", &id.to_string()),
                ("input[name]", "Ana Diaz"),
                ("input[phone]", "(415) 555-0100"),
                ("input[interest_make]", "Honda"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let kept: (Option<i32>, Option<String>) =
        sqlx::query_as("SELECT budget_min, locations FROM leads WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let make: Option<String> = sqlx::query_scalar("SELECT interest_make FROM leads WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        make.as_deref(),
        Some("Honda"),
        "the form's own fields are saved"
    );
    assert_eq!(kept, (Some(300000), Some("Oak Park".into())));
}

#[sqlx::test]
async fn a_second_lead_with_the_same_phone_is_a_field_error(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    create(&mut manager, "Ana Diaz", "(415) 555-0100").await;

    let response = manager
        .call(
            "create_lead",
            &[
                ("input[name]", "Ana Again"),
                ("input[phone]", "+1 415 555 0100"),
            ],
        )
        .await;

    let AppError::Validation(fields) = error_of(response).await else {
        panic!("not a validation error")
    };
    assert!(fields.get("phone").is_some());
}

#[sqlx::test]
async fn agents_see_and_edit_only_their_own_and_unassigned_leads(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let shop = shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let mine = create(&mut manager, "Mine", "4155550101").await;
    let theirs = create(&mut manager, "Theirs", "4155550102").await;
    create(&mut manager, "Nobody's", "4155550103").await;
    manager
        .call(
            "assign_lead",
            &[
                ("id", &mine.to_string()),
                ("assignee", &shop.agent.to_string()),
            ],
        )
        .await;
    manager
        .call(
            "assign_lead",
            &[
                ("id", &theirs.to_string()),
                ("assignee", &shop.other_agent.to_string()),
            ],
        )
        .await;
    let mut agent = app.signed_in("ana@north.example").await;

    let page = list(&mut agent, &[("sort", "name")]).await;
    let open = agent.call("get_lead", &[("id", &theirs.to_string())]).await;
    let edit = agent
        .call(
            "update_lead",
            &[
                ("id", &theirs.to_string()),
                ("input[name]", "Hijacked"),
                ("input[phone]", "4155550102"),
            ],
        )
        .await;
    let status = agent
        .call(
            "set_lead_status",
            &[("id", &theirs.to_string()), ("status", "lost")],
        )
        .await;
    let note = agent
        .call(
            "add_lead_note",
            &[("id", &theirs.to_string()), ("body", "mine now")],
        )
        .await;

    assert_eq!(names(&page), ["Mine", "Nobody's"]);
    for response in [open, edit, status, note] {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let (name, status): (String, String) =
        sqlx::query_as("SELECT name, status::text FROM leads WHERE id = $1")
            .bind(theirs)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), status.as_str()), ("Theirs", "new"));
}

#[sqlx::test]
async fn another_organisations_lead_does_not_exist_for_you(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut south = app.signed_in("boss@south.example").await;
    let south_lead = create(&mut south, "Southern", "4155550104")
        .await
        .to_string();
    let mut north = app.signed_in("boss@north.example").await;

    let page = list(&mut north, &[]).await;
    let responses = [
        north.call("get_lead", &[("id", &south_lead)]).await,
        north
            .call(
                "update_lead",
                &[
                    ("id", &south_lead),
                    ("input[name]", "X"),
                    ("input[phone]", "4155550104"),
                ],
            )
            .await,
        north
            .call("assign_lead", &[("id", &south_lead), ("assignee", "")])
            .await,
        north.call("delete_lead", &[("id", &south_lead)]).await,
        north
            .call("add_lead_note", &[("id", &south_lead), ("body", "hello")])
            .await,
    ];

    assert_eq!(page["total"], 0);
    for response in responses {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads WHERE name = 'Southern'").await,
        1
    );
    // And the same phone is free to be a lead of the other organisation.
    create(&mut north, "Northern", "4155550104").await;
}

#[sqlx::test]
async fn a_lead_cannot_be_assigned_to_someone_of_another_organisation(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let southerner = user(&pool, "south", "sam@south.example", Role::Agent).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let lead = create(&mut manager, "Ana", "4155550105").await;

    let response = manager
        .call(
            "assign_lead",
            &[
                ("id", &lead.to_string()),
                ("assignee", &southerner.to_string()),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM leads WHERE assigned_to IS NOT NULL"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn roles_that_may_not_change_leads_are_refused(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let shop = shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let lead = create(&mut manager, "Ana", "4155550106").await.to_string();
    let mut compliance = app.signed_in("comp@north.example").await;
    let mut agent = app.signed_in("ana@north.example").await;

    let refused = [
        compliance
            .call(
                "create_lead",
                &[("input[name]", "X"), ("input[phone]", "4155550107")],
            )
            .await,
        compliance
            .call("set_lead_status", &[("id", &lead), ("status", "won")])
            .await,
        agent
            .call(
                "assign_lead",
                &[("id", &lead), ("assignee", &shop.agent.to_string())],
            )
            .await,
        agent.call("delete_lead", &[("id", &lead)]).await,
    ];

    for response in refused {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        compliance.call("get_lead", &[("id", &lead)]).await.status(),
        StatusCode::OK,
        "compliance may read"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
}

#[sqlx::test]
async fn viewing_a_lead_is_audited(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let lead = create(&mut manager, "Ana", "4155550108").await;

    manager.call("get_lead", &[("id", &lead.to_string())]).await;

    let viewed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'lead.viewed' AND object_id = $1",
    )
    .bind(lead.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(viewed, 1);
}

#[sqlx::test]
async fn a_manager_deletes_a_lead_and_the_deletion_is_audited(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let lead = create(&mut manager, "Ana", "4155550109").await.to_string();
    let noted = manager
        .call("add_lead_note", &[("id", &lead), ("body", "called twice")])
        .await;
    assert_eq!(noted.status(), StatusCode::OK);
    assert_eq!(count(&pool, "SELECT count(*) FROM lead_notes").await, 1);

    let response = manager.call("delete_lead", &[("id", &lead)]).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM lead_notes").await, 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'lead.deleted'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn search_finds_phone_digits_in_any_format_names_emails_and_vins(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    manager
        .call(
            "create_lead",
            &[
                ("input[name]", "Ana Diaz"),
                ("input[phone]", "(415) 555-0110"),
                ("input[email]", "ana@x.example"),
                ("input[interest_vin]", "1HGCM82633A004352"),
            ],
        )
        .await;
    create(&mut manager, "Bo Chen", "(312) 555-0111").await;

    for (q, expected) in [
        ("555-0110", "Ana Diaz"),
        ("415.555", "Ana Diaz"),
        ("diaz", "Ana Diaz"),
        ("di an", "Ana Diaz"),
        ("iaz", "Ana Diaz"),
        ("ANA@X", "Ana Diaz"),
        ("chen, bo", "Bo Chen"),
        ("1hgcm82633a004352", "Ana Diaz"),
        ("(312)", "Bo Chen"),
    ] {
        let page = list(&mut manager, &[("q", q)]).await;
        assert_eq!(names(&page), [expected], "searching {q:?}");
    }
    assert_eq!(
        list(&mut manager, &[("q", "50%")]).await["total"],
        0,
        "wildcards are literal"
    );
}

#[sqlx::test]
async fn filters_and_keyset_pages_cover_every_lead_exactly_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    consentdesk::server::seed::seed_bulk(&pool, "north", 120)
        .await
        .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;

    for sort in ["newest", "oldest", "updated", "name"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = list(&mut manager, &[("sort", sort), ("cursor", &cursor)]).await;
            assert_eq!(page["total"], 120);
            seen.extend(
                page["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["id"].as_str().unwrap().to_string()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        let unique: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!((seen.len(), unique.len()), (120, 120), "{sort}");
    }
    let trade_ins = list(&mut manager, &[("tag", "trade-in"), ("status", "new")]).await;
    let expected: i64 = count(
        &pool,
        "SELECT count(*) FROM leads WHERE 'trade-in' = ANY(tags) AND status = 'new'",
    )
    .await;
    assert_eq!(trade_ins["total"], expected);
}

#[sqlx::test]
async fn the_export_contains_exactly_the_filtered_rows_and_is_audited(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    create(&mut manager, "=HYPERLINK(\"evil\")", "4155550112").await;
    create(&mut manager, "Bo Chen", "4155550113").await;
    create(&mut manager, "Cy Diaz", "3125550114").await;
    let mut compliance = app.signed_in("comp@north.example").await;

    let response = compliance.get("/leads/export.csv?q=415&sort=name").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 3, "{body}");
    assert!(
        lines[1].contains("'=HYPERLINK"),
        "formulas are neutralised: {}",
        lines[1]
    );
    assert!(lines[2].starts_with(|c: char| c.is_ascii_hexdigit()) && lines[2].contains("Bo Chen"));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'leads.exported'"
        )
        .await,
        1
    );
    let mut agent = app.signed_in("ana@north.example").await;
    assert_eq!(
        agent.get("/leads/export.csv").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test]
async fn rendering_a_lead_page_reads_and_audits_it_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let lead = create(&mut manager, "Ana", "4155550108").await;

    let page = manager.get(&format!("/leads/{lead}")).await;

    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Ana"));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'lead.viewed'"
        )
        .await,
        1,
        "the page is built twice on the server; its data is read once"
    );
}
