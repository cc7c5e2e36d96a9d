//! CSV import: preview with per-row outcomes, one import with merge or skip, a report.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::leads::{CreateLead, PreviewImport, RunImport};
use consentdesk::error::AppError;
use consentdesk::model::{LeadInput, RowOutcome};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const FILE: &str = "Name,Phone,Email,Make,Colour\n\
Ana New,(415) 555-0120,ana.new@x.example,Honda,red\n\
Bad Phone,12,,,\n\
Existing Again,(415) 555-0121,existing@x.example,Ford,\n\
Ana Twin,,ANA.NEW@x.example,,\n\
Cy Moss,(415) 555-0122,,,\n";

/// The cast, north holding one lead ("Existing"), and the id of FILE as the manager uploaded it.
async fn prepared(pool: &PgPool) -> (Cast, Uuid) {
    let mut cast = cast(pool).await;
    let existing = LeadInput {
        name: "Existing".into(),
        phone: "4155550121".into(),
        ..Default::default()
    };
    cast.manager
        .run(CreateLead { input: existing })
        .await
        .unwrap();
    let id = upload(&mut cast.manager, "leads.csv", FILE).await;
    (cast, id)
}

/// Uploads a file to import and returns its id, from the preview the upload redirects to.
async fn upload(manager: &mut Client, filename: &str, body: &str) -> Uuid {
    let response = manager
        .upload("/leads/import", "file", filename, body)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap();
    location
        .strip_prefix("/leads/import/")
        .expect("redirected to the preview")
        .parse()
        .unwrap()
}

fn run_import(id: Uuid, duplicates: &str) -> RunImport {
    RunImport {
        id,
        duplicates: duplicates.into(),
    }
}

#[sqlx::test]
async fn the_preview_shows_each_rows_outcome_and_imports_nothing(pool: PgPool) {
    let (mut cast, id) = prepared(&pool).await;

    let preview = cast.manager.run(PreviewImport { id }).await.unwrap();

    assert_eq!((preview.total, preview.new), (5, 2));
    assert_eq!((preview.duplicates, preview.invalid), (2, 1));
    assert_eq!(preview.ignored_columns, ["Colour"]);
    let outcomes: Vec<&RowOutcome> = preview.rows.iter().map(|r| &r.outcome).collect();
    assert_eq!(outcomes[0], &RowOutcome::New);
    let RowOutcome::Invalid(reasons) = outcomes[1] else {
        panic!("{:?}", outcomes[1]);
    };
    assert!(reasons[0].starts_with("phone:"), "{reasons:?}");
    assert_eq!(
        outcomes[3],
        &RowOutcome::Duplicate("row 2 of this file".into())
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
}

#[sqlx::test]
async fn merging_fills_empty_fields_and_reports_every_row(pool: PgPool) {
    let (mut cast, id) = prepared(&pool).await;

    let report = cast.manager.run(run_import(id, "merge")).await.unwrap();

    assert_eq!((report.imported, report.merged, report.skipped), (2, 1, 1));
    assert_eq!(report.rejected[0].line, 3);
    assert_eq!(report.rejected[0].name, "Bad Phone");
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
    let (mut cast, id) = prepared(&pool).await;

    let first = cast.manager.run(run_import(id, "skip")).await.unwrap();
    let again = cast.manager.run(run_import(id, "merge")).await.unwrap();

    assert_eq!((first.imported, first.skipped), (2, 2));
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
    let (mut cast, id) = prepared(&pool).await;
    let mut south = cast.app.signed_in("boss@south.example").await;

    let upload = cast
        .agent
        .upload("/leads/import", "file", "x.csv", FILE)
        .await;
    let preview = south.run(PreviewImport { id }).await.map(|_| ());
    let run = south.run(run_import(id, "merge")).await.map(|_| ());

    assert_eq!(upload.status(), StatusCode::FORBIDDEN);
    assert_eq!(preview, Err(AppError::NotFound));
    assert_eq!(run, Err(AppError::NotFound));
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
}

#[sqlx::test]
async fn a_file_that_is_not_a_lead_csv_is_sent_back_with_a_reason(pool: PgPool) {
    let (mut cast, _) = prepared(&pool).await;

    let response = cast
        .manager
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
    let (mut cast, _) = prepared(&pool).await;
    let file = "Name,Phone,Time zone,Locations,Trade-in make,Budget max\n\
Existing Again,(415) 555-0121,America/Denver,Oak Park,Ford,450000\n\
Cy Moss,(415) 555-0122,Mars/Olympus,,,\n";
    let id = upload(&mut cast.manager, "more.csv", file).await;

    let report = cast.manager.run(run_import(id, "merge")).await.unwrap();

    assert_eq!(report.merged, 1);
    assert_eq!(report.rejected[0].name, "Cy Moss");
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
