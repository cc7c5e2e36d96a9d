//! Privacy requests (SPEC §4): intake and deadlines, identity verification, each kind's
//! execution, and who may do what.
#![cfg(feature = "ssr")]

mod common;

use common::*;
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
    for (sid, from, body) in [
        ("SM1", PHONE, "Hi, it's Ana Diaz, is the Civic still there?"),
        (
            "SM2",
            "+14155550199",
            "Ana Dias here, do you take trade-ins?",
        ),
    ] {
        let response = app
            .twilio(
                "north",
                "sms",
                "tok",
                &[
                    ("MessageSid", sid),
                    ("From", from),
                    ("To", "+13125550199"),
                    ("Body", body),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
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
    let note = manager
        .call(
            "add_lead_note",
            &[("id", &lead.to_string()), ("body", "Ana prefers Saturdays")],
        )
        .await;
    assert_eq!(note.status(), StatusCode::OK);
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

async fn log(client: &mut Client, kind: &str) -> Uuid {
    let response = client
        .call(
            "log_privacy_request",
            &[
                ("input[kind]", kind),
                ("input[received_via]", "email"),
                ("input[name]", "Ana Diaz"),
                ("input[email]", EMAIL),
                ("input[phone]", "(415) 555-0100"),
            ],
        )
        .await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
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
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string()
}

async fn verified(app: &TestApp, pool: &PgPool, kind: &str) -> (Client, String) {
    let mut compliance = app.signed_in("comp@north.example").await;
    let id = log(&mut compliance, kind).await.to_string();
    assert_eq!(
        compliance
            .call("send_privacy_code", &[("id", &id)])
            .await
            .status(),
        StatusCode::OK
    );
    let code = code(pool).await;
    let entered = compliance
        .call("enter_privacy_code", &[("id", &id), ("code", &code)])
        .await;
    assert_eq!(entered.status(), StatusCode::OK);
    (compliance, id)
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
    let id = log(&mut compliance, "access").await.to_string();

    let too_early = compliance
        .call("execute_privacy_request", &[("id", &id)])
        .await;
    let no_bundle = compliance
        .get(&format!("/privacy-requests/{id}/bundle.zip"))
        .await;
    compliance.call("send_privacy_code", &[("id", &id)]).await;
    let good = code(&pool).await;
    let wrong = if good == "000000" { "111111" } else { "000000" };
    let first_wrong = compliance
        .call("enter_privacy_code", &[("id", &id), ("code", wrong)])
        .await;
    sqlx::query("UPDATE privacy_requests SET code_expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let expired = compliance
        .call("enter_privacy_code", &[("id", &id), ("code", &good)])
        .await;
    compliance.call("send_privacy_code", &[("id", &id)]).await;
    let fresh = code(&pool).await;
    let wrong = if fresh == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        compliance
            .call("enter_privacy_code", &[("id", &id), ("code", wrong)])
            .await;
    }
    let after_five = compliance
        .call("enter_privacy_code", &[("id", &id), ("code", &fresh)])
        .await;

    assert_eq!(too_early.status(), StatusCode::CONFLICT);
    assert_eq!(
        no_bundle.status(),
        StatusCode::FORBIDDEN,
        "refused for want of verification, before anyone asks whether a bundle exists"
    );
    for (response, says) in [
        (first_wrong, "4 tries left"),
        (expired, "expired"),
        (after_five, "Too many"),
    ] {
        let consentdesk::error::AppError::Validation(errors) = error_of(response).await else {
            panic!("a field error");
        };
        assert!(
            errors.get("code").unwrap().contains(says),
            "{:?}",
            errors.get("code")
        );
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

    let executed = compliance
        .call("execute_privacy_request", &[("id", &id)])
        .await;
    let download = compliance
        .get(&format!("/privacy-requests/{id}/bundle.zip"))
        .await;

    assert_eq!(executed.status(), StatusCode::OK);
    assert_eq!(download.status(), StatusCode::OK);
    let bytes = download.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let leads: Vec<Value> = serde_json::from_str(&read("leads.json")).unwrap();
    let messages: Vec<Value> = serde_json::from_str(&read("messages.json")).unwrap();
    let notes: Vec<Value> = serde_json::from_str(&read("notes.json")).unwrap();
    let calls: Vec<Value> = serde_json::from_str(&read("calls.json")).unwrap();
    let audit: Vec<Value> = serde_json::from_str(&read("audit_events.json")).unwrap();
    let consent: Vec<Value> = serde_json::from_str(&read("consent_events.json")).unwrap();
    let manifest: Value = serde_json::from_str(&read("manifest.json")).unwrap();
    let everything = [
        read("leads.csv"),
        read("messages.csv"),
        read("consent_events.json"),
        read("audit_events.csv"),
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
    let again = compliance
        .call("execute_privacy_request", &[("id", &id)])
        .await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "a second press changes nothing"
    );
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

    let report: Value = compliance
        .call("execute_privacy_request", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();

    let mut manager = app.signed_in("boss@north.example").await;
    for q in ["Ana Diaz", "ana.diaz@example.com", "555 0100"] {
        let found: Value = manager
            .call(
                "list_leads",
                &[
                    ("query[q]", q),
                    ("query[status]", ""),
                    ("query[source]", ""),
                    ("query[assigned]", ""),
                    ("query[tag]", ""),
                    ("query[sort]", ""),
                    ("query[cursor]", ""),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        let names: Vec<&str> = found["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert!(!names.contains(&"Ana Diaz"), "{q}: {names:?}");
        assert!(
            !names.contains(&"Erased person"),
            "the erased lead is not found by what was erased: {q}"
        );
    }
    let inbox: Value = manager
        .call(
            "list_conversations",
            &[
                ("query[view]", ""),
                ("query[status]", ""),
                ("query[channel]", ""),
                ("query[cursor]", ""),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !inbox.to_string().contains("Ana Diaz") && !inbox.to_string().contains("Civic"),
        "{inbox}"
    );
    let thread: Value = manager
        .call(
            "get_thread",
            &[("id", &lead_conversation(&pool, lead).await.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!thread.to_string().contains("Civic") && !thread.to_string().contains(EMAIL));
    let audit: Value = compliance
        .call(
            "list_audit_events",
            &[
                ("query[user]", ""),
                ("query[action]", ""),
                ("query[object]", ""),
                ("query[from]", ""),
                ("query[to]", ""),
                ("query[cursor]", ""),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    for row in audit["rows"].as_array().unwrap() {
        let detail = row["detail"].as_str().unwrap();
        assert!(
            !detail.contains(EMAIL) && !detail.contains("Civic"),
            "{detail}"
        );
    }
    let by_name: Value = compliance
        .call("search_consent", &[("q", "Ana Diaz")])
        .await
        .json()
        .await
        .unwrap();
    assert!(by_name.as_array().unwrap().is_empty());
    for (table, column, text) in [
        ("messages", "body", "Civic still there"),
        ("lead_notes", "body", "Saturdays"),
        ("calls", "coalesce(transcript, '')", "Ana Diaz"),
        ("leads", "coalesce(email, '') || name", "Diaz"),
    ] {
        let left = count(
            &pool,
            &format!("SELECT count(*) FROM {table} WHERE {column} LIKE '%{text}%'"),
        )
        .await;
        assert_eq!(left, 0, "{table} still holds {text:?}");
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads WHERE name = 'Ana Dias'").await,
        1,
        "the other Ana is untouched"
    );
    let kept: Vec<String> = report["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["class"].as_str().unwrap().to_string())
        .collect();
    assert!(kept.iter().any(|k| k.contains("suppression")), "{kept:?}");
    let suppression = report["kept"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["class"].as_str().unwrap().contains("suppression"))
        .unwrap();
    assert_eq!(
        suppression["count"], 3,
        "her number's opt-out on every channel family, written by the erasure"
    );

    // She writes again from the same number: a new lead, and nothing may be sent to her.
    app.twilio(
        "north",
        "sms",
        "tok",
        &[
            ("MessageSid", "SM9"),
            ("From", PHONE),
            ("To", "+13125550199"),
            ("Body", "hello?"),
        ],
    )
    .await;
    let conversation: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'sms'",
    )
    .bind(PHONE)
    .fetch_one(&pool)
    .await
    .unwrap();
    let blocked: Option<String> = manager
        .call(
            "send_reply",
            &[
                ("id", &conversation.to_string()),
                ("body", "Hi!"),
                ("category", "conversational"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
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

async fn reply(manager: &mut Client, conversation: Uuid) -> Option<String> {
    manager
        .call(
            "send_reply",
            &[
                ("id", &conversation.to_string()),
                ("body", "Hi"),
                ("category", "conversational"),
            ],
        )
        .await
        .json()
        .await
        .unwrap()
}

#[sqlx::test]
async fn restriction_stops_every_send_until_lifted_and_marketing_opt_out_revokes_promotions(
    pool: PgPool,
) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    let conversation: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'sms'",
    )
    .bind(PHONE)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    let (mut compliance, id) = verified(&app, &pool, "restriction").await;
    compliance
        .call("execute_privacy_request", &[("id", &id)])
        .await;
    let while_restricted = reply(&mut manager, conversation).await;
    compliance.call("lift_restriction", &[("id", &id)]).await;
    let after_lifting = reply(&mut manager, conversation).await;
    let (mut compliance, marketing) = verified(&app, &pool, "marketing_opt_out").await;
    compliance
        .call("execute_privacy_request", &[("id", &marketing)])
        .await;

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
        .call(
            "execute_privacy_request",
            &[("id", &id), ("correction[email]", "nope")],
        )
        .await;
    let done = compliance
        .call(
            "execute_privacy_request",
            &[("id", &id), ("correction[name]", "Ana María Díaz")],
        )
        .await;

    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(done.status(), StatusCode::OK);
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
    let id = log(&mut compliance, "deletion").await.to_string();
    let mut manager = app.signed_in("boss@north.example").await;
    let mut agent = app.signed_in("ana@north.example").await;
    let mut south = app.signed_in("comp@south.example").await;

    let manager_reads = manager.call("get_privacy_request", &[("id", &id)]).await;
    let manager_executes = manager
        .call("execute_privacy_request", &[("id", &id)])
        .await;
    let manager_settings = manager
        .call(
            "save_privacy_settings",
            &[
                ("input[deadline_kind]", "calendar"),
                ("input[deadline_days]", "10"),
            ],
        )
        .await;
    let agent_reads = agent.call("get_privacy_request", &[("id", &id)]).await;
    let agent_logs = agent
        .call(
            "log_privacy_request",
            &[
                ("input[kind]", "access"),
                ("input[name]", "X"),
                ("input[email]", "x@y.example"),
                ("input[received_via]", "email"),
            ],
        )
        .await;
    let agent_audit = agent
        .call(
            "list_audit_events",
            &[("query[user]", ""), ("query[cursor]", "")],
        )
        .await;
    let other_org = south.call("get_privacy_request", &[("id", &id)]).await;
    let other_org_code = south.call("send_privacy_code", &[("id", &id)]).await;

    assert_eq!(manager_reads.status(), StatusCode::OK);
    for response in [
        manager_executes,
        manager_settings,
        agent_reads,
        agent_logs,
        agent_audit,
    ] {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(other_org.status(), StatusCode::NOT_FOUND);
    assert_eq!(other_org_code.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn the_public_page_files_a_request_sends_a_code_and_verifies_it(pool: PgPool) {
    let app = shop(&pool).await;
    let mut visitor = app.client();

    let filed = visitor
        .call(
            "file_privacy_request",
            &[
                ("org", "north"),
                ("input[kind]", "deletion"),
                ("input[name]", "Ana Diaz"),
                ("input[email]", EMAIL),
            ],
        )
        .await;
    let id: Uuid = sqlx::query_scalar("SELECT id FROM privacy_requests")
        .fetch_one(&pool)
        .await
        .unwrap();
    let code = code(&pool).await;
    let verified = visitor
        .call(
            "verify_privacy_request",
            &[
                ("org", "north"),
                ("request", &id.to_string()),
                ("code", &code),
            ],
        )
        .await;
    let elsewhere = visitor
        .call(
            "verify_privacy_request",
            &[
                ("org", "south"),
                ("request", &id.to_string()),
                ("code", &code),
            ],
        )
        .await;

    assert!(filed.status().is_success() || filed.status().is_redirection());
    assert!(verified.status().is_success() || verified.status().is_redirection());
    assert_eq!(
        elsewhere.status(),
        StatusCode::NOT_FOUND,
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
    let calm: Value = compliance
        .call("current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    sqlx::query("UPDATE privacy_requests SET due_on = current_date + 1")
        .execute(&pool)
        .await
        .unwrap();

    let urgent: Value = compliance
        .call("current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    let list: Value = compliance
        .call(
            "list_privacy_requests",
            &[
                ("query[show]", ""),
                ("query[kind]", ""),
                ("query[cursor]", ""),
            ],
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(calm["urgent_requests"], 0);
    assert_eq!(urgent["urgent_requests"], 1);
    assert_eq!(list["rows"][0]["due"], "DueSoon");
}

#[sqlx::test]
async fn a_number_added_to_a_request_reaches_nothing_the_requester_did_not_prove(pool: PgPool) {
    let app = shop(&pool).await;
    people(&app, &pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    // Someone else's e-mail, and Ana's number.
    let id: Uuid = compliance
        .call(
            "log_privacy_request",
            &[
                ("input[kind]", "access"),
                ("input[received_via]", "email"),
                ("input[name]", "Mallory"),
                ("input[email]", "mallory@example.com"),
                ("input[phone]", "(415) 555-0100"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let id = id.to_string();
    compliance.call("send_privacy_code", &[("id", &id)]).await;
    let code = code(&pool).await;
    compliance
        .call("enter_privacy_code", &[("id", &id), ("code", &code)])
        .await;

    compliance
        .call("execute_privacy_request", &[("id", &id)])
        .await;
    let bytes = compliance
        .get(&format!("/privacy-requests/{id}/bundle.zip"))
        .await
        .bytes()
        .await
        .unwrap();

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    zip.by_name("messages.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
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
    let id: Uuid = compliance
        .call(
            "log_privacy_request",
            &[
                ("input[kind]", "access"),
                ("input[received_via]", "phone"),
                ("input[name]", "Ana Diaz"),
                ("input[phone]", "(415) 555-0100"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    compliance
        .call("send_privacy_code", &[("id", &id.to_string())])
        .await;
    let code = code_in(&text_received(&pool, "privacy_code").await);
    let mut manager = app.signed_in("boss@north.example").await;
    let conversation: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND c.channel = 'sms'",
    )
    .bind(PHONE)
    .fetch_one(&pool)
    .await
    .unwrap();

    let thread = manager
        .call("get_thread", &[("id", &conversation.to_string())])
        .await
        .text()
        .await
        .unwrap();
    let inbox = manager
        .call(
            "list_conversations",
            &[
                ("query[view]", ""),
                ("query[status]", ""),
                ("query[channel]", ""),
                ("query[cursor]", ""),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let stored: String =
        sqlx::query_scalar("SELECT body FROM messages WHERE purpose = 'privacy_code'")
            .fetch_one(&pool)
            .await
            .unwrap();
    run_outbox(&pool, &reqwest::Client::new(), 10).await;

    assert!(!thread.contains(&code) && !inbox.contains(&code));
    assert!(
        !thread.contains("your code"),
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
