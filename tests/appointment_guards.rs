//! What a review of the appointments found, each performed through HTTP (issue 15): a bare
//! "yes" answers an appointment only right after its text; an agent who only takes a
//! colleague's visit may look but not move, cancel or text it; a type named like an offer is
//! refused; a nonsense calendar date is today; a deactivated account's feed goes dark.
#![cfg(feature = "ssr")]

mod common;

use chrono::{Duration, Utc};
use chrono_tz::America::Chicago;
use common::*;
use consentdesk::api::appointments::{
    Appointment, BookAppointment, CancelAppointment, GetBookingOptions, SaveAppointmentType,
    SetCalendarFeed,
};
use consentdesk::api::consent::RecordConsent;
use consentdesk::api::conversations::SendReply;
use consentdesk::error::AppError;
use consentdesk::model::{AppointmentTypeInput, BookingInput, RecordConsentInput};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const PHONE: &str = "+13125550177";

/// North with a manager (signed in) and agents Ana and Bo; the customer has texted once
/// and said yes to texts in person. Returns the lead and its conversation.
async fn store(pool: &PgPool) -> (TestApp, Client, Uuid, Uuid) {
    let app = two_stores(pool).await;
    let mut boss = app.signed_in("boss@north.example").await;
    text_north(&app, "SM1", PHONE, "Hello, I'm interested in the Civic").await;
    let mut input = RecordConsentInput::default();
    (input.phone, input.family, input.level) = (PHONE.into(), "texts".into(), "express".into());
    (input.medium, input.person_name) = ("in_person".into(), "Dana Whitfield".into());
    input.language = "Yes, you may text me about my appointment.".into();
    boss.run(RecordConsent { input }).await.unwrap();
    let (lead, conversation): (Uuid, Uuid) = sqlx::query_as(
        "SELECT l.id, c.id FROM leads l JOIN conversations c ON c.lead_id = l.id WHERE l.phone = $1",
    )
    .bind(PHONE)
    .fetch_one(pool)
    .await
    .unwrap();
    (app, boss, lead, conversation)
}

/// Books the lead's first free test drive two days ahead with `with`, from the thread,
/// texting the customer; returns the appointment.
async fn book(boss: &mut Client, lead: Uuid, conversation: Uuid, with: Uuid) -> Uuid {
    let today = Utc::now().with_timezone(&Chicago).date_naive();
    let form = GetBookingOptions {
        lead,
        type_id: None,
        assignee: Some(with),
        from: Some(today + Duration::days(2)),
    };
    let o = boss.run(form).await.unwrap();
    let input = BookingInput {
        lead: lead.to_string(),
        conversation: conversation.to_string(),
        type_id: o.type_id.unwrap().to_string(),
        assignee: with.to_string(),
        starts_at: o.slots[0].starts_at.to_rfc3339(),
        notify: "yes".into(),
        ..BookingInput::default()
    };
    let outcome = boss.run(BookAppointment { input }).await.unwrap();
    assert_eq!(outcome.told, Some(Ok(())), "the confirmation is queued");
    outcome.id
}

async fn status(pool: &PgPool, id: Uuid) -> String {
    sqlx::query_scalar("SELECT status::text FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn user_id(pool: &PgPool, email: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_bare_yes_answers_the_appointment_only_right_after_its_text(pool: PgPool) {
    let (app, mut boss, lead, conversation) = store(&pool).await;
    let ana = user_id(&pool, "ana@north.example").await;
    let id = book(&mut boss, lead, conversation, ana).await;

    // The store asks something else; the customer's "Yes" answers that, not the visit.
    let body = "Would you like us to appraise your trade-in too?".to_string();
    let (category, ai_assisted) = (String::new(), String::new());
    let ask = SendReply {
        id: conversation,
        body,
        category,
        ai_assisted,
    };
    boss.run(ask).await.unwrap();
    text_north(&app, "SM2", PHONE, "Yes").await;
    assert_eq!(status(&pool, id).await, "scheduled");
    let acks = "SELECT count(*) FROM messages WHERE body LIKE '%you''re confirmed%'";
    assert_eq!(count(&pool, acks).await, 0);

    // Right after the booking's own text, C confirms.
    let other = book(&mut boss, lead, conversation, ana).await;
    text_north(&app, "SM3", PHONE, "C").await;
    assert_eq!(status(&pool, other).await, "confirmed");
    assert_eq!(
        status(&pool, id).await,
        "scheduled",
        "only the visit asked about"
    );
    assert_eq!(count(&pool, acks).await, 1);
}

#[sqlx::test]
async fn an_agent_who_only_takes_a_colleagues_visit_cannot_move_cancel_or_text_it(pool: PgPool) {
    let (app, mut boss, lead, conversation) = store(&pool).await;
    let (ana, bo) = (
        user_id(&pool, "ana@north.example").await,
        user_id(&pool, "bo@north.example").await,
    );
    sqlx::query("UPDATE leads SET assigned_to = $2 WHERE id = $1")
        .bind(lead)
        .bind(ana)
        .execute(&pool)
        .await
        .unwrap();
    let id = book(&mut boss, lead, conversation, bo).await;
    let texts = "SELECT count(*) FROM messages WHERE direction = 'outbound'";
    let before = count(&pool, texts).await;

    let mut bo_client = app.signed_in("bo@north.example").await;
    let seen = bo_client.run(Appointment { id }).await.unwrap();
    assert!(!seen.can_edit, "Bo sees the visit he takes, read-only");
    let notify = Some("yes".to_string());
    let refused = bo_client.run(CancelAppointment { id, notify }).await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    assert_eq!(status(&pool, id).await, "scheduled");
    assert_eq!(count(&pool, texts).await, before, "nothing was texted");

    let mut ana_client = app.signed_in("ana@north.example").await;
    assert!(ana_client.run(Appointment { id }).await.unwrap().can_edit);
}

#[sqlx::test]
async fn a_type_named_like_an_offer_is_refused(pool: PgPool) {
    let (_app, mut boss, _, _) = store(&pool).await;
    let input = AppointmentTypeInput {
        name: "Free detail + 0% APR test drive".into(),
        duration_minutes: "45".into(),
        reminders: "24h".into(),
        reminder_template: "Your {type} is {when}.".into(),
        active: "yes".into(),
        ..AppointmentTypeInput::default()
    };
    let refused = boss.run(SaveAppointmentType { input }).await;
    assert!(
        matches!(&refused, Err(AppError::Validation(e)) if e.get("name").is_some()),
        "{refused:?}"
    );
}

#[sqlx::test]
async fn a_nonsense_calendar_date_shows_this_week(pool: PgPool) {
    let (_app, mut boss, _, _) = store(&pool).await;
    for date in [
        "%2B262142-12-31",
        "-262143-01-01",
        "2026-02-30",
        "yesterday",
    ] {
        let page = boss.get(&format!("/calendar?date={date}")).await;
        assert_eq!(page.status(), StatusCode::OK, "{date}");
    }
}

#[sqlx::test]
async fn a_deactivated_accounts_feed_goes_dark(pool: PgPool) {
    let (app, mut boss, _, _) = store(&pool).await;
    let mut ana = app.signed_in("ana@north.example").await;
    let on = "yes".to_string();
    let url = ana.run(SetCalendarFeed { on }).await.unwrap().url.unwrap();
    let path = url
        .split_once("/calendar/")
        .map(|(_, p)| format!("/calendar/{p}"))
        .unwrap();
    let mut anyone = app.client();
    assert_eq!(anyone.get(&path).await.status(), StatusCode::OK);
    let ana_id = user_id(&pool, "ana@north.example").await;
    let off = boss
        .call(
            "set_user_active",
            &[("user_id", &ana_id.to_string()), ("active", "false")],
        )
        .await;
    assert!(off.status().is_success(), "{}", off.status());
    assert_eq!(anyone.get(&path).await.status(), StatusCode::NOT_FOUND);
    sqlx::query("UPDATE users SET active = true WHERE id = $1")
        .bind(ana_id)
        .execute(&pool)
        .await
        .unwrap();
    let revived = anyone.get(&path).await.status();
    assert_eq!(
        revived,
        StatusCode::NOT_FOUND,
        "reactivating does not revive it"
    );
}

/// The one event of a calendar file, read by an independent parser (not the crate that
/// wrote it): its properties by name.
fn visit_event(body: &str) -> Vec<(String, String)> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("it parses");
    assert_eq!(calendar.events.len(), 1, "{body}");
    let event = calendar.events.into_iter().next().unwrap();
    let props = event.properties.into_iter();
    props
        .map(|p| (p.name, p.value.unwrap_or_default()))
        .collect()
}

fn value<'a>(props: &'a [(String, String)], name: &str) -> &'a str {
    let found = props.iter().find(|(n, _)| n == name);
    found
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

#[sqlx::test]
async fn the_confirmation_links_the_customer_to_their_one_visit_as_a_calendar_file(pool: PgPool) {
    let (app, mut boss, lead, conversation) = store(&pool).await;
    let ana = user_id(&pool, "ana@north.example").await;
    let id = book(&mut boss, lead, conversation, ana).await;
    let text: String = sqlx::query_scalar(
        "SELECT body FROM messages WHERE conversation_id = $1 AND body LIKE '%/calendar/visit/%'",
    )
    .bind(conversation)
    .fetch_one(&pool)
    .await
    .unwrap();
    let start = text.find("/calendar/visit/").unwrap();
    let path = text[start..].split_whitespace().next().unwrap().to_string();
    assert!(path.ends_with(".ics"), "{text}");

    let hashed = "SELECT count(*) FROM appointments WHERE public_token_hash IS NOT NULL";
    assert_eq!(count(&pool, hashed).await, 1);
    let mut anyone = app.client();
    let response = anyone.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path} in {text}");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(kind.starts_with("text/calendar"), "{kind}");
    let props = visit_event(&response.text().await.unwrap());
    assert_eq!(value(&props, "UID"), format!("{id}@consentdesk"));
    assert_eq!(value(&props, "SUMMARY"), "Test drive — Org north");
    assert!(value(&props, "DTSTART").ends_with('Z'));
    assert!(
        props.iter().all(|(n, _)| n != "URL"),
        "no link into the staff pages"
    );

    let notify = None;
    boss.run(CancelAppointment { id, notify }).await.unwrap();
    let props = visit_event(&anyone.get(&path).await.text().await.unwrap());
    assert_eq!(value(&props, "STATUS"), "CANCELLED");
    let guess = format!("/calendar/visit/{}.ics", "A".repeat(43));
    assert_eq!(anyone.get(&guess).await.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn shown_and_no_show_wait_for_the_start_and_the_day_view_lists_one_persons_visits(
    pool: PgPool,
) {
    use consentdesk::api::appointments::{Calendar, MarkAppointment};
    use consentdesk::model::CalendarQuery;
    let (app, mut boss, lead, conversation) = store(&pool).await;
    let (ana, bo) = (
        user_id(&pool, "ana@north.example").await,
        user_id(&pool, "bo@north.example").await,
    );
    let id = book(&mut boss, lead, conversation, ana).await;
    let mark = |status: &str| MarkAppointment {
        id,
        status: status.into(),
    };
    let early = boss.run(mark("shown")).await;
    assert!(
        matches!(&early, Err(AppError::Validation(e)) if e.get("status").is_some()),
        "{early:?}"
    );
    assert_eq!(status(&pool, id).await, "scheduled");
    let mut compliance = app.signed_in("comp@north.example").await;
    let refused = compliance.run(mark("confirmed")).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    boss.run(mark("confirmed")).await.unwrap();
    assert_eq!(status(&pool, id).await, "confirmed");
    sqlx::query(
        "UPDATE appointments SET starts_at = now() - interval '5 minutes', ends_at = now() + interval '40 minutes'
         WHERE id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    boss.run(mark("shown")).await.unwrap();
    assert_eq!(status(&pool, id).await, "shown");
    let audited = "SELECT count(*) FROM audit_events WHERE action = 'appointment.marked'";
    assert_eq!(count(&pool, audited).await, 2);

    // Today's list for Ana holds it; Bo's does not.
    let started = Utc::now() - Duration::minutes(5);
    let date = started.with_timezone(&Chicago).date_naive().to_string();
    let day = |who: Uuid| CalendarQuery {
        view: "day".into(),
        date: date.clone(),
        assignee: who.to_string(),
        ..CalendarQuery::default()
    };
    let hers = boss.run(Calendar { query: day(ana) }).await.unwrap();
    assert_eq!(hers.days.len(), 1);
    assert!(hers.entries.iter().any(|e| e.id == id));
    let his = boss.run(Calendar { query: day(bo) }).await.unwrap();
    assert!(his.entries.iter().all(|e| e.id != id));
}
