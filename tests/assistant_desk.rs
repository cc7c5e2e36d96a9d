//! The assistant at the agent's desk and on the phone (issue 14): insight computed in the
//! background after an inbound text, suggested replies marked AI-assisted, facts a person
//! accepts into the lead, and the voice agent's TwiML turns through signed webhooks. Each
//! rule is also tried by someone who may not: another organisation, a role without it.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::assistant::{AcceptInsightFact, LeadInsight, SuggestReply};
use consentdesk::api::conversations::SendReply;
use consentdesk::error::AppError;
use consentdesk::model::Role;
use consentdesk::server::assistant::jobs::{run_once, Runtime};
use consentdesk::server::{config::TEST_DATA_KEY, crypto::DataKey};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const FROM: &str = "+13125550123";

async fn work(pool: &PgPool) {
    let rt = Runtime {
        pool: pool.clone(),
        key: DataKey::from_base64(TEST_DATA_KEY).ok(),
        http: reqwest::Client::new(),
    };
    while run_once(&rt, 10).await.unwrap() > 0 {}
}

async fn ids(pool: &PgPool) -> (Uuid, Uuid) {
    sqlx::query_as("SELECT c.id, l.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1")
        .bind(FROM)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn insight_is_computed_in_the_background_and_shown_only_to_who_may_see_the_lead(
    pool: PgPool,
) {
    let app = two_stores(&pool).await;
    text_north(
        &app,
        "SM1",
        FROM,
        "Hi! Is the 2021 Honda Civic still available? I could come Saturday morning",
    )
    .await;
    let queued = count(&pool, "SELECT count(*) FROM ai_jobs WHERE kind = 'insight'").await;
    assert_eq!(queued, 1, "the webhook only queues the work");
    let (_, lead) = ids(&pool).await;
    let mut agent = app.signed_in("ana@north.example").await;
    assert_eq!(
        agent.run(LeadInsight { lead }).await.unwrap(),
        None,
        "not read yet"
    );

    work(&pool).await;
    let view = agent
        .run(LeadInsight { lead })
        .await
        .unwrap()
        .expect("an insight");
    assert!((0..=100).contains(&view.insight.score));
    assert!(view.insight.summary.len() <= 3);
    assert!(
        !view.insight.reasons.is_empty(),
        "a score comes with its reasons"
    );

    let mut south = app.signed_in("comp@south.example").await;
    assert_eq!(
        south.run(LeadInsight { lead }).await.unwrap(),
        None,
        "another organisation sees nothing"
    );
    // An agent sees only their own leads and unassigned ones.
    let bo = sqlx::query_scalar::<_, Uuid>("SELECT id FROM users WHERE email = 'bo@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE leads SET assigned_to = $1 WHERE id = $2")
        .bind(bo)
        .bind(lead)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(agent.run(LeadInsight { lead }).await.unwrap(), None);
}

#[sqlx::test]
async fn a_suggested_reply_is_sent_by_a_person_and_marked_ai_assisted(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(
        &app,
        "SM1",
        FROM,
        "Is the 2021 Honda Civic still available?",
    )
    .await;
    let (conversation, _) = ids(&pool).await;
    let mut agent = app.signed_in("ana@north.example").await;
    let draft = agent.run(SuggestReply { conversation }).await.unwrap();
    assert!(!draft.body.is_empty());
    assert!(!consentdesk::rules::assistant::promotional(&draft.body));

    let edited = format!("{} — Ana", draft.body);
    let send = SendReply {
        ai_assisted: "yes".into(),
        id: conversation,
        body: edited.clone(),
        category: String::new(),
    };
    assert_eq!(agent.run(send).await.unwrap(), None);
    let marked: bool = sqlx::query_scalar("SELECT ai_assisted FROM messages WHERE body = $1")
        .bind(&edited)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(marked);
    let audited = count(
        &pool,
        "SELECT count(*) FROM audit_events WHERE action = 'conversation.ai_assisted_reply'",
    )
    .await;
    assert_eq!(audited, 1);

    let promotional = SendReply {
        ai_assisted: "yes".into(),
        id: conversation,
        body: "Anything".into(),
        category: "promotional".into(),
    };
    let refused = agent.run(promotional).await.unwrap_err();
    assert!(
        refused
            .fields()
            .is_some_and(|f| f.get("category").is_some()),
        "{refused:?}"
    );
    let ai_events = count(
        &pool,
        "SELECT count(*) FROM ai_events WHERE purpose = 'draft'",
    )
    .await;
    assert!(ai_events >= 1, "the draft was logged");
}

#[sqlx::test]
async fn suggestions_are_refused_to_other_organisations_roles_and_restricted_leads(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", FROM, "Is the Civic still available?").await;
    let (conversation, lead) = ids(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    assert_eq!(
        compliance
            .run(SuggestReply { conversation })
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    user(&pool, "south", "sam@south.example", Role::Agent).await;
    let mut south = app.signed_in("sam@south.example").await;
    assert_eq!(
        south.run(SuggestReply { conversation }).await.unwrap_err(),
        AppError::NotFound
    );

    sqlx::query("UPDATE leads SET restricted_at = now() WHERE id = $1")
        .bind(lead)
        .execute(&pool)
        .await
        .unwrap();
    let mut agent = app.signed_in("ana@north.example").await;
    let refused = agent.run(SuggestReply { conversation }).await.unwrap_err();
    assert!(
        matches!(&refused, AppError::Conflict(why) if why.contains("restrict")),
        "{refused:?}"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM ai_events").await, 0);
}

#[sqlx::test]
async fn a_person_accepts_a_fact_into_the_lead(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(
        &app,
        "SM1",
        FROM,
        "Do you still have the 2021 Honda Civic? I'm trading in my 2015 Toyota Camry",
    )
    .await;
    work(&pool).await;
    let (_, lead) = ids(&pool).await;
    let facts: serde_json::Value = sqlx::query_scalar("SELECT ai_facts FROM leads WHERE id = $1")
        .bind(lead)
        .fetch_one(&pool)
        .await
        .unwrap();
    let untouched: Option<String> =
        sqlx::query_scalar("SELECT interest_make FROM leads WHERE id = $1")
            .bind(lead)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        untouched, None,
        "nothing reaches the lead before a person accepts it"
    );

    let mut compliance = app.signed_in("comp@north.example").await;
    let accept = || AcceptInsightFact {
        lead,
        fact: "vehicle".into(),
    };
    assert_eq!(
        compliance.run(accept()).await.unwrap_err(),
        AppError::Forbidden
    );
    let mut manager = app.signed_in("boss@north.example").await;
    assert!(
        facts["vehicle"].is_string(),
        "the vehicle is found: {facts}"
    );
    manager.run(accept()).await.unwrap();
    let (year, make): (Option<i16>, Option<String>) =
        sqlx::query_as("SELECT interest_year, interest_make FROM leads WHERE id = $1")
            .bind(lead)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(year, Some(2021));
    assert_eq!(make.as_deref(), Some("Honda"));
    let audited = count(
        &pool,
        "SELECT count(*) FROM audit_events WHERE action = 'lead.insight_accepted'",
    )
    .await;
    assert_eq!(audited, 1);
    let unknown = manager
        .run(AcceptInsightFact {
            lead,
            fact: "shoe_size".into(),
        })
        .await
        .unwrap_err();
    assert!(
        unknown.fields().is_some_and(|f| f.get("fact").is_some()),
        "{unknown:?}"
    );
    let mut south = app.signed_in("comp@south.example").await;
    assert_ne!(south.run(accept()).await, Ok(()));
}

/// North answers calls with the voice agent, and puts callers through to its desk.
async fn voice_agent(pool: &PgPool) {
    sqlx::query(
        "INSERT INTO ai_settings (org_id, autopilot_channels, transfer_number, calls_recorded)
         SELECT id, '{voice}', '+13125550100', true FROM organisations WHERE slug = 'north'",
    )
    .execute(pool)
    .await
    .unwrap();
}

async fn say(app: &TestApp, speech: &str) -> String {
    let response = app
        .twilio(
            "north",
            "voice/gather",
            "tok",
            &[("CallSid", "CA1"), ("From", FROM), ("SpeechResult", speech)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[sqlx::test]
async fn the_voice_agent_discloses_listens_answers_and_connects(pool: PgPool) {
    let app = two_stores(&pool).await;
    voice_agent(&pool).await;
    let call = [
        ("CallSid", "CA1"),
        ("From", FROM),
        ("To", "+13125550199"),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
    ];
    let greeting = app
        .twilio("north", "voice", "tok", &call)
        .await
        .text()
        .await
        .unwrap();
    assert!(greeting.contains("automated assistant"), "{greeting}");
    assert!(greeting.contains("recorded"), "{greeting}");
    assert!(greeting.contains("<Gather input=\"speech\""), "{greeting}");
    assert!(greeting.contains(&format!("{PUBLIC_BASE}/hooks/twilio/north/voice/gather")));

    let answer = say(&app, "Do you have the 2021 Honda Civic in stock?").await;
    assert!(answer.contains("<Say>"), "{answer}");
    assert!(answer.contains("<Gather"), "it keeps listening: {answer}");

    let connect = say(&app, "representative").await;
    assert!(connect.contains("<Dial>+13125550100</Dial>"), "{connect}");
    let lines = count(&pool, "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel = 'voice'").await;
    assert_eq!(lines, 4, "each turn is a transcript line");

    // Every turn's signature is checked.
    let forged = reqwest::Client::new()
        .post(format!("{}/hooks/twilio/north/voice/gather", app.base))
        .header("x-twilio-signature", "AAAA")
        .form(&[("CallSid", "CA1"), ("SpeechResult", "hello")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, lines);
}

#[sqlx::test]
async fn without_the_voice_agent_a_call_is_left_to_the_carrier(pool: PgPool) {
    let app = two_stores(&pool).await;
    let call = [
        ("CallSid", "CA1"),
        ("From", FROM),
        ("To", "+13125550199"),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
    ];
    let twiml = app
        .twilio("north", "voice", "tok", &call)
        .await
        .text()
        .await
        .unwrap();
    assert!(!twiml.contains("Gather"), "{twiml}");
}
