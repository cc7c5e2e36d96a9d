//! Privacy requests (SPEC §4): intake and deadlines, identity verification, each kind's
//! execution, and who may do what.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::auth::SignedInUser;
use consentdesk::api::consent::SearchConsent;
use consentdesk::api::conversations::{GetThread, ListConversations, SendReply};
use consentdesk::api::leads::{AddLeadNote, ListLeads};
use consentdesk::api::privacy::{
    EnterPrivacyCode, ExecutePrivacyRequest, FilePrivacyRequest, GetPrivacyRequest,
    LiftRestriction, ListAuditEvents, ListPrivacyRequests, LogPrivacyRequest, SavePrivacySettings,
    SendPrivacyCode, VerifyPrivacyRequest,
};
use consentdesk::error::AppError;
use consentdesk::model::{
    CorrectionInput, DueState, LeadQuery, PrivacyRequestInput, PrivacySettings,
};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use std::io::Read;
use uuid::Uuid;

const PHONE: &str = "+14155550100";
const EMAIL: &str = "ana.diaz@example.com";

async fn shop(pool: &PgPool) -> TestApp {
    two_stores(pool).await
}

/// Ana Diaz writes in and gets answers; a note and a call are kept about her. Ana Dias,
/// another person with a similar name and the same area code, too.
async fn people(app: &TestApp, pool: &PgPool) -> Uuid {
    text_north(
        app,
        "SM1",
        PHONE,
        "Hi, it's Ana Diaz, is the Civic still there?",
    )
    .await;
    text_north(
        app,
        "SM2",
        "+14155550199",
        "Ana Dias here, do you take trade-ins?",
    )
    .await;
    sqlx::query("UPDATE leads SET name = 'Ana Diaz', email = $1 WHERE phone = $2")
        .bind(EMAIL)
        .bind(PHONE)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE leads SET name = 'Ana Dias', email = 'ana.dias@example.com' WHERE phone = '+14155550199'")
        .execute(pool)
        .await
        .unwrap();
    let lead: Uuid = sqlx::query_scalar("SELECT id FROM leads WHERE phone = $1")
        .bind(PHONE)
        .fetch_one(pool)
        .await
        .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    let note = AddLeadNote {
        id: lead,
        body: "Ana prefers Saturdays".into(),
    };
    manager.run(note).await.unwrap();
    app.twilio(
        "north",
        "voice",
        "tok",
        &[
            ("CallSid", "CA1"),
            ("From", PHONE),
            ("To", "+13125550199"),
            ("CallStatus", "completed"),
        ],
    )
    .await;
    app.twilio(
        "north",
        "transcription",
        "tok",
        &[
            ("CallSid", "CA1"),
            (
                "TranscriptionText",
                "This is Ana Diaz calling about the Civic",
            ),
        ],
    )
    .await;
    lead
}

async fn lead_conversation(pool: &PgPool, lead: Uuid) -> Uuid {
    sqlx::query_scalar("SELECT id FROM conversations WHERE lead_id = $1 AND channel = 'sms'")
        .bind(lead)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The text conversation of whichever lead has `phone` now.
async fn conversation_of(pool: &PgPool, phone: &str) -> Uuid {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'sms'",
    )
    .bind(phone)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A request staff log for someone who wrote in by e-mail.
fn by_email(kind: &str, name: &str, email: &str, phone: &str) -> LogPrivacyRequest {
    LogPrivacyRequest {
        input: PrivacyRequestInput {
            kind: kind.into(),
            received_via: "email".into(),
            name: name.into(),
            email: email.into(),
            phone: phone.into(),
            ..Default::default()
        },
    }
}

/// Ana Diaz's request of `kind`, logged by staff.
async fn log(client: &mut Client, kind: &str) -> Uuid {
    let request = by_email(kind, "Ana Diaz", EMAIL, "(415) 555-0100");
    client.run(request).await.unwrap()
}

/// The code from the latest mail to the requester, as the requester reads it (staff see
/// the mail with the code masked).
async fn code(pool: &PgPool) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT coalesce(secret_body, body) FROM outbound_mail WHERE subject = 'Your verification code' ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    code_in(&body)
}

fn enter(id: Uuid, code: &str) -> EnterPrivacyCode {
    EnterPrivacyCode {
        id,
        code: code.into(),
    }
}

fn execute(id: Uuid) -> ExecutePrivacyRequest {
    ExecutePrivacyRequest {
        id,
        correction: CorrectionInput::default(),
    }
}

fn correct(id: Uuid, correction: CorrectionInput) -> ExecutePrivacyRequest {
    ExecutePrivacyRequest { id, correction }
}

/// Sends the code of a request and enters what the requester read.
async fn verify(compliance: &mut Client, pool: &PgPool, id: Uuid) {
    compliance.run(SendPrivacyCode { id }).await.unwrap();
    let code = code(pool).await;
    compliance.run(enter(id, &code)).await.unwrap();
}

/// Ana's request of `kind`, logged and verified by compliance.
async fn verified(app: &TestApp, pool: &PgPool, kind: &str) -> (Client, Uuid) {
    let mut compliance = app.signed_in("comp@north.example").await;
    let id = log(&mut compliance, kind).await;
    verify(&mut compliance, pool, id).await;
    (compliance, id)
}

/// A code other than `code`.
fn not(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// What the code field says of a refused code.
fn code_error(result: Result<(), AppError>) -> String {
    let Err(AppError::Validation(errors)) = result else {
        panic!("a field error: {result:?}");
    };
    errors.get("code").expect("a message for the code").into()
}

/// Whether anything in an answer mentions `text`.
fn mentions(answer: &impl serde::Serialize, text: &str) -> bool {
    serde_json::to_string(answer).unwrap().contains(text)
}

async fn reply(manager: &mut Client, conversation: Uuid, body: &str) -> Option<String> {
    let reply = SendReply {
        ai_assisted: Default::default(),
        id: conversation,
        body: body.into(),
        category: "conversational".into(),
    };
    manager.run(reply).await.unwrap()
}

/// The names of the leads a search for `q` finds.
async fn leads_found(manager: &mut Client, q: &str) -> Vec<String> {
    let query = LeadQuery {
        q: q.into(),
        ..Default::default()
    };
    let found = manager.run(ListLeads { query }).await.unwrap();
    found.page.rows.into_iter().map(|r| r.name).collect()
}

/// The files of a request's data bundle, by name.
struct Bundle(zip::ZipArchive<std::io::Cursor<Vec<u8>>>);

impl Bundle {
    async fn download(compliance: &mut Client, id: Uuid) -> Bundle {
        let download = compliance
            .get(&format!("/privacy-requests/{id}/bundle.zip"))
            .await;
        assert_eq!(download.status(), StatusCode::OK);
        let bytes = download.bytes().await.unwrap().to_vec();
        Bundle(zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap())
    }

    fn read(&mut self, name: &str) -> String {
        let mut text = String::new();
        self.0
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    fn json<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> T {
        serde_json::from_str(&self.read(name)).unwrap()
    }
}

#[sqlx::test]
async fn a_request_is_due_by_the_organisations_policy_and_acknowledged_at_once(pool: PgPool) {
    let app = shop(&pool).await;
    sqlx::query("UPDATE organisations SET request_deadline_kind = 'business', request_deadline_days = 7 WHERE slug = 'north'")
        .execute(&pool)
        .await
        .unwrap();
    let mut compliance = app.signed_in("comp@north.example").await;

    let id = log(&mut compliance, "access").await;

    let (due_on, received_at): (chrono::NaiveDate, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("SELECT due_on, received_at FROM privacy_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let expected = consentdesk::rules::deadlines::due_date(
        received_at,
        chrono_tz::America::Chicago,
        consentdesk::rules::deadlines::DeadlinePolicy::BusinessDays(7),
    );
    assert_eq!(due_on, expected);
    let ack: String = sqlx::query_scalar("SELECT body FROM outbound_mail WHERE recipient = $1")
        .bind(EMAIL)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        ack.contains(&due_on.format("%d %b %Y").to_string()),
        "{ack}"
    );
}

#[sqlx::test]
async fn a_wrong_an_expired_or_a_sixth_code_is_refused_and_nothing_leaves_before_verification(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let id = log(&mut compliance, "access").await;

    let too_early = compliance.run(execute(id)).await;
    let no_bundle = compliance
        .get(&format!("/privacy-requests/{id}/bundle.zip"))
        .await;
    compliance.run(SendPrivacyCode { id }).await.unwrap();
    let good = code(&pool).await;
    let first_wrong = compliance.run(enter(id, not(&good))).await;
    sqlx::query("UPDATE privacy_requests SET code_expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let expired = compliance.run(enter(id, &good)).await;
    compliance.run(SendPrivacyCode { id }).await.unwrap();
    let fresh = code(&pool).await;
    for _ in 0..5 {
        let _ = compliance.run(enter(id, not(&fresh))).await;
    }
    let after_five = compliance.run(enter(id, &fresh)).await;

    assert!(
        matches!(too_early, Err(AppError::Conflict(_))),
        "{too_early:?}"
    );
    assert_eq!(
        no_bundle.status(),
        StatusCode::FORBIDDEN,
        "refused for want of verification, before anyone asks whether a bundle exists"
    );
    for (result, says) in [
        (first_wrong, "4 tries left"),
        (expired, "expired"),
        (after_five, "Too many"),
    ] {
        let message = code_error(result);
        assert!(message.contains(says), "{message:?}");
    }
    let status: String = sqlx::query_scalar("SELECT status::text FROM privacy_requests")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "received", "still unverified");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM privacy_requests WHERE bundle IS NOT NULL"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn the_access_bundle_holds_every_record_of_the_person_and_nothing_of_anyone_else(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    // Consent events of both: Ana asks for help, the other Ana opts out.
    text_north(&app, "SM5", PHONE, "HELP").await;
    text_north(&app, "SM6", "+14155550199", "STOP").await;
    let (mut compliance, id) = verified(&app, &pool, "access").await;

    let executed = compliance.run(execute(id)).await;
    let mut bundle = Bundle::download(&mut compliance, id).await;

    assert!(executed.is_ok(), "{executed:?}");
    let leads: Vec<Value> = bundle.json("leads.json");
    let messages: Vec<Value> = bundle.json("messages.json");
    let notes: Vec<Value> = bundle.json("notes.json");
    let calls: Vec<Value> = bundle.json("calls.json");
    let audit: Vec<Value> = bundle.json("audit_events.json");
    let consent: Vec<Value> = bundle.json("consent_events.json");
    let manifest: Value = bundle.json("manifest.json");
    let everything = [
        bundle.read("leads.csv"),
        bundle.read("messages.csv"),
        bundle.read("consent_events.json"),
        bundle.read("audit_events.csv"),
    ]
    .concat();

    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0]["email"], EMAIL);
    assert!(messages
        .iter()
        .any(|m| m["body"] == "Hi, it's Ana Diaz, is the Civic still there?"));
    assert_eq!(notes[0]["body"], "Ana prefers Saturdays");
    assert_eq!(
        calls[0]["transcript"],
        "This is Ana Diaz calling about the Civic"
    );
    assert!(audit.iter().any(|a| a["action"] == "lead.note_added"));
    assert!(
        consent.is_empty(),
        "HELP records no consent event; the other Ana's STOP is not hers: {consent:?}"
    );
    assert!(
        !everything.contains("Ana Dias "),
        "nothing of the other Ana"
    );
    assert!(!everything.contains("0199"), "nothing of the other number");
    assert!(!everything.contains("ana.dias@"));
    assert!(manifest["files"].as_array().unwrap().len() >= 6);
    let again = compliance.run(execute(id)).await;
    assert!(again.is_ok(), "a second press changes nothing: {again:?}");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'privacy.executed'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn after_a_deletion_nothing_finds_the_person_and_their_number_stays_suppressed(pool: PgPool) {
    let app = shop(&pool).await;
    let lead = people(&app, &pool).await;
    let (mut compliance, id) = verified(&app, &pool, "deletion").await;
    // What the assistant made of her conversation goes with it.
    sqlx::query(
        "UPDATE leads SET ai_score = 80, ai_summary = '{Asked if the Civic still there}',
             ai_facts = '{\"vehicle\": \"Civic still there\"}', ai_reasons = '[]', ai_updated_at = now()
         WHERE id = $1",
    )
    .bind(lead)
    .execute(&pool)
    .await
    .unwrap();

    let report = compliance.run(execute(id)).await.unwrap();

    let mut manager = app.signed_in("boss@north.example").await;
    let conversation = lead_conversation(&pool, lead).await;
    no_page_shows_ana_diaz(&mut manager, &mut compliance, conversation).await;
    no_table_holds_ana_diaz(&pool).await;
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads WHERE name = 'Ana Dias'").await,
        1,
        "the other Ana is untouched"
    );
    let suppression = report
        .kept
        .iter()
        .find(|k| k.class.contains("suppression"))
        .unwrap_or_else(|| panic!("{:?}", report.kept));
    assert_eq!(
        suppression.count, 3,
        "her number's opt-out on every channel family, written by the erasure"
    );

    // She writes again from the same number: a new lead, and nothing may be sent to her.
    text_north(&app, "SM9", PHONE, "hello?").await;
    let conversation = conversation_of(&pool, PHONE).await;
    let blocked = reply(&mut manager, conversation, "Hi!").await;
    assert!(blocked.unwrap_or_default().contains("opted out"));
    let erased_name: String = sqlx::query_scalar("SELECT name FROM leads WHERE id = $1")
        .bind(lead)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(erased_name, "Erased person");
    let report_file = compliance
        .get(&format!("/privacy-requests/{id}/report.json"))
        .await;
    assert_eq!(report_file.status(), StatusCode::OK);
    assert!(report_file.text().await.unwrap().contains("suppression"));
}

/// Lead search, the inbox, her old conversation, the audit log and consent search: none
/// shows what was erased of Ana Diaz.
async fn no_page_shows_ana_diaz(manager: &mut Client, compliance: &mut Client, conversation: Uuid) {
    for q in ["Ana Diaz", "ana.diaz@example.com", "555 0100"] {
        let names = leads_found(manager, q).await;
        assert!(!names.iter().any(|n| n == "Ana Diaz"), "{q}: {names:?}");
        assert!(
            !names.iter().any(|n| n == "Erased person"),
            "the erased lead is not found by what was erased: {q}"
        );
    }
    let inbox = manager
        .run(ListConversations {
            query: Default::default(),
        })
        .await
        .unwrap();
    assert!(
        !mentions(&inbox, "Ana Diaz") && !mentions(&inbox, "Civic"),
        "{inbox:?}"
    );
    let thread = manager
        .run(GetThread {
            id: conversation,
            before: String::new(),
        })
        .await
        .unwrap();
    assert!(!mentions(&thread, "Civic") && !mentions(&thread, EMAIL));
    let audit = compliance
        .run(ListAuditEvents {
            query: Default::default(),
        })
        .await
        .unwrap();
    for row in audit.page.rows {
        assert!(
            !row.detail.contains(EMAIL) && !row.detail.contains("Civic"),
            "{}",
            row.detail
        );
    }
    let by_name = compliance
        .run(SearchConsent {
            q: "Ana Diaz".into(),
        })
        .await
        .unwrap();
    assert!(by_name.is_empty(), "{by_name:?}");
}

async fn no_table_holds_ana_diaz(pool: &PgPool) {
    for (table, column, text) in [
        ("messages", "body", "Civic still there"),
        ("lead_notes", "body", "Saturdays"),
        ("calls", "coalesce(transcript, '')", "Ana Diaz"),
        ("leads", "coalesce(email, '') || name", "Diaz"),
        (
            "leads",
            "coalesce(array_to_string(ai_summary, ' '), '') || coalesce(ai_facts::text, '')",
            "Civic still there",
        ),
    ] {
        let left = count(
            pool,
            &format!("SELECT count(*) FROM {table} WHERE {column} LIKE '%{text}%'"),
        )
        .await;
        assert_eq!(left, 0, "{table} still holds {text:?}");
    }
}

#[sqlx::test]
async fn restriction_stops_every_send_until_lifted_and_marketing_opt_out_revokes_promotions(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    let conversation = conversation_of(&pool, PHONE).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let (mut compliance, id) = verified(&app, &pool, "restriction").await;
    compliance.run(execute(id)).await.unwrap();
    let while_restricted = reply(&mut manager, conversation, "Hi").await;
    compliance.run(LiftRestriction { id }).await.unwrap();
    let after_lifting = reply(&mut manager, conversation, "Hi").await;
    let (mut compliance, marketing) = verified(&app, &pool, "marketing_opt_out").await;
    compliance.run(execute(marketing)).await.unwrap();

    assert!(while_restricted.unwrap_or_default().contains("restricted"));
    assert_eq!(after_lifting, None);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM consent_events WHERE kind = 'revoke' AND categories = '{promotional}'").await,
        3,
        "promotional revoked on every channel family"
    );
}

#[sqlx::test]
async fn a_correction_changes_the_leads_and_keeps_before_and_after(pool: PgPool) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    let (mut compliance, id) = verified(&app, &pool, "correction").await;

    let invalid = compliance
        .run(correct(
            id,
            CorrectionInput {
                email: "nope".into(),
                ..Default::default()
            },
        ))
        .await;
    let done = compliance
        .run(correct(
            id,
            CorrectionInput {
                name: "Ana María Díaz".into(),
                ..Default::default()
            },
        ))
        .await;

    assert!(
        matches!(invalid, Err(AppError::Validation(_))),
        "{invalid:?}"
    );
    assert!(done.is_ok(), "{done:?}");
    let name: String = sqlx::query_scalar("SELECT name FROM leads WHERE phone = $1")
        .bind(PHONE)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Ana María Díaz");
    let detail: String = sqlx::query_scalar(
        "SELECT detail::text FROM audit_events WHERE action = 'privacy.corrected'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        detail.contains("\"before\"")
            && detail.contains("Ana Diaz")
            && detail.contains("Ana María Díaz")
    );
}

#[sqlx::test]
async fn managers_read_requests_only_compliance_processes_and_agents_and_other_organisations_see_nothing(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let id = log(&mut compliance, "deletion").await;
    let mut manager = app.signed_in("boss@north.example").await;
    let mut agent = app.signed_in("ana@north.example").await;
    let mut south = app.signed_in("comp@south.example").await;
    let settings = PrivacySettings {
        deadline_kind: "calendar".into(),
        deadline_days: "10".into(),
        ..Default::default()
    };

    let manager_reads = manager.run(GetPrivacyRequest { id }).await;
    let manager_executes = manager.run(execute(id)).await.map(|_| ());
    let manager_settings = manager.run(SavePrivacySettings { input: settings }).await;
    let agent_reads = agent.run(GetPrivacyRequest { id }).await.map(|_| ());
    let agent_logs = agent
        .run(by_email("access", "X", "x@y.example", ""))
        .await
        .map(|_| ());
    let agent_audit = agent
        .run(ListAuditEvents {
            query: Default::default(),
        })
        .await
        .map(|_| ());
    let other_org = south.run(GetPrivacyRequest { id }).await.map(|_| ());
    let other_org_code = south.run(SendPrivacyCode { id }).await;

    assert!(manager_reads.is_ok(), "{manager_reads:?}");
    for result in [
        manager_executes,
        manager_settings,
        agent_reads,
        agent_logs,
        agent_audit,
    ] {
        assert_eq!(result, Err(AppError::Forbidden));
    }
    assert_eq!(other_org, Err(AppError::NotFound));
    assert_eq!(other_org_code, Err(AppError::NotFound));
}

#[sqlx::test]
async fn the_public_page_files_a_request_sends_a_code_and_verifies_it(pool: PgPool) {
    let app = shop(&pool).await;
    let mut visitor = app.client();
    let deletion = FilePrivacyRequest {
        org: "north".into(),
        input: PrivacyRequestInput {
            kind: "deletion".into(),
            name: "Ana Diaz".into(),
            email: EMAIL.into(),
            ..Default::default()
        },
    };

    let filed = visitor.run(deletion).await;
    let request: Uuid = sqlx::query_scalar("SELECT id FROM privacy_requests")
        .fetch_one(&pool)
        .await
        .unwrap();
    let code = code(&pool).await;
    let at = |org: &str| VerifyPrivacyRequest {
        org: org.into(),
        request,
        code: code.clone(),
    };
    let verified = visitor.run(at("north")).await;
    let elsewhere = visitor.run(at("south")).await;

    assert_eq!(filed, Ok(()));
    assert_eq!(verified, Ok(()));
    assert_eq!(
        elsewhere,
        Err(AppError::NotFound),
        "a request id means nothing at another organisation"
    );
    let (status, via): (String, String) =
        sqlx::query_as("SELECT status::text, received_via FROM privacy_requests")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), via.as_str()), ("verified", "web"));
}

#[sqlx::test]
async fn requests_near_their_deadline_are_counted_in_the_navigation_of_compliance(pool: PgPool) {
    let app = shop(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    log(&mut compliance, "access").await;
    let calm = compliance.run(SignedInUser {}).await.unwrap().unwrap();
    sqlx::query("UPDATE privacy_requests SET due_on = current_date + 1")
        .execute(&pool)
        .await
        .unwrap();

    let urgent = compliance.run(SignedInUser {}).await.unwrap().unwrap();
    let list = compliance
        .run(ListPrivacyRequests {
            query: Default::default(),
        })
        .await
        .unwrap();

    assert_eq!(calm.urgent_requests, 0);
    assert_eq!(urgent.urgent_requests, 1);
    assert_eq!(list.page.rows[0].due, DueState::DueSoon);
}

#[sqlx::test]
async fn a_number_added_to_a_request_reaches_nothing_the_requester_did_not_prove(pool: PgPool) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    // Someone else's e-mail, and Ana's number.
    let mallory = by_email("access", "Mallory", "mallory@example.com", "(415) 555-0100");
    let id = compliance.run(mallory).await.unwrap();
    verify(&mut compliance, &pool, id).await;

    compliance.run(execute(id)).await.unwrap();
    let mut bundle = Bundle::download(&mut compliance, id).await;

    let text = bundle.read("messages.json");
    assert!(
        !text.contains("Civic"),
        "the code went to Mallory's e-mail only: {text}"
    );
}

#[sqlx::test]
async fn a_call_with_arguments_that_do_not_decode_is_a_400(pool: PgPool) {
    let app = shop(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;

    let response = compliance
        .call("get_privacy_request", &[("id", "not-a-uuid")])
        .await;

    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[sqlx::test]
async fn a_texted_code_is_never_readable_by_staff_and_leaves_nothing_behind(pool: PgPool) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let by_phone = LogPrivacyRequest {
        input: PrivacyRequestInput {
            kind: "access".into(),
            received_via: "phone".into(),
            name: "Ana Diaz".into(),
            phone: "(415) 555-0100".into(),
            ..Default::default()
        },
    };
    let id = compliance.run(by_phone).await.unwrap();
    compliance.run(SendPrivacyCode { id }).await.unwrap();
    let code = code_in(&text_received(&pool, "privacy_code").await);
    let mut manager = app.signed_in("boss@north.example").await;
    let conversation = conversation_of(&pool, PHONE).await;

    let thread = manager
        .run(GetThread {
            id: conversation,
            before: String::new(),
        })
        .await
        .unwrap();
    let inbox = manager
        .run(ListConversations {
            query: Default::default(),
        })
        .await
        .unwrap();
    let stored: String =
        sqlx::query_scalar("SELECT body FROM messages WHERE purpose = 'privacy_code'")
            .fetch_one(&pool)
            .await
            .unwrap();
    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    assert!(!mentions(&thread, &code) && !mentions(&inbox, &code));
    assert!(
        !mentions(&thread, "your code"),
        "a request's texts are not part of the sales conversation"
    );
    assert!(
        stored.contains("••••••") && !stored.contains(&code),
        "{stored}"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM outbox WHERE secret_body IS NOT NULL"
        )
        .await,
        0,
        "once sent, not even the database keeps it"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE purpose = 'privacy_code' AND status = 'sent'"
        )
        .await,
        1
    );
}
