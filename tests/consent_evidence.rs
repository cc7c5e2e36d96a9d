//! Consent captured by people and read by compliance (SPEC §3.1, §3.8, §3.10): the public
//! form's evidence, staff records, the number page and packet, verification, blocked sends,
//! quiet hours, and who may do which.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::consent::{
    BlockedSends, GetEvidencePacket, GetNumberConsent, GetPublicConsentForm, GiveConsent,
    RecordConsent, RecordOptOut, SaveConsentWording, SearchConsent, VerifyConsentLedger,
};
use consentdesk::api::conversations::SendReply;
use consentdesk::error::AppError;
use consentdesk::model::{
    ConsentMedium, EvidencePacket, MessageCategory, PublicConsentInput, RecordConsentInput,
    RecordOptOutInput,
};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const PHONE: &str = "+14155550100";
const BROWSER: &str = "Mozilla/5.0 (Test; consent form)";

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

/// Ana Diaz fills in north's public form with `phone`, ticking nothing yet.
fn form(phone: &str) -> PublicConsentInput {
    PublicConsentInput {
        org: "north".into(),
        name: "Ana Diaz".into(),
        phone: phone.into(),
        ..Default::default()
    }
}

/// The form with the informational box ticked under the wording of `sha256`.
fn informational_box(input: PublicConsentInput, sha256: &str) -> PublicConsentInput {
    PublicConsentInput {
        informational: Some("yes".into()),
        informational_sha256: sha256.into(),
        ..input
    }
}

/// The form with the promotional box ticked under the wording of `sha256`.
fn promotional_box(input: PublicConsentInput, sha256: &str) -> PublicConsentInput {
    PublicConsentInput {
        promotional: Some("yes".into()),
        promotional_sha256: sha256.into(),
        ..input
    }
}

/// Submits the public form from a browser, whose user agent is part of the evidence.
async fn submit_form(app: &TestApp, input: PublicConsentInput) -> Result<(), AppError> {
    app.client()
        .run_with(GiveConsent { input }, &[("user-agent", BROWSER)])
        .await
}

async fn text(app: &TestApp, sid: &str, body: &str) {
    text_north(app, sid, PHONE, body).await;
}

async fn conversation(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Sends a reply of `category`; what blocked it, if anything.
async fn reply(
    manager: &mut Client,
    conversation: Uuid,
    body: &str,
    category: &str,
) -> Option<String> {
    let reply = SendReply {
        ai_assisted: Default::default(),
        id: conversation,
        body: body.into(),
        category: category.into(),
    };
    manager.run(reply).await.unwrap()
}

fn number(phone: &str) -> GetNumberConsent {
    GetNumberConsent {
        phone: phone.into(),
    }
}

fn search(q: &str) -> SearchConsent {
    SearchConsent { q: q.into() }
}

fn wording(category: &str, text: &str) -> SaveConsentWording {
    SaveConsentWording {
        category: category.into(),
        text: text.into(),
    }
}

#[sqlx::test]
async fn the_public_form_records_the_exact_wording_address_and_browser_of_each_ticked_box(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    let informational = shown_sha(&pool, "informational").await;
    let promotional = shown_sha(&pool, "promotional").await;

    let input = PublicConsentInput {
        email: "ana@example.com".into(),
        // Shown but not ticked.
        promotional_sha256: promotional,
        ..form("(415) 555-0100")
    };

    let submitted = submit_form(&app, informational_box(input, &informational)).await;

    assert_eq!(submitted, Ok(()));
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
    assert_eq!(agent.as_deref(), Some(BROWSER));
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
    let base = form("(415) 555-0100");

    let nothing_ticked = submit_form(&app, base.clone()).await;
    let stale_wording = submit_form(&app, promotional_box(base.clone(), "0000")).await;
    let bad_phone = submit_form(&app, promotional_box(form("12"), &promotional)).await;
    let elsewhere = PublicConsentInput {
        org: "nowhere".into(),
        ..base
    };
    let unknown_org = submit_form(&app, elsewhere).await;

    for (result, field) in [
        (nothing_ticked, "informational"),
        (stale_wording, "promotional"),
        (bad_phone, "phone"),
    ] {
        let Err(AppError::Validation(errors)) = result else {
            panic!("a field error for {field}: {result:?}");
        };
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
    assert_eq!(unknown_org, Err(AppError::NotFound));
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
    let written_consent_by = |medium: &str| RecordConsent {
        input: RecordConsentInput {
            phone: PHONE.into(),
            family: "texts".into(),
            level: "express_written".into(),
            medium: medium.into(),
            language: "I agree to receive offers by text from North. Not a condition of purchase."
                .into(),
            person_name: "Ana Diaz".into(),
            source_ref: "paper form #42".into(),
            ..Default::default()
        },
    };

    let spoken = compliance.run(written_consent_by("verbal_call")).await;
    let paper = compliance.run(written_consent_by("paper_form")).await;

    assert!(matches!(spoken, Err(AppError::Validation(_))), "{spoken:?}");
    assert!(paper.is_ok(), "{paper:?}");
    let (captured_by, source): (Option<Uuid>, Option<String>) =
        sqlx::query_as("SELECT captured_by, source_ref FROM consent_events")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(captured_by.is_some(), "who captured it is evidence too");
    assert_eq!(source.as_deref(), Some("paper form #42"));
    let mut manager = app.signed_in("boss@north.example").await;
    let blocked = reply(
        &mut manager,
        conversation,
        "20% off this weekend",
        "promotional",
    )
    .await;
    assert_eq!(blocked, None, "promotional is allowed by written consent");
}

#[sqlx::test]
async fn an_opt_out_staff_record_blocks_every_later_send_without_a_text_confirmation(pool: PgPool) {
    let app = shop(&pool).await;
    text(&app, "SM1", "Hi there").await;
    let conversation = conversation(&pool).await;
    let mut agent = app.signed_in("bo@north.example").await;

    let opt_out = RecordOptOutInput {
        phone: "415 555 0100".into(),
        family: "all".into(),
        scope: "all".into(),
        medium: "email".into(),
        language: "Please stop texting me.".into(),
        ..Default::default()
    };

    let recorded = agent.run(RecordOptOut { input: opt_out }).await;

    assert!(recorded.is_ok(), "{recorded:?}");
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
        let blocked = reply(&mut manager, conversation, "Hello", category).await;
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

    let reminders = RecordConsentInput {
        phone: PHONE.into(),
        family: "texts".into(),
        level: "express".into(),
        medium: "in_person".into(),
        language: "Yes, you may text me reminders about my appointment.".into(),
        person_name: "Ana Diaz".into(),
        ..Default::default()
    };

    let other_agents = ana.run(number("14155550100")).await.map(|_| ());
    let grant_for_others = ana.run(RecordConsent { input: reminders }).await;
    let own = bo.run(number("14155550100")).await;
    let other_org = south.run(number("14155550100")).await;
    let agent_search = ana.run(search("555")).await.unwrap();
    let agent_packet = bo
        .run(GetEvidencePacket {
            phone: "14155550100".into(),
        })
        .await
        .map(|_| ());
    let agent_report = bo
        .run(BlockedSends {
            cursor: String::new(),
        })
        .await
        .map(|_| ());
    let agent_ledger = bo.run(VerifyConsentLedger {}).await.map(|_| ());
    let agent_wording = bo.run(wording("promotional", "")).await;
    let agent_download = bo.get("/consent/number/14155550100/packet.json").await;

    assert_eq!(other_agents, Err(AppError::NotFound));
    assert_eq!(grant_for_others, Err(AppError::NotFound));
    assert!(own.is_ok(), "{own:?}");
    let other_org = other_org.expect("a number is only a number");
    assert!(
        other_org.leads.is_empty(),
        "south sees none of north's leads"
    );
    assert!(other_org.events.is_empty());
    assert!(agent_search.is_empty());
    for result in [agent_packet, agent_report, agent_ledger, agent_wording] {
        assert_eq!(result, Err(AppError::Forbidden));
    }
    assert_eq!(agent_download.status(), StatusCode::FORBIDDEN);
    let found = compliance.run(search("555 0100")).await.unwrap();
    assert_eq!(found[0].phone, PHONE);
    assert_eq!(count(&pool, "SELECT count(*) FROM consent_events").await, 0);
}

#[sqlx::test]
async fn the_evidence_packet_holds_the_opt_in_every_message_each_opt_out_and_its_confirmation(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    let informational = shown_sha(&pool, "informational").await;
    submit_form(&app, informational_box(form(PHONE), &informational))
        .await
        .unwrap();
    // The number confirms the form with its own YES.
    text(&app, "SMyes", "YES").await;
    text(&app, "SM1", "When is my service?").await;
    let conversation = conversation(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    reply(&mut manager, conversation, "Tuesday at 9", "informational").await;
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
    let packet: EvidencePacket = json.json().await.unwrap();
    let events = &packet.events;
    assert_eq!(
        events.len(),
        4,
        "the web opt-in, and the STOP on each channel family"
    );
    assert_eq!(events[0].medium, ConsentMedium::WebForm);
    assert_eq!(events[0].ip.as_deref(), Some("127.0.0.1"));
    assert!(events[0].language.as_deref().unwrap().contains("Org north"));
    assert_eq!(events[1].level, None);
    let opt_out = &packet.opt_outs[0];
    assert_eq!(opt_out.seq, events[1].seq);
    assert!(
        opt_out.confirmation_sent_at.is_some(),
        "the one confirmation was sent: {opt_out:?}"
    );
    let bodies: Vec<&str> = packet.messages.iter().map(|m| m.body.as_str()).collect();
    assert!(bodies.contains(&"Tuesday at 9"));
    assert!(bodies.iter().any(|b| b.contains("unsubscribed")));
    assert_eq!(packet.verification.first_broken, None);
    assert_eq!(packet.verification.checked, 4);
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
    let intact = compliance.run(VerifyConsentLedger {}).await.unwrap();

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
    let broken = compliance.run(VerifyConsentLedger {}).await.unwrap();

    assert_eq!((intact.checked, intact.first_broken), (7, None));
    let broken = broken.first_broken.expect("the edited event is named");
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.phone, PHONE);
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
    reply(&mut manager, conversation, "But wait!", "promotional").await;

    let report = manager
        .run(BlockedSends {
            cursor: String::new(),
        })
        .await
        .unwrap();

    assert_eq!(report.rows.len(), 1);
    assert!(report.rows[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("opted out"));
    assert_eq!(report.rows[0].phone.as_deref(), Some(PHONE));
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

async fn send_promotion(pool: &PgPool, manager: &mut Client, conversation: Uuid, zone: String) {
    sqlx::query("UPDATE leads SET time_zone = $1")
        .bind(zone)
        .execute(pool)
        .await
        .unwrap();
    let blocked = reply(manager, conversation, "Weekend deal", "promotional").await;
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
    send_promotion(&pool, &mut manager, conversation, zone_at_hour(3)).await;
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
    send_promotion(&pool, &mut manager, conversation, zone_at_hour(14)).await;
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
    let custom = "North may text me its offers and deals. This is not a condition of any purchase. Reply STOP to end.";

    let saved = compliance.run(wording("promotional", custom)).await;
    let too_short = compliance.run(wording("promotional", "ok")).await;
    let conditional = compliance
        .run(wording(
            "promotional",
            "Agree to our texts to get the discount price today.",
        ))
        .await;
    let public_form = app
        .client()
        .run(GetPublicConsentForm {
            org: "north".into(),
        })
        .await
        .unwrap();

    assert_eq!(saved, Ok(()));
    assert!(
        matches!(too_short, Err(AppError::Validation(_))),
        "{too_short:?}"
    );
    assert!(
        matches!(conditional, Err(AppError::Validation(_))),
        "consent is never a condition: {conditional:?}"
    );
    let shown = public_form
        .wordings
        .into_iter()
        .find(|w| w.category == MessageCategory::Promotional)
        .unwrap();
    assert_eq!(shown.text, custom);
    submit_form(&app, promotional_box(form(PHONE), &shown.sha256))
        .await
        .unwrap();
    text(&app, "SMyes", "YES").await;
    let (level, language): (String, String) =
        sqlx::query_as("SELECT level::text, language FROM consent_events")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (level.as_str(), language.as_str()),
        ("express_written", custom)
    );
}
