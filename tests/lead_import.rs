//! CSV import: preview with per-row outcomes, one import with merge or skip, a report.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::model::Role;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

const FILE: &str = "Name,Phone,Email,Make,Colour\n\
Ana New,(415) 555-0120,ana.new@x.example,Honda,red\n\
Bad Phone,12,,,\n\
Existing Again,(415) 555-0121,existing@x.example,Ford,\n\
Ana Twin,,ANA.NEW@x.example,,\n\
Cy Moss,(415) 555-0122,,,\n";

async fn prepared(pool: &PgPool) -> (TestApp, Client, String) {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "ana@north.example", Role::Agent).await;
    let mut manager = app.signed_in("boss@north.example").await;
    manager
        .call(
            "create_lead",
            &[("input[name]", "Existing"), ("input[phone]", "4155550121")],
        )
        .await;
    let response = manager
        .upload("/leads/import", "file", "leads.csv", FILE)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id = location
        .strip_prefix("/leads/import/")
        .expect("redirected to the preview")
        .to_string();
    (app, manager, id)
}

#[sqlx::test]
async fn the_preview_shows_each_rows_outcome_and_imports_nothing(pool: PgPool) {
    let (_app, mut manager, id) = prepared(&pool).await;

    let preview: Value = manager
        .call("preview_import", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        (preview["total"].as_u64(), preview["new"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(
        (preview["duplicates"].as_u64(), preview["invalid"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(preview["ignored_columns"], serde_json::json!(["Colour"]));
    let outcomes: Vec<&Value> = preview["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["outcome"])
        .collect();
    assert_eq!(outcomes[0], "New");
    assert!(
        outcomes[1]["Invalid"][0]
            .as_str()
            .unwrap()
            .starts_with("phone:"),
        "{:?}",
        outcomes[1]
    );
    assert_eq!(outcomes[3]["Duplicate"], "row 2 of this file");
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
}

#[sqlx::test]
async fn merging_fills_empty_fields_and_reports_every_row(pool: PgPool) {
    let (_app, mut manager, id) = prepared(&pool).await;

    let report: Value = manager
        .call("run_import", &[("id", &id), ("duplicates", "merge")])
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        (
            report["imported"].as_u64(),
            report["merged"].as_u64(),
            report["skipped"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(report["rejected"][0]["line"], 3);
    assert_eq!(report["rejected"][0]["name"], "Bad Phone");
    let email: Option<String> =
        sqlx::query_scalar("SELECT email FROM leads WHERE name = 'Existing'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(email.as_deref(), Some("existing@x.example"));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads WHERE source = 'import'").await,
        2
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'leads.imported'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn skipping_leaves_existing_leads_alone_and_a_second_run_imports_nothing_more(pool: PgPool) {
    let (_app, mut manager, id) = prepared(&pool).await;

    let first: Value = manager
        .call("run_import", &[("id", &id), ("duplicates", "skip")])
        .await
        .json()
        .await
        .unwrap();
    let again: Value = manager
        .call("run_import", &[("id", &id), ("duplicates", "merge")])
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        (first["imported"].as_u64(), first["skipped"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(first, again, "the stored report is returned");
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 3);
    let email: Option<String> =
        sqlx::query_scalar("SELECT email FROM leads WHERE name = 'Existing'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(email, None);
}

#[sqlx::test]
async fn agents_cannot_import_and_other_organisations_cannot_see_an_upload(pool: PgPool) {
    let (app, _manager, id) = prepared(&pool).await;
    org(&pool, "south").await;
    user(&pool, "south", "boss@south.example", Role::Manager).await;
    let mut agent = app.signed_in("ana@north.example").await;
    let mut south = app.signed_in("boss@south.example").await;

    let upload = agent.upload("/leads/import", "file", "x.csv", FILE).await;
    let preview = south.call("preview_import", &[("id", &id)]).await;
    let run = south
        .call("run_import", &[("id", &id), ("duplicates", "merge")])
        .await;

    assert_eq!(upload.status(), StatusCode::FORBIDDEN);
    assert_eq!(preview.status(), StatusCode::NOT_FOUND);
    assert_eq!(run.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
}

#[sqlx::test]
async fn a_file_that_is_not_a_lead_csv_is_sent_back_with_a_reason(pool: PgPool) {
    let (_app, mut manager, _) = prepared(&pool).await;

    let response = manager
        .upload("/leads/import", "file", "x.csv", "phone,email\n1,2\n")
        .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/leads/import?error="));
    assert_eq!(count(&pool, "SELECT count(*) FROM lead_imports").await, 1);
}

#[sqlx::test]
async fn merging_fills_every_empty_field_and_an_unknown_time_zone_is_rejected(pool: PgPool) {
    let (_app, mut manager, _) = prepared(&pool).await;
    let file = "Name,Phone,Time zone,Locations,Trade-in make,Budget max\n\
Existing Again,(415) 555-0121,America/Denver,Oak Park,Ford,450000\n\
Cy Moss,(415) 555-0122,Mars/Olympus,,,\n";
    let response = manager
        .upload("/leads/import", "file", "more.csv", file)
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id = location.strip_prefix("/leads/import/").unwrap().to_string();

    let report: Value = manager
        .call("run_import", &[("id", &id), ("duplicates", "merge")])
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(report["merged"].as_u64(), Some(1));
    assert_eq!(report["rejected"][0]["name"], "Cy Moss");
    let merged: (Option<String>, Option<String>, Option<String>, Option<i32>) = sqlx::query_as(
        "SELECT time_zone, locations, owned_make, budget_max FROM leads WHERE name = 'Existing'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        merged,
        (
            Some("America/Denver".into()),
            Some("Oak Park".into()),
            Some("Ford".into()),
            Some(450000)
        )
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads WHERE name = 'Cy Moss'").await,
        0
    );
}
