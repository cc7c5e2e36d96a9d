//! The privacy-request page against strangers, and what staff can make it send (issue 10,
//! items 3, 4 and 6): no lead for an unknown contact, daily caps per number, only codes to
//! a number that opted out, no foreign numbers, fixed rejection texts, codes never shown.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::privacy::{
    FilePrivacyRequest, LogPrivacyRequest, RejectPrivacyRequest, SimulatedMail,
};
use consentdesk::error::AppError;
use consentdesk::model::PrivacyRequestInput;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const ANA: &str = "+14155550100";

/// Someone files an access request on north's public page.
fn access_request(name: &str, phone: &str, email: &str) -> FilePrivacyRequest {
    FilePrivacyRequest {
        org: "north".into(),
        input: PrivacyRequestInput {
            kind: "access".into(),
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            ..Default::default()
        },
    }
}

/// Mallory files a request for `phone` from the address `ip`.
async fn file(app: &TestApp, phone: &str, ip: &str) -> Result<(), AppError> {
    app.client()
        .run_with(
            access_request("Mallory", phone, ""),
            &[("x-forwarded-for", ip)],
        )
        .await
}

#[sqlx::test]
async fn a_request_for_an_unknown_number_stands_on_its_own_and_creates_no_lead(pool: PgPool) {
    let app = store_behind_proxy(&pool).await;

    let filed = file(&app, "(415) 555-0100", "203.0.113.5").await;

    assert_eq!(filed, Ok(()));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM privacy_requests").await,
        1
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM leads").await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM conversations").await, 0);
    let texts: Vec<(Option<Uuid>, Option<String>, String)> = sqlx::query_as(
        "SELECT conversation_id, to_phone, purpose FROM messages ORDER BY created_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        texts,
        [
            (None, Some(ANA.to_string()), "privacy".to_string()),
            (None, Some(ANA.to_string()), "privacy_code".to_string()),
        ],
        "the acknowledgement and the code, addressed to the number"
    );
}

#[sqlx::test]
async fn three_requests_for_a_number_that_said_stop_send_it_only_codes_within_the_cap(
    pool: PgPool,
) {
    let app = store_behind_proxy(&pool).await;
    text_north(&app, "SM1", ANA, "STOP").await;
    let before = count(
        &pool,
        "SELECT count(*) FROM messages WHERE direction = 'outbound'",
    )
    .await;

    for ip in ["203.0.113.5", "203.0.113.6", "203.0.113.7", "203.0.113.8"] {
        let _ = file(&app, "(415) 555-0100", ip).await;
    }
    run_outbox(&pool, &reqwest::Client::new(), 50).await;

    let sent: Vec<String> = sqlx::query_scalar(
        "SELECT purpose FROM messages WHERE direction = 'outbound' AND status = 'sent' AND purpose <> 'opt_out_confirmation'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        sent.iter().all(|p| p == "privacy_code"),
        "no acknowledgement to a number that said STOP: {sent:?}"
    );
    assert!(sent.len() <= 3, "{sent:?}");
    assert!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE direction = 'outbound'"
        )
        .await
            - before
            <= 3,
        "at most three texts a day, whatever is asked"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM privacy_requests").await,
        3,
        "three requests a day for one contact"
    );
}

#[sqlx::test]
async fn a_number_of_another_country_is_refused_on_the_public_page(pool: PgPool) {
    let app = store_behind_proxy(&pool).await;

    let refused = file(&app, "+44 20 7946 0958", "203.0.113.5").await;

    assert!(
        matches!(refused, Err(AppError::Validation(_))),
        "{refused:?}"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM privacy_requests").await,
        0
    );
    sqlx::query("UPDATE organisations SET allow_foreign_numbers = true")
        .execute(&pool)
        .await
        .unwrap();
    let allowed = file(&app, "+44 20 7946 0958", "203.0.113.6").await;
    assert_eq!(allowed, Ok(()));
}

#[sqlx::test]
async fn a_rejection_says_one_of_the_fixed_texts_never_words_typed_by_staff(pool: PgPool) {
    let app = store_behind_proxy(&pool).await;
    file(&app, "(415) 555-0100", "203.0.113.5").await.unwrap();
    let id: Uuid = sqlx::query_scalar("SELECT id FROM privacy_requests")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut compliance = app.signed_in("comp@north.example").await;

    let reject = |reason: &str| RejectPrivacyRequest {
        id,
        reason: reason.into(),
    };

    let free_text = compliance
        .run(reject("Your car's warranty is expiring, call 555-0199"))
        .await;
    let template = compliance.run(reject("not_verified")).await;

    assert!(
        matches!(free_text, Err(AppError::Validation(_))),
        "{free_text:?}"
    );
    assert_eq!(template, Ok(()));
    let told = text_received(&pool, "privacy").await;
    assert!(
        told.contains("could not confirm that you are the person"),
        "{told}"
    );
    assert!(!told.contains("warranty"));
}

#[sqlx::test]
async fn fifty_parallel_filings_from_one_address_record_five(pool: PgPool) {
    let app = store_behind_proxy(&pool).await;

    let filings = (0..50).map(|n| {
        let mut visitor = app.client();
        let request = access_request("Mallory", "", &format!("m{n}@example.com"));
        tokio::spawn(async move {
            visitor
                .run_with(request, &[("x-forwarded-for", "203.0.113.77")])
                .await
        })
    });
    let results: Vec<Result<(), AppError>> = futures_util::future::join_all(filings)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    assert_eq!(
        count(&pool, "SELECT count(*) FROM privacy_requests").await,
        5
    );
    assert_eq!(
        results
            .iter()
            .filter(|r| matches!(r, Err(AppError::RateLimited { .. })))
            .count(),
        45
    );
}

#[sqlx::test]
async fn staff_read_mail_with_its_code_masked_and_the_recipient_gets_it_in_an_eml_file(
    pool: PgPool,
) {
    let app = store_behind_proxy(&pool).await;
    let filed = app
        .client()
        .run(access_request("Ana Diaz", "", "ana@example.com"))
        .await;
    assert_eq!(filed, Ok(()));
    let code = code_in(&mail_received(&pool, "ana@example.com", "your code").await);
    let mut compliance = app.signed_in("comp@north.example").await;

    let mail = compliance.run(SimulatedMail {}).await.unwrap();
    let dir = std::env::temp_dir().join(format!("consentdesk-mail-{}", Uuid::new_v4()));
    let mailer =
        consentdesk::server::mail::Mailer::new(None, &dir, "Store <no-reply@store.example>")
            .unwrap();
    let delivered = consentdesk::server::mail::run_once(&pool, &mailer, 10)
        .await
        .unwrap();

    let bodies: Vec<&str> = mail.iter().map(|(_, _, body, _)| body.as_str()).collect();
    assert!(
        bodies.iter().any(|b| b.contains("••••••")) && !bodies.iter().any(|b| b.contains(&code)),
        "{bodies:?}"
    );
    assert_eq!(delivered, 2, "the acknowledgement and the code");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert!(
        files.iter().any(|eml| eml.contains(&code)),
        "the recipient gets the code"
    );
    assert!(files.iter().all(|eml| eml.contains("To: ana@example.com")));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM outbound_mail WHERE secret_body IS NOT NULL OR status <> 'sent'"
        )
        .await,
        0,
        "once delivered, the code is gone from the database"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A minimal SMTP server: accepts one message and hands back what it received.
async fn smtp_stub() -> (String, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut received = String::new();
        write.write_all(b"220 stub ESMTP\r\n").await.unwrap();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                } else {
                    received.push_str(&line);
                    received.push('\n');
                }
                continue;
            }
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 stub\r\n",
                "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 2.1.0 ok\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"502 not implemented\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        received
    });
    (url, handle)
}

#[sqlx::test]
async fn mail_goes_out_over_smtp_when_configured(pool: PgPool) {
    let app = store_behind_proxy(&pool).await;
    let (url, received) = smtp_stub().await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let input = PrivacyRequestInput {
        kind: "access".into(),
        received_via: "email".into(),
        name: "Ana Diaz".into(),
        email: "ana@example.com".into(),
        ..Default::default()
    };
    compliance.run(LogPrivacyRequest { input }).await.unwrap();
    let mailer = consentdesk::server::mail::Mailer::new(
        Some(&url),
        std::path::Path::new("/nonexistent"),
        "Store <no-reply@store.example>",
    )
    .unwrap();

    let delivered = consentdesk::server::mail::run_once(&pool, &mailer, 1)
        .await
        .unwrap();

    assert_eq!(delivered, 1);
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), received)
        .await
        .unwrap()
        .unwrap();
    assert!(
        message.contains("Subject: We received your privacy request"),
        "{message}"
    );
    assert!(message.contains("ana@example.com"));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM outbound_mail WHERE status = 'sent'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn a_delivery_report_for_a_text_addressed_to_a_number_is_recorded(pool: PgPool) {
    let app = store_behind_proxy(&pool).await;
    file(&app, "(415) 555-0100", "203.0.113.5").await.unwrap();
    run_outbox(&pool, &reqwest::Client::new(), 10).await;
    let sid: String = sqlx::query_scalar(
        "SELECT provider_message_id FROM messages WHERE purpose = 'privacy_code'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let report = app
        .twilio(
            "north",
            "status",
            "tok",
            &[("MessageSid", &sid), ("MessageStatus", "delivered")],
        )
        .await;

    assert_eq!(report.status(), StatusCode::OK);
    let status: String =
        sqlx::query_scalar("SELECT status::text FROM messages WHERE purpose = 'privacy_code'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "delivered");
}
