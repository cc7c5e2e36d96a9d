//! Integrity under faults and insiders (issue 11): a runtime role that cannot rewrite the
//! ledger, a ledger that names a recomputed rewrite, sends whose fate is never guessed, no
//! deadlock between an erasure and a STOP, evidence that survives lead deletion,
//! retention in batches that goes on past one organisation's failure, carrier edge cases.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::consent::{CheckLedgerHead, GiveConsent, VerifyConsentLedger};
use consentdesk::api::conversations::GetThread;
use consentdesk::api::leads::DeleteLead;
use consentdesk::error::AppError;
use consentdesk::model::PublicConsentInput;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const ANA: &str = "+14155550100";

/// A connection to this test's database as the runtime role.
async fn as_runtime_role(pool: &PgPool) -> PgPool {
    sqlx::query("ALTER ROLE consentdesk_app LOGIN PASSWORD 'runtime-role-in-tests'")
        .execute(pool)
        .await
        .unwrap();
    let database: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").unwrap();
    let host = base
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(&format!(
            "postgres://consentdesk_app:runtime-role-in-tests@{host}/{database}"
        ))
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_runtime_role_can_append_to_the_ledger_but_never_change_it(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "STOP").await;
    let runtime = as_runtime_role(&pool).await;

    for table in ["consent_events", "audit_events"] {
        for attack in [
            format!("UPDATE {table} SET at = now()"),
            format!("DELETE FROM {table}"),
            format!("TRUNCATE {table}"),
            format!("ALTER TABLE {table} DISABLE TRIGGER ALL"),
            format!("DROP TABLE {table}"),
        ] {
            let refused = sqlx::query(&attack).execute(&runtime).await;
            assert!(refused.is_err(), "the runtime role could: {attack}");
        }
        let readable: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&runtime)
            .await
            .unwrap();
        assert!(readable > 0, "{table} is readable");
    }
    // It serves: the check the server makes at start-up passes for it, and not for the
    // superuser the tests migrate with.
    consentdesk::server::db::pool::check_least_privilege(&runtime)
        .await
        .unwrap();
    assert!(consentdesk::server::db::pool::check_least_privilege(&pool)
        .await
        .unwrap_err()
        .to_string()
        .contains("can change or delete consent"));
    // And it appends: a STOP through the server connected as it.
    let served = spawn_app(runtime.clone()).await;
    text_north(&served, "SM2", "+14155550111", "STOP").await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE phone = '+14155550111'"
        )
        .await,
        3
    );
}

/// Rewrites an event and recomputes every hash and link after it, and the head: all that
/// write access to the table allows, without the ledger key.
async fn rewrite_with_recomputed_hashes(pool: &PgPool, seq: i64) {
    use consentdesk::rules::ledger::Content;
    type Row = (
        Uuid,
        i64,
        String,
        consentdesk::model::ChannelFamily,
        Option<consentdesk::rules::consent::ConsentLevel>,
        Vec<consentdesk::model::MessageCategory>,
        consentdesk::model::ConsentMedium,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<Uuid>,
        Option<String>,
        chrono::DateTime<chrono::Utc>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT org_id, seq, phone, family, level, categories, medium, language, campaign, host(ip), user_agent,
                person_name, captured_by, source_ref, at
         FROM consent_events WHERE seq >= $1 ORDER BY seq",
    )
    .bind(seq)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut prev: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT hash FROM consent_events WHERE seq = $1 - 1")
            .bind(seq)
            .fetch_optional(pool)
            .await
            .unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("ALTER TABLE consent_events DISABLE TRIGGER consent_events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    let mut last = None;
    for (i, r) in rows.into_iter().enumerate() {
        let mut c = Content {
            org_id: r.0,
            seq: r.1,
            phone: r.2,
            family: r.3,
            grant: r.4,
            categories: r.5,
            medium: r.6,
            language: r.7,
            campaign: r.8,
            ip: r.9.and_then(|ip| ip.parse().ok()),
            user_agent: r.10,
            person_name: r.11,
            captured_by: r.12,
            source_ref: r.13,
            at: r.14,
            prev_hash: prev.clone(),
        };
        if i == 0 {
            // The edit: a revocation becomes a grant of everything.
            c.grant = Some(consentdesk::rules::consent::ConsentLevel::ExpressWritten);
        }
        let hash = c.hash();
        sqlx::query(
            "UPDATE consent_events SET kind = CASE WHEN $3::consent_level IS NULL THEN 'revoke' ELSE 'grant' END::consent_kind,
                 level = $3, prev_hash = $4, hash = $5 WHERE org_id = $1 AND seq = $2",
        )
        .bind(c.org_id)
        .bind(c.seq)
        .bind(c.grant)
        .bind(&c.prev_hash)
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .unwrap();
        prev = Some(hash.clone());
        last = Some((c.org_id, c.seq, hash));
    }
    let (org, head_seq, head_hash) = last.unwrap();
    sqlx::query(
        "UPDATE organisations SET consent_head_seq = $2, consent_head_hash = $3 WHERE id = $1",
    )
    .bind(org)
    .bind(head_seq)
    .bind(head_hash)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("ALTER TABLE consent_events ENABLE TRIGGER consent_events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test]
async fn a_rewrite_with_every_hash_recomputed_is_named_and_a_saved_head_proves_it(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "START").await;
    text_north(&app, "SM2", ANA, "STOP").await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let saved = compliance.get("/consent/ledger/head.json").await;
    assert_eq!(saved.status(), StatusCode::OK);
    let saved = saved.text().await.unwrap();
    let check = |head: &str| CheckLedgerHead { head: head.into() };
    let before = compliance.run(check(&saved)).await.unwrap();
    assert!(before.contains("Genuine"), "{before}");

    rewrite_with_recomputed_hashes(&pool, 2).await;

    let verdict = compliance.run(VerifyConsentLedger {}).await.unwrap();
    let broken = verdict.first_broken.expect("the rewrite is named");
    assert_eq!(broken.seq, 2, "{broken:?}");
    assert!(broken.why.contains("rewritten"), "{broken:?}");
    let after = compliance.run(check(&saved)).await;
    assert!(matches!(after, Err(AppError::Conflict(_))), "{after:?}");
    let forged = saved.replace("\"seq\": 4", "\"seq\": 3");
    let forged = compliance.run(check(&forged)).await;
    assert!(
        matches!(forged, Err(AppError::Conflict(_))),
        "a head we did not sign: {forged:?}"
    );
}

#[sqlx::test]
async fn an_address_postgresql_writes_differently_still_verifies(pool: PgPool) {
    let app = store_behind_proxy(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let sha = consentdesk::server::consent::wording::load(&mut conn, org)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.category.as_str() == "informational")
        .unwrap()
        .sha256;
    for (n, address) in ["::1.2.3.4", "::ffff:1.2.3.4", "2001:db8::1"]
        .iter()
        .enumerate()
    {
        let input = PublicConsentInput {
            org: "north".into(),
            name: "Ana Diaz".into(),
            phone: format!("(415) 555-010{n}"),
            informational: Some("yes".into()),
            informational_sha256: sha.clone(),
            ..Default::default()
        };
        app.client()
            .run_with(GiveConsent { input }, &[("x-forwarded-for", *address)])
            .await
            .unwrap();
        text_north(
            &app,
            &format!("SMyes{n}"),
            &format!("+1415555010{n}"),
            "YES",
        )
        .await;
    }
    let mut compliance = app.signed_in("comp@north.example").await;

    let verdict = compliance.run(VerifyConsentLedger {}).await.unwrap();

    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE ip IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(verdict.first_broken, None, "{verdict:?}");
}

#[sqlx::test]
async fn a_send_cut_off_after_the_carrier_took_it_is_never_sent_again(pool: PgPool) {
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(0usize));
    let entered = Arc::new(tokio::sync::Notify::new());
    let (hits, arrived) = (seen.clone(), entered.clone());
    let carrier = axum::Router::new().fallback(move || {
        let (hits, arrived) = (hits.clone(), arrived.clone());
        async move {
            *hits.lock().unwrap() += 1;
            arrived.notify_one();
            // The carrier takes it, and answers only after a while.
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            axum::Json(serde_json::json!({ "sid": "SMtaken" }))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, carrier).await.unwrap() });
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(
        &pool,
        "north",
        "boss@north.example",
        consentdesk::model::Role::Manager,
    )
    .await;
    configure_carrier(&pool, "north", "tok", Some(&base)).await;
    text_north(&app, "SM1", ANA, "STOP").await; // queues the one opt-out confirmation
    let http = reqwest::Client::new();
    let key = consentdesk::server::crypto::DataKey::from_base64(
        consentdesk::server::config::TEST_DATA_KEY,
    )
    .unwrap();
    let worker_pool = pool.clone();
    let worker = tokio::spawn(async move {
        let sender = consentdesk::server::messaging::outbox::Sender {
            http: &http,
            key: Some(&key),
            public_base_url: PUBLIC_BASE,
            allow_custom_urls: true,
            stale_after: std::time::Duration::from_secs(0),
        };
        consentdesk::server::messaging::outbox::run_once(&worker_pool, &sender, 10).await
    });
    entered.notified().await;

    // The worker dies with the message at the carrier.
    worker.abort();
    let _ = worker.await;
    let during: String = sqlx::query_scalar(
        "SELECT status::text FROM messages WHERE purpose = 'opt_out_confirmation'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let key = consentdesk::server::crypto::DataKey::from_base64(
        consentdesk::server::config::TEST_DATA_KEY,
    )
    .unwrap();
    let http = reqwest::Client::new();
    let sender = consentdesk::server::messaging::outbox::Sender {
        http: &http,
        key: Some(&key),
        public_base_url: PUBLIC_BASE,
        allow_custom_urls: true,
        stale_after: std::time::Duration::from_secs(0),
    };
    consentdesk::server::messaging::outbox::run_once(&pool, &sender, 10)
        .await
        .unwrap();

    assert_eq!(during, "sending");
    assert_eq!(
        *seen.lock().unwrap(),
        1,
        "the STOP's confirmation went out once"
    );
    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "SELECT status::text, status_reason FROM messages WHERE purpose = 'opt_out_confirmation'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "unknown");
    assert!(reason.unwrap().contains("will not be sent again"));
    assert_eq!(count(&pool, "SELECT count(*) FROM outbox").await, 0);

    // The carrier's report, naming the message, settles it.
    let message: Uuid =
        sqlx::query_scalar("SELECT id FROM messages WHERE purpose = 'opt_out_confirmation'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let path = format!("/hooks/twilio/north/status?m={message}");
    let fields = [("MessageSid", "SMtaken"), ("MessageStatus", "delivered")];
    let signature = twilio_signature("tok", &format!("{PUBLIC_BASE}{path}"), &fields);
    let report = reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .header("x-twilio-signature", signature)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    let settled: (String, Option<String>) =
        sqlx::query_as("SELECT status::text, provider_message_id FROM messages WHERE id = $1")
            .bind(message)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(settled, ("delivered".into(), Some("SMtaken".into())));
}

#[sqlx::test]
async fn an_erasure_of_two_numbers_and_a_stop_from_the_second_both_commit(pool: PgPool) {
    use consentdesk::server::consent::{append, NewEvent};
    let app = two_stores(&pool).await;
    let org: Uuid = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'north'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let event = |phone: &str| NewEvent {
        org_id: org,
        phone: phone.into(),
        family: consentdesk::model::ChannelFamily::Texts,
        grant: None,
        categories: consentdesk::model::MessageCategory::ALL.to_vec(),
        medium: consentdesk::model::ConsentMedium::Email,
        language: Some("Deletion request: contact me no more.".into()),
        campaign: None,
        ip: None,
        user_agent: None,
        person_name: None,
        captured_by: None,
        source_ref: None,
    };
    // An erasure revoking two numbers, as `privacy::execute` does, one after the other…
    let mut erasure = pool.begin().await.unwrap();
    append(&mut erasure, &event(ANA)).await.unwrap();
    // …while a STOP from the second number arrives.
    let stop = {
        let app_base = app.base.clone();
        tokio::spawn(async move {
            let path = "/hooks/twilio/north/sms";
            let fields = [
                ("MessageSid", "SMstop"),
                ("From", "+14155550111"),
                ("To", "+13125550199"),
                ("Body", "STOP"),
            ];
            let signature = twilio_signature("tok", &format!("{PUBLIC_BASE}{path}"), &fields);
            reqwest::Client::new()
                .post(format!("{app_base}{path}"))
                .header("x-twilio-signature", signature)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    append(&mut erasure, &event("+14155550111")).await.unwrap();
    erasure.commit().await.unwrap();

    assert_eq!(stop.await.unwrap(), StatusCode::OK);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE phone = '+14155550111'"
        )
        .await,
        4,
        "the erasure's revocation and the STOP's three"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE provider_message_id = 'SMstop'"
        )
        .await,
        1
    );
}

#[sqlx::test]
async fn a_lead_whose_number_has_consent_records_is_not_deleted_with_its_evidence(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "STOP").await;
    text_north(&app, "SM2", "+14155550111", "Hello").await;
    let lead = |phone: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM leads WHERE phone = $1")
                .bind(phone)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (stopped, plain) = (lead(ANA).await, lead("+14155550111").await);
    let mut manager = app.signed_in("boss@north.example").await;

    let refused = manager.run(DeleteLead { id: stopped }).await;
    let deleted = manager.run(DeleteLead { id: plain }).await;

    let Err(AppError::Conflict(why)) = refused else {
        panic!("not a conflict: {refused:?}")
    };
    assert!(why.contains("deletion privacy request"), "{why}");
    assert_eq!(deleted, Ok(()));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE purpose = 'opt_out_confirmation'"
        )
        .await,
        1,
        "the confirmation the evidence points at is still there"
    );
}

#[sqlx::test]
async fn retention_purges_in_batches_redacts_audit_details_and_goes_on_past_a_failure(
    pool: PgPool,
) {
    use consentdesk::server::privacy::retention;
    let _app = two_stores(&pool).await;
    let (north, south): (Uuid, Uuid) = sqlx::query_as(
        "SELECT (SELECT id FROM organisations WHERE slug = 'north'), (SELECT id FROM organisations WHERE slug = 'south')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // Both organisations keep communications 30 days; each has 6,000 old messages, an old
    // upload and an old audit event naming someone.
    sqlx::query("UPDATE organisations SET communications_max_age_days = 30")
        .execute(&pool)
        .await
        .unwrap();
    for org in [north, south] {
        sqlx::query(
            "WITH l AS (INSERT INTO leads (org_id, name, phone, source) VALUES ($1, 'Old', '+1415555' || (1000 + (random() * 8999)::int), 'sms') RETURNING id),
                  c AS (INSERT INTO conversations (org_id, lead_id, channel) SELECT $1, id, 'sms' FROM l RETURNING id)
             INSERT INTO messages (org_id, conversation_id, direction, body, sender, status, created_at)
             SELECT $1, c.id, 'inbound', 'old ' || g, 'customer', 'received', now() - interval '90 days'
             FROM c, generate_series(1, 6000) g",
        )
        .bind(org)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO lead_imports (org_id, user_id, filename, body, created_at)
             SELECT $1, id, 'old.csv', 'name,phone\nAna,+14155550100', now() - interval '40 days' FROM users WHERE org_id = $1 LIMIT 1",
        )
        .bind(org)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_events (org_id, actor_kind, action, detail, at)
             VALUES ($1, 'system', 'user.created', '{\"email\": \"jo@example.com\", \"role\": \"agent\"}', now() - interval '60 days')",
        )
        .bind(org)
        .execute(&pool)
        .await
        .unwrap();
    }
    // North's purge fails (a trigger standing in for a broken table).
    sqlx::query(&format!(
        "CREATE FUNCTION fail_north() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
             IF OLD.org_id = '{north}' THEN RAISE EXCEPTION 'broken'; END IF; RETURN OLD; END $$"
    ))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER fail_north BEFORE DELETE ON messages FOR EACH ROW EXECUTE FUNCTION fail_north()")
        .execute(&pool)
        .await
        .unwrap();

    let outcomes = retention::run_all(&pool).await.unwrap();

    let of = |slug: &str| outcomes.iter().find(|(s, _)| s == slug).unwrap().1.clone();
    assert!(of("north").is_err(), "north's failure is reported");
    let south_counts = of("south").unwrap().unwrap();
    assert_eq!(south_counts.messages, 6000, "in two batches");
    assert_eq!(south_counts.imports, 1);
    assert_eq!(south_counts.audit_details, 1);
    let south_left = count(
        &pool,
        &format!("SELECT count(*) FROM messages WHERE org_id = '{south}'"),
    )
    .await;
    assert_eq!(south_left, 0);
    let detail: Value = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE action = 'user.created' AND org_id = $1 AND at < now() - interval '30 days'",
    )
    .bind(south)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(detail["email"], Value::Null);
    assert_eq!(detail["role"], "agent");
    assert_eq!(detail["redacted"], true);
    let body: String = sqlx::query_scalar("SELECT body FROM lead_imports WHERE org_id = $1")
        .bind(south)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(body, "");
}

#[sqlx::test]
async fn a_long_thread_comes_a_page_at_a_time(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM0", ANA, "first").await;
    sqlx::query(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, status, created_at)
         SELECT org_id, id, 'inbound', 'line ' || g, 'customer', 'received', now() + make_interval(secs => g)
         FROM conversations, generate_series(1, 249) g",
    )
    .execute(&pool)
    .await
    .unwrap();
    let id: Uuid = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;

    let page = |before: String| GetThread { id, before };
    let latest = manager.run(page(String::new())).await.unwrap();
    let cursor = latest
        .earlier
        .clone()
        .expect("older messages are a page away");
    let earlier = manager.run(page(cursor)).await.unwrap();

    let bodies = |t: &consentdesk::model::Thread| -> Vec<String> {
        t.messages.iter().map(|m| m.body.clone()).collect()
    };
    assert_eq!(bodies(&latest).len(), 200);
    assert_eq!(bodies(&latest).last().unwrap(), "line 249");
    assert_eq!(bodies(&earlier).len(), 50);
    assert_eq!(bodies(&earlier)[0], "first");
    assert_eq!(earlier.earlier, None);
}

#[sqlx::test]
async fn one_bad_entry_in_a_whatsapp_batch_does_not_lose_the_others(pool: PgPool) {
    let app = two_stores(&pool).await;
    let key = consentdesk::server::crypto::DataKey::from_base64(
        consentdesk::server::config::TEST_DATA_KEY,
    )
    .unwrap();
    sqlx::query("UPDATE messaging_settings SET whatsapp_app_secret_enc = $1")
        .bind(key.seal("app-secret"))
        .execute(&pool)
        .await
        .unwrap();
    let body = r#"{"entry":[{"changes":[{"value":{"messages":[
        {"from":"14155550100","id":"wamid.1","type":"text","text":{"body":"first"}},
        {"id":"wamid.2","type":"text","text":{"body":"no sender"}},
        {"from":"not a number","id":"wamid.3","type":"text","text":{"body":"bad sender"}},
        {"from":"14155550111","id":"wamid.4","type":"text","text":{"body":"last"}}
    ]}}]}]}"#;
    let response = reqwest::Client::new()
        .post(format!("{}/hooks/whatsapp/north", app.base))
        .header("x-hub-signature-256", meta_signature("app-secret", body))
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT body FROM messages WHERE direction = 'inbound' ORDER BY body")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stored, ["first", "last"]);
}

#[sqlx::test]
async fn a_late_call_status_does_not_undo_a_later_one(pool: PgPool) {
    let app = two_stores(&pool).await;
    let call = |status: &'static str| {
        [
            ("CallSid", "CA1"),
            ("From", ANA),
            ("To", "+13125550199"),
            ("CallStatus", status),
        ]
    };
    app.twilio("north", "voice", "tok", &call("completed"))
        .await;

    let replayed = app.twilio("north", "voice", "tok", &call("ringing")).await;

    assert_eq!(replayed.status(), StatusCode::OK);
    let status: String = sqlx::query_scalar("SELECT status FROM calls")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "completed");
}
