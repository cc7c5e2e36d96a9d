//! The lead book: validation, scoping by role and organisation, import and export.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::leads::{
    AddLeadNote, AssignLead, CreateLead, DeleteLead, GetLead, ListLeads, SetLeadStatus, UpdateLead,
};
use consentdesk::error::AppError;
use consentdesk::model::{LeadInput, LeadList, LeadQuery, Role};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

/// The lead form with a name and a phone, the rest left blank.
fn lead(name: &str, phone: &str) -> LeadInput {
    LeadInput {
        name: name.into(),
        phone: phone.into(),
        ..LeadInput::default()
    }
}

async fn create(client: &mut Client, name: &str, phone: &str) -> Uuid {
    let input = lead(name, phone);
    client
        .run(CreateLead { input })
        .await
        .unwrap_or_else(|e| panic!("creating {name}: {e:?}"))
}

/// Lists leads the way the page does: every filter key sent, the given ones filled.
async fn list(client: &mut Client, query: LeadQuery) -> LeadList {
    client.run(ListLeads { query }).await.unwrap()
}

fn sorted_by(sort: &str) -> LeadQuery {
    LeadQuery {
        sort: sort.into(),
        ..LeadQuery::default()
    }
}

fn searching(q: &str) -> LeadQuery {
    LeadQuery {
        q: q.into(),
        ..LeadQuery::default()
    }
}

fn names(list: &LeadList) -> Vec<&str> {
    list.page.rows.iter().map(|r| r.name.as_str()).collect()
}

fn set_status(id: Uuid, status: &str) -> SetLeadStatus {
    SetLeadStatus {
        id,
        status: status.into(),
    }
}

fn note(id: Uuid, body: &str) -> AddLeadNote {
    AddLeadNote {
        id,
        body: body.into(),
    }
}

fn assign(id: Uuid, assignee: &str) -> AssignLead {
    AssignLead {
        id,
        assignee: assignee.into(),
    }
}

#[sqlx::test]
async fn a_lead_is_stored_with_its_phone_in_e164(pool: PgPool) {
    let mut cast = cast(&pool).await;

    let id = create(&mut cast.manager, "Ana Diaz", "(415) 555-0100").await;

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
    let mut cast = cast(&pool).await;
    let manager = &mut cast.manager;
    let id = create(manager, "Ana Diaz", "(415) 555-0100").await;
    let bad = LeadInput {
        name: "".into(),
        phone: "12".into(),
        email: "nope".into(),
        interest_vin: "1HGCM82643A004352".into(),
        interest_year: "1492".into(),
        ..LeadInput::default()
    };

    let created = manager.run(CreateLead { input: bad.clone() }).await;
    let updated = manager.run(UpdateLead { id, input: bad }).await;

    for result in [created.map(|_| ()), updated] {
        let Err(AppError::Validation(fields)) = result else {
            panic!("not a validation error: {result:?}")
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
    let mut cast = cast(&pool).await;
    let agent = &mut cast.agent;
    let id = create(agent, "Ana Diaz", "(415) 555-0100").await;

    let input = LeadInput {
        interest_make: "Honda".into(),
        time_zone: "America/Denver".into(),
        ..lead("Ana María Díaz", "415 555 0100")
    };
    let edited = agent.run(UpdateLead { id, input }).await;
    let status = agent.run(set_status(id, "qualified")).await;
    let note = agent.run(note(id, "Wants a test drive")).await;

    for result in [edited, status, note] {
        assert_eq!(result, Ok(()));
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
        .bind(id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(audited, 1, "{action}");
    }
}

#[sqlx::test]
async fn saving_the_form_keeps_the_fields_of_another_vertical(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let manager = &mut cast.manager;
    let id = create(manager, "Ana Diaz", "(415) 555-0100").await;
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
    let input = LeadInput {
        interest_make: "Honda".into(),
        ..lead("Ana Diaz", "(415) 555-0100")
    };
    let saved = manager.run(UpdateLead { id, input }).await;

    assert_eq!(saved, Ok(()));
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
    let mut cast = cast(&pool).await;
    create(&mut cast.manager, "Ana Diaz", "(415) 555-0100").await;

    let input = lead("Ana Again", "+1 415 555 0100");
    let result = cast.manager.run(CreateLead { input }).await;

    let Err(AppError::Validation(fields)) = result else {
        panic!("not a validation error: {result:?}")
    };
    assert!(fields.get("phone").is_some());
}

#[sqlx::test]
async fn agents_see_and_edit_only_their_own_and_unassigned_leads(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let other_agent = user(&pool, "north", "bo@north.example", Role::Agent).await;
    let manager = &mut cast.manager;
    let mine = create(manager, "Mine", "4155550101").await;
    let theirs = create(manager, "Theirs", "4155550102").await;
    create(manager, "Nobody's", "4155550103").await;
    let to_ana = assign(mine, &cast.agent_id.to_string());
    manager.run(to_ana).await.unwrap();
    let to_bo = assign(theirs, &other_agent.to_string());
    manager.run(to_bo).await.unwrap();
    let agent = &mut cast.agent;

    let page = list(agent, sorted_by("name")).await;
    let open = agent.run(GetLead { id: theirs }).await.map(|_| ());
    let input = lead("Hijacked", "4155550102");
    let edit = agent.run(UpdateLead { id: theirs, input }).await;
    let status = agent.run(set_status(theirs, "lost")).await;
    let note = agent.run(note(theirs, "mine now")).await;

    assert_eq!(names(&page), ["Mine", "Nobody's"]);
    for result in [open, edit, status, note] {
        assert_eq!(result, Err(AppError::NotFound));
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
    let mut cast = cast(&pool).await;
    let mut south = cast.app.signed_in("boss@south.example").await;
    let south_lead = create(&mut south, "Southern", "4155550104").await;
    let north = &mut cast.manager;

    let page = list(north, LeadQuery::default()).await;
    let input = lead("X", "4155550104");
    let results = [
        north.run(GetLead { id: south_lead }).await.map(|_| ()),
        north
            .run(UpdateLead {
                id: south_lead,
                input,
            })
            .await,
        north.run(assign(south_lead, "")).await,
        north.run(DeleteLead { id: south_lead }).await,
        north.run(note(south_lead, "hello")).await,
    ];

    assert_eq!(page.total, 0);
    for result in results {
        assert_eq!(result, Err(AppError::NotFound));
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads WHERE name = 'Southern'").await,
        1
    );
    // And the same phone is free to be a lead of the other organisation.
    create(north, "Northern", "4155550104").await;
}

#[sqlx::test]
async fn a_lead_cannot_be_assigned_to_someone_of_another_organisation(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let southerner = cast.south_agent_id;
    let lead = create(&mut cast.manager, "Ana", "4155550105").await;

    let result = cast
        .manager
        .run(assign(lead, &southerner.to_string()))
        .await;

    assert!(matches!(result, Err(AppError::Validation(_))), "{result:?}");
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
    let mut cast = cast(&pool).await;
    let id = create(&mut cast.manager, "Ana", "4155550106").await;
    let (compliance, agent) = (&mut cast.compliance, &mut cast.agent);

    let input = lead("X", "4155550107");
    let refused = [
        compliance.run(CreateLead { input }).await.map(|_| ()),
        compliance.run(set_status(id, "won")).await,
        agent.run(assign(id, &cast.agent_id.to_string())).await,
        agent.run(DeleteLead { id }).await,
    ];

    for result in refused {
        assert_eq!(result, Err(AppError::Forbidden));
    }
    assert!(
        compliance.run(GetLead { id }).await.is_ok(),
        "compliance may read"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 1);
}

#[sqlx::test]
async fn viewing_a_lead_is_audited(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let lead = create(&mut cast.manager, "Ana", "4155550108").await;

    cast.manager.run(GetLead { id: lead }).await.unwrap();

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
    let mut cast = cast(&pool).await;
    let manager = &mut cast.manager;
    let lead = create(manager, "Ana", "4155550109").await;
    let noted = manager.run(note(lead, "called twice")).await;
    assert_eq!(noted, Ok(()));
    assert_eq!(count(&pool, "SELECT count(*) FROM lead_notes").await, 1);

    let deleted = manager.run(DeleteLead { id: lead }).await;

    assert_eq!(deleted, Ok(()));
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
    let mut cast = cast(&pool).await;
    let manager = &mut cast.manager;
    let input = LeadInput {
        email: "ana@x.example".into(),
        interest_vin: "1HGCM82633A004352".into(),
        ..lead("Ana Diaz", "(415) 555-0110")
    };
    manager.run(CreateLead { input }).await.unwrap();
    create(manager, "Bo Chen", "(312) 555-0111").await;

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
        let page = list(manager, searching(q)).await;
        assert_eq!(names(&page), [expected], "searching {q:?}");
    }
    assert_eq!(
        list(manager, searching("50%")).await.total,
        0,
        "wildcards are literal"
    );
}

#[sqlx::test]
async fn filters_and_keyset_pages_cover_every_lead_exactly_once(pool: PgPool) {
    let mut cast = cast(&pool).await;
    consentdesk::server::seed::seed_bulk(&pool, "north", 120)
        .await
        .unwrap();
    let manager = &mut cast.manager;

    for sort in ["newest", "oldest", "updated", "name"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let query = LeadQuery {
                cursor,
                ..sorted_by(sort)
            };
            let page = list(manager, query).await;
            assert_eq!(page.total, 120);
            seen.extend(page.page.rows.iter().map(|r| r.id));
            match page.page.next_cursor {
                Some(next) => cursor = next,
                None => break,
            }
        }
        let unique: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!((seen.len(), unique.len()), (120, 120), "{sort}");
    }
    let trade_ins = LeadQuery {
        tag: "trade-in".into(),
        status: "new".into(),
        ..LeadQuery::default()
    };
    let trade_ins = list(manager, trade_ins).await;
    let expected: i64 = count(
        &pool,
        "SELECT count(*) FROM leads WHERE 'trade-in' = ANY(tags) AND status = 'new'",
    )
    .await;
    assert_eq!(trade_ins.total, expected);
}

#[sqlx::test]
async fn the_export_contains_exactly_the_filtered_rows_and_is_audited(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let manager = &mut cast.manager;
    create(manager, "=HYPERLINK(\"evil\")", "4155550112").await;
    create(manager, "Bo Chen", "4155550113").await;
    create(manager, "Cy Diaz", "3125550114").await;

    let response = cast
        .compliance
        .get("/leads/export.csv?q=415&sort=name")
        .await;

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
    assert_eq!(
        cast.agent.get("/leads/export.csv").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test]
async fn rendering_a_lead_page_reads_and_audits_it_once(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let lead = create(&mut cast.manager, "Ana", "4155550108").await;

    let page = cast.manager.get(&format!("/leads/{lead}")).await;

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

/// Gives north's leads assistant scores in tens (0, 10 … 90, many ties), and none to every
/// third lead, as the assistant's readings would.
async fn score_leads(pool: &PgPool) {
    sqlx::query(
        "WITH n AS (SELECT id, row_number() OVER (ORDER BY created_at, id) AS i FROM leads)
         UPDATE leads SET ai_score = CASE WHEN n.i % 3 = 0 THEN NULL ELSE (n.i % 10) * 10 END
         FROM n WHERE leads.id = n.id",
    )
    .execute(pool)
    .await
    .unwrap();
}

/// Every page of a query, in order.
async fn every_page(client: &mut Client, query: LeadQuery) -> Vec<consentdesk::model::LeadRow> {
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = list(
            client,
            LeadQuery {
                cursor,
                ..query.clone()
            },
        )
        .await;
        rows.extend(page.page.rows);
        match page.page.next_cursor {
            Some(next) => cursor = next,
            None => return rows,
        }
    }
}

#[sqlx::test]
async fn sorting_by_score_pages_highest_first_with_unscored_leads_last(pool: PgPool) {
    let mut cast = cast(&pool).await;
    consentdesk::server::seed::seed_bulk(&pool, "north", 120)
        .await
        .unwrap();
    score_leads(&pool).await;

    let rows = every_page(&mut cast.manager, sorted_by("score")).await;

    let seen: Vec<(Option<i16>, Uuid)> = rows.iter().map(|r| (r.ai_score, r.id)).collect();
    let mut expected = seen.clone();
    // Highest first, ties newest id first, no score last: the index's order.
    expected.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => y.cmp(&x).then(b.1.cmp(&a.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => b.1.cmp(&a.1),
    });
    let unique: std::collections::HashSet<_> = seen.iter().map(|(_, id)| id).collect();
    assert_eq!((seen.len(), unique.len()), (120, 120), "every lead once");
    assert_eq!(seen, expected);
    assert_eq!(seen.iter().filter(|(s, _)| s.is_none()).count(), 40);
    assert_eq!(seen[0].0, Some(90));
}

#[sqlx::test]
async fn score_at_least_lists_only_leads_scored_that_high(pool: PgPool) {
    let mut cast = cast(&pool).await;
    consentdesk::server::seed::seed_bulk(&pool, "north", 120)
        .await
        .unwrap();
    score_leads(&pool).await;
    let query = LeadQuery {
        score: "70".into(),
        ..sorted_by("newest")
    };

    let first = list(&mut cast.manager, query.clone()).await;
    let rows = every_page(&mut cast.manager, query).await;

    let expected = count(&pool, "SELECT count(*) FROM leads WHERE ai_score >= 70").await;
    assert!(expected > 0);
    assert_eq!(first.total, expected);
    assert_eq!(rows.len() as i64, expected);
    assert!(rows.iter().all(|r| r.ai_score.is_some_and(|s| s >= 70)));
}

#[sqlx::test]
async fn an_agent_sorting_and_filtering_by_score_still_sees_only_their_leads(pool: PgPool) {
    let mut cast = cast(&pool).await;
    let other_agent = user(&pool, "north", "bo@north.example", Role::Agent).await;
    let manager = &mut cast.manager;
    let mine = create(manager, "Mine", "4155550101").await;
    let theirs = create(manager, "Theirs", "4155550102").await;
    let nobodys = create(manager, "Nobody's", "4155550103").await;
    create(manager, "Unscored", "4155550104").await;
    manager
        .run(assign(mine, &cast.agent_id.to_string()))
        .await
        .unwrap();
    manager
        .run(assign(theirs, &other_agent.to_string()))
        .await
        .unwrap();
    for (id, score) in [(mine, Some(60)), (theirs, Some(95)), (nobodys, Some(80))] {
        sqlx::query("UPDATE leads SET ai_score = $2 WHERE id = $1")
            .bind(id)
            .bind(score)
            .execute(&pool)
            .await
            .unwrap();
    }
    let agent = &mut cast.agent;

    let sorted = list(agent, sorted_by("score")).await;
    let filtered = LeadQuery {
        score: "50".into(),
        ..sorted_by("score")
    };
    let filtered = list(agent, filtered).await;

    assert_eq!(names(&sorted), ["Nobody's", "Mine", "Unscored"]);
    assert_eq!(names(&filtered), ["Nobody's", "Mine"]);
    assert_eq!(filtered.total, 2);
}
