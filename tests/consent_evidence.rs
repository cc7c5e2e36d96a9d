//! Consent captured by people and read by compliance (SPEC §3.1, §3.8, §3.10): the public
//! form's evidence, staff records, the number page and packet, verification, blocked sends,
//! quiet hours, and who may do which.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const PHONE: &str = "+14155550100";

async fn shop(pool: &PgPool) -> TestApp {
    two_stores(pool).await
}

/// The current wording's SHA-256 as the form would carry it.
async fn shown_sha(pool: &PgPool, category: &str) -> String {
    let mut conn = pool.acquire().await.unwrap();
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'north'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    consentdesk::server::consent::wording::load(&mut conn, org)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.category.as_str() == category)
        .unwrap()
        .sha256
}

async fn submit_form(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/api/give_consent", app.base))
        .header("user-agent", "Mozilla/5.0 (Test; consent form)")
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn text(app: &TestApp, sid: &str, body: &str) {
    text_north(app, sid, PHONE, body).await;
}

async fn conversation(pool: &PgPool) -> String {
    sqlx::query_scalar::<_, Uuid>("SELECT id FROM conversations")
        .fetch_one(pool)
        .await
        .unwrap()
        .to_string()
}

#[sqlx::test]
async fn the_public_form_records_the_exact_wording_address_and_browser_of_each_ticked_box(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    let informational = shown_sha(&pool, "informational").await;
    let promotional = shown_sha(&pool, "promotional").await;

    let response = submit_form(
        &app,
        &[
            ("input[org]", "north"),
            ("input[name]", "Ana Diaz"),
            ("input[phone]", "(415) 555-0100"),
            ("input[email]", "ana@example.com"),
            ("input[informational]", "yes"),
            ("input[informational_sha256]", &informational),
            ("input[promotional_sha256]", &promotional),
        ],
    )
    .await;

    assert!(response.status().is_success() || response.status().is_redirection());
    // A typed number proves nothing: the grant waits for the number's own YES.
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);
    text(&app, "SMyes", "Yes").await;
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<Vec<u8>>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<Uuid>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT level::text, language, host(ip), language_sha256, user_agent, person_name, source_ref, medium::text, captured_by
         FROM consent_events",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "only the ticked box is recorded");
    let (level, language, ip, sha, agent, person, source, medium, captured_by) = rows[0].clone();
    assert_eq!(level, "express");
    assert!(language.as_deref().unwrap().contains("Org north"));
    assert_eq!(ip.as_deref(), Some("127.0.0.1"));
    let hex: String = sha.unwrap().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, informational, "the text stored is the text shown");
    assert_eq!(agent.as_deref(), Some("Mozilla/5.0 (Test; consent form)"));
    assert_eq!(person.as_deref(), Some("Ana Diaz"));
    let source = source.unwrap();
    assert!(
        source.starts_with("consent-form:") && source.contains(" confirmed by message:"),
        "the evidence names the form submission and the confirming text: {source}"
    );
    assert_eq!(medium.as_deref(), Some("web_form"));
    assert_eq!(captured_by, None);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM leads WHERE phone = '+14155550100' AND source = 'web_form'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM audit_events WHERE action = 'consent.web_form' AND actor_kind = 'anonymous'").await,
        1
    );
}

#[sqlx::test]
async fn the_public_form_requires_nothing_and_records_nothing_it_cannot_prove(pool: PgPool) {
    let app = shop(&pool).await;
    let promotional = shown_sha(&pool, "promotional").await;
    let base = [
        ("input[org]", "north"),
        ("input[name]", "Ana Diaz"),
        ("input[phone]", "(415) 555-0100"),
    ];

    let nothing_ticked = submit_form(&app, &base).await;
    let mut stale = base.to_vec();
    stale.extend([
        ("input[promotional]", "yes"),
        ("input[promotional_sha256]", "0000"),
    ]);
    let stale_wording = submit_form(&app, &stale).await;
    let mut bad_phone = base.to_vec();
    bad_phone[2] = ("input[phone]", "12");
    bad_phone.extend([
        ("input[promotional]", "yes"),
        ("input[promotional_sha256]", &promotional),
    ]);
    let bad_phone = submit_form(&app, &bad_phone).await;
    let mut elsewhere = base.to_vec();
    elsewhere[0] = ("input[org]", "nowhere");
    let unknown_org = submit_form(&app, &elsewhere).await;

    for (response, field) in [
        (nothing_ticked, "informational"),
        (stale_wording, "promotional"),
        (bad_phone, "phone"),
    ] {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let consentdesk::error::AppError::Validation(errors) = error_of(response).await else {
            panic!("a field error for {field}");
        };
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
    assert_eq!(unknown_org.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads").await,
        0,
        "a refused form leaves nothing behind"
    );
}

#[sqlx::test]
async fn written_consent_recorded_by_staff_allows_promotions_and_a_spoken_one_cannot_be_written(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    text(&app, "SM1", "Hi there").await;
    let conversation = conversation(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let form = |medium: &'static str, level: &'static str| {
        vec![
            ("input[phone]", PHONE),
            ("input[family]", "texts"),
            ("input[level]", level),
            ("input[medium]", medium),
            (
                "input[language]",
                "I agree to receive offers by text from North. Not a condition of purchase.",
            ),
            ("input[person_name]", "Ana Diaz"),
            ("input[source_ref]", "paper form #42"),
        ]
    };

    let spoken = compliance
        .call("record_consent", &form("verbal_call", "express_written"))
        .await;
    let paper = compliance
        .call("record_consent", &form("paper_form", "express_written"))
        .await;

    assert_eq!(spoken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(paper.status(), StatusCode::OK);
    let (captured_by, source): (Option<Uuid>, Option<String>) =
        sqlx::query_as("SELECT captured_by, source_ref FROM consent_events")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(captured_by.is_some(), "who captured it is evidence too");
    assert_eq!(source.as_deref(), Some("paper form #42"));
    let mut manager = app.signed_in("boss@north.example").await;
    let sent = manager
        .call(
            "send_reply",
            &[
                ("id", &conversation),
                ("body", "20% off this weekend"),
                ("category", "promotional"),
            ],
        )
        .await;
    let blocked: Option<String> = sent.json().await.unwrap();
    assert_eq!(blocked, None, "promotional is allowed by written consent");
}

#[sqlx::test]
async fn an_opt_out_staff_record_blocks_every_later_send_without_a_text_confirmation(pool: PgPool) {
    let app = shop(&pool).await;
    text(&app, "SM1", "Hi there").await;
    let conversation = conversation(&pool).await;
    let mut agent = app.signed_in("bo@north.example").await;

    let recorded = agent
        .call(
            "record_opt_out",
            &[
                ("input[phone]", "415 555 0100"),
                ("input[family]", "all"),
                ("input[scope]", "all"),
                ("input[medium]", "email"),
                ("input[language]", "Please stop texting me."),
            ],
        )
        .await;

    assert_eq!(recorded.status(), StatusCode::OK);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke'"
        )
        .await,
        3
    );
    let mut manager = app.signed_in("boss@north.example").await;
    for category in ["conversational", "informational", "promotional"] {
        let blocked: Option<String> = manager
            .call(
                "send_reply",
                &[
                    ("id", &conversation),
                    ("body", "Hello"),
                    ("category", category),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(
            blocked.unwrap_or_default().contains("opted out"),
            "{category}"
        );
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM outbox").await, 0);
}

#[sqlx::test]
async fn agents_reach_only_numbers_of_their_leads_and_nobody_reaches_another_organisation(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    text(&app, "SM1", "Hi there").await;
    let bo: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'bo@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE leads SET assigned_to = $1")
        .bind(bo)
        .execute(&pool)
        .await
        .unwrap();
    let mut ana = app.signed_in("ana@north.example").await;
    let mut bo = app.signed_in("bo@north.example").await;
    let mut south = app.signed_in("comp@south.example").await;
    let mut compliance = app.signed_in("comp@north.example").await;

    let other_agents = ana
        .call("get_number_consent", &[("phone", "14155550100")])
        .await;
    let grant_for_others = ana
        .call(
            "record_consent",
            &[
                ("input[phone]", PHONE),
                ("input[family]", "texts"),
                ("input[level]", "express"),
                ("input[medium]", "in_person"),
                (
                    "input[language]",
                    "Yes, you may text me reminders about my appointment.",
                ),
                ("input[person_name]", "Ana Diaz"),
            ],
        )
        .await;
    let own = bo
        .call("get_number_consent", &[("phone", "14155550100")])
        .await;
    let other_org = south
        .call("get_number_consent", &[("phone", "14155550100")])
        .await;
    let agent_search: Value = ana
        .call("search_consent", &[("q", "555")])
        .await
        .json()
        .await
        .unwrap();
    let agent_packet = bo
        .call("get_evidence_packet", &[("phone", "14155550100")])
        .await;
    let agent_report = bo.call("blocked_sends", &[("cursor", "")]).await;
    let agent_ledger = bo.call("verify_consent_ledger", &[]).await;
    let agent_wording = bo
        .call(
            "save_consent_wording",
            &[("category", "promotional"), ("text", "")],
        )
        .await;
    let agent_download = bo.get("/consent/number/14155550100/packet.json").await;

    assert_eq!(other_agents.status(), StatusCode::NOT_FOUND);
    assert_eq!(grant_for_others.status(), StatusCode::NOT_FOUND);
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(
        other_org.status(),
        StatusCode::OK,
        "a number is only a number"
    );
    let other_org: Value = south
        .call("get_number_consent", &[("phone", "14155550100")])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        other_org["leads"].as_array().unwrap().is_empty(),
        "south sees none of north's leads"
    );
    assert!(other_org["events"].as_array().unwrap().is_empty());
    assert!(agent_search.as_array().unwrap().is_empty());
    for response in [
        agent_packet,
        agent_report,
        agent_ledger,
        agent_wording,
        agent_download,
    ] {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let found: Value = compliance
        .call("search_consent", &[("q", "555 0100")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["phone"], PHONE);
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);
}

#[sqlx::test]
async fn the_evidence_packet_holds_the_opt_in_every_message_each_opt_out_and_its_confirmation(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    let informational = shown_sha(&pool, "informational").await;
    submit_form(
        &app,
        &[
            ("input[org]", "north"),
            ("input[name]", "Ana Diaz"),
            ("input[phone]", PHONE),
            ("input[informational]", "yes"),
            ("input[informational_sha256]", &informational),
        ],
    )
    .await;
    // The number confirms the form with its own YES.
    text(&app, "SMyes", "YES").await;
    text(&app, "SM1", "When is my service?").await;
    let conversation = conversation(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    manager
        .call(
            "send_reply",
            &[
                ("id", &conversation),
                ("body", "Tuesday at 9"),
                ("category", "informational"),
            ],
        )
        .await;
    text(&app, "SM2", "STOP").await;
    run_outbox(&pool, &reqwest::Client::new(), 10).await;
    let mut compliance = app.signed_in("comp@north.example").await;

    let json = compliance
        .get("/consent/number/14155550100/packet.json")
        .await;
    let csv = compliance
        .get("/consent/number/14155550100/packet.csv")
        .await;

    assert_eq!(json.status(), StatusCode::OK);
    assert!(json.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("consent-evidence-14155550100"));
    let packet: Value = json.json().await.unwrap();
    let events = packet["events"].as_array().unwrap();
    assert_eq!(
        events.len(),
        4,
        "the web opt-in, and the STOP on each channel family"
    );
    assert_eq!(events[0]["medium"], "web_form");
    assert_eq!(events[0]["ip"], "127.0.0.1");
    assert!(events[0]["language"]
        .as_str()
        .unwrap()
        .contains("Org north"));
    assert_eq!(events[1]["level"], Value::Null);
    let opt_out = &packet["opt_outs"][0];
    assert_eq!(opt_out["seq"], events[1]["seq"]);
    assert!(
        opt_out["confirmation_sent_at"].is_string(),
        "the one confirmation was sent: {opt_out}"
    );
    let bodies: Vec<&str> = packet["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"Tuesday at 9"));
    assert!(bodies.iter().any(|b| b.contains("unsubscribed")));
    assert_eq!(packet["verification"]["first_broken"], Value::Null);
    assert_eq!(packet["verification"]["checked"], 4);
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("record,at,seq"));
    assert_eq!(
        csv.lines()
            .filter(|l| l.starts_with("consent_event,"))
            .count(),
        4
    );
    assert!(csv
        .lines()
        .any(|l| l.starts_with("opt_out,") && l.contains("confirmation sent")));
    assert!(csv
        .lines()
        .any(|l| l.starts_with("verification,") && l.contains("chain intact")));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'consent.packet_exported'"
        )
        .await,
        2
    );
}

#[sqlx::test]
async fn verification_through_the_page_names_the_event_edited_by_hand(pool: PgPool) {
    let app = shop(&pool).await;
    text(&app, "SM1", "STOP").await;
    text(&app, "SM2", "START").await;
    text(&app, "SM3", "STOP").await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let intact: Value = compliance
        .call("verify_consent_ledger", &[])
        .await
        .json()
        .await
        .unwrap();

    let mut tx = pool.begin().await.unwrap();
    sqlx::query("ALTER TABLE consent_events DISABLE TRIGGER consent_events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE consent_events SET medium = 'paper_form' WHERE seq = 2")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE consent_events ENABLE TRIGGER consent_events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let broken: Value = compliance
        .call("verify_consent_ledger", &[])
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        (intact["checked"].as_i64(), &intact["first_broken"]),
        (Some(7), &Value::Null)
    );
    assert_eq!(broken["first_broken"]["seq"], 2);
    assert_eq!(broken["first_broken"]["phone"], PHONE);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'consent.ledger_verified'"
        )
        .await,
        2
    );
}

#[sqlx::test]
async fn the_blocked_sends_report_lists_each_refusal_with_its_rule(pool: PgPool) {
    let app = shop(&pool).await;
    text(&app, "SM1", "STOP").await;
    let conversation = conversation(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    manager
        .call(
            "send_reply",
            &[
                ("id", &conversation),
                ("body", "But wait!"),
                ("category", "promotional"),
            ],
        )
        .await;

    let report: Value = manager
        .call("blocked_sends", &[("cursor", "")])
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(report["rows"].as_array().unwrap().len(), 1);
    assert!(report["rows"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("opted out"));
    assert_eq!(report["rows"][0]["phone"], PHONE);
}

/// A zone where it is now `hour` o'clock (the Etc/GMT zones cover every offset).
fn zone_at_hour(hour: u32) -> String {
    use chrono::Timelike;
    let now = chrono::Utc::now().hour() as i32;
    let offset = (hour as i32 - now + 36) % 24 - 12; // hours east of UTC, -12..=11
                                                     // Etc/GMT names have the sign inverted: Etc/GMT-3 is three hours east of UTC.
    match offset {
        0 => "Etc/GMT".to_string(),
        east if east > 0 => format!("Etc/GMT-{east}"),
        west => format!("Etc/GMT+{}", -west),
    }
}

async fn send_promotion(pool: &PgPool, manager: &mut Client, conversation: &str, zone: String) {
    sqlx::query("UPDATE leads SET time_zone = $1")
        .bind(zone)
        .execute(pool)
        .await
        .unwrap();
    let blocked: Option<String> = manager
        .call(
            "send_reply",
            &[
                ("id", conversation),
                ("body", "Weekend deal"),
                ("category", "promotional"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(blocked, None, "quiet hours delay, they do not block");
}

#[sqlx::test]
async fn promotions_wait_out_the_customers_quiet_hours_and_are_never_dropped(pool: PgPool) {
    let app = shop(&pool).await;
    text(&app, "SM1", "Hi").await;
    let conversation = conversation(&pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'north'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let event = consentdesk::server::consent::NewEvent {
        org_id: org,
        phone: PHONE.into(),
        family: consentdesk::model::ChannelFamily::Texts,
        grant: Some(consentdesk::rules::consent::ConsentLevel::ExpressWritten),
        categories: consentdesk::rules::consent::ConsentLevel::ExpressWritten.covers(),
        medium: consentdesk::model::ConsentMedium::PaperForm,
        language: Some("I agree to receive offers by text.".into()),
        campaign: None,
        ip: None,
        user_agent: None,
        person_name: Some("Ana".into()),
        captured_by: None,
        source_ref: None,
    };
    consentdesk::server::consent::append(&mut conn, &event)
        .await
        .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    send_promotion(&pool, &mut manager, &conversation, zone_at_hour(3)).await;
    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    let (status, reason, wait): (String, Option<String>, f64) = sqlx::query_as(
        "SELECT m.status::text, m.status_reason, extract(epoch FROM o.next_attempt_at - now())::float8
         FROM messages m JOIN outbox o ON o.message_id = m.id WHERE m.direction = 'outbound'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "queued", "at 03:00 local it waits");
    assert!(reason.unwrap().contains("quiet hours"));
    assert!(
        (3.0 * 3600.0..5.5 * 3600.0).contains(&wait),
        "until 08:00 local, {wait} s away"
    );

    sqlx::query("DELETE FROM outbox")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM messages WHERE direction = 'outbound'")
        .execute(&pool)
        .await
        .unwrap();
    send_promotion(&pool, &mut manager, &conversation, zone_at_hour(14)).await;
    run_outbox(&pool, &reqwest::Client::new(), 10).await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE direction = 'outbound' AND status = 'sent'"
        )
        .await,
        1,
        "at 14:00 local it goes at once"
    );
}

#[sqlx::test]
async fn custom_wording_is_what_the_form_shows_and_what_the_ledger_keeps(pool: PgPool) {
    let app = shop(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let wording = "North may text me its offers and deals. This is not a condition of any purchase. Reply STOP to end.";

    let saved = compliance
        .call(
            "save_consent_wording",
            &[("category", "promotional"), ("text", wording)],
        )
        .await;
    let too_short = compliance
        .call(
            "save_consent_wording",
            &[("category", "promotional"), ("text", "ok")],
        )
        .await;
    let conditional = compliance
        .call(
            "save_consent_wording",
            &[
                ("category", "promotional"),
                (
                    "text",
                    "Agree to our texts to get the discount price today.",
                ),
            ],
        )
        .await;
    let form: Value = reqwest::Client::new()
        .post(format!("{}/api/get_public_consent_form", app.base))
        .header("accept", "application/json")
        .form(&[("org", "north")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(too_short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        conditional.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent is never a condition"
    );
    let shown = form["wordings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["category"] == "promotional")
        .unwrap()
        .clone();
    assert_eq!(shown["text"], wording);
    submit_form(
        &app,
        &[
            ("input[org]", "north"),
            ("input[name]", "Ana Diaz"),
            ("input[phone]", PHONE),
            ("input[promotional]", "yes"),
            (
                "input[promotional_sha256]",
                shown["sha256"].as_str().unwrap(),
            ),
        ],
    )
    .await;
    text(&app, "SMyes", "YES").await;
    let (level, language): (String, String) =
        sqlx::query_as("SELECT level::text, language FROM consent_events")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (level.as_str(), language.as_str()),
        ("express_written", wording)
    );
}
