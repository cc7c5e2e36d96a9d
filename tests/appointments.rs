//! Appointments through HTTP (issue 15): booking, overlaps refused however bookings race,
//! tenancy and roles, the calendar settings' checks, and the private iCalendar feed.
#![cfg(feature = "ssr")]

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::America::Chicago;
use common::*;
use consentdesk::api::appointments::{
    Appointment, BookAppointment, Calendar, CancelAppointment, GetCalendarSettings,
    SaveAppointmentType, SaveCalendarSettings, SetCalendarFeed,
};
use consentdesk::api::leads::CreateLead;
use consentdesk::error::AppError;
use consentdesk::model::{
    AppointmentTypeInput, BookingInput, BookingOptions, CalendarEntry, CalendarQuery,
    CalendarSettings, LeadInput, Role,
};
use ical::parser::ical::component::IcalEvent;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const PHONE: &str = "+14155550100";
/// A first name long enough that its calendar summary must be folded (RFC 5545 §3.1).
const FIRST: &str = "Anastasia-Konstantina-Maximiliana-Wilhelmina-Bartholomea";
const APPOINTMENTS: &str = "SELECT count(*) FROM appointments";

/// North (manager "boss", signed in; a compliance officer; agents Ana, Bo), south (a manager).
async fn store(pool: &PgPool) -> (TestApp, Client, [Uuid; 3]) {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    org(pool, "south").await;
    let boss = user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "comp@north.example", Role::Compliance).await;
    let ana = user(pool, "north", "ana@north.example", Role::Agent).await;
    let bo = user(pool, "north", "bo@north.example", Role::Agent).await;
    user(pool, "south", "boss@south.example", Role::Manager).await;
    let client = app.signed_in("boss@north.example").await;
    (app, client, [boss, ana, bo])
}

async fn new_lead(client: &mut Client, name: &str, phone: &str) -> Uuid {
    let mut input = LeadInput::default();
    (input.name, input.phone) = (name.into(), phone.into());
    client.run(CreateLead { input }).await.unwrap()
}

async fn options(c: &mut Client, lead: Uuid, who: Option<Uuid>, days: i64) -> BookingOptions {
    test_drive_options(c, lead, who, days).await
}

fn booking(o: &BookingOptions, lead: Uuid, slot: usize) -> BookAppointment {
    let input = BookingInput {
        lead: lead.to_string(),
        type_id: o.type_id.unwrap().to_string(),
        assignee: o.assignee.unwrap().to_string(),
        starts_at: o.slots[slot].starts_at.to_rfc3339(),
        ..BookingInput::default()
    };
    BookAppointment { input }
}

async fn book(client: &mut Client, o: &BookingOptions, lead: Uuid, slot: usize) -> Uuid {
    client.run(booking(o, lead, slot)).await.unwrap().id
}

fn cancel(id: Uuid) -> CancelAppointment {
    let notify = None;
    CancelAppointment { id, notify }
}

fn assert_field<T: std::fmt::Debug>(result: Result<T, AppError>, field: &str) {
    let errors = result.as_ref().err().and_then(AppError::fields);
    let named = errors.is_some_and(|e| e.get(field).is_some());
    assert!(named, "expected a field error on {field}: {result:?}");
}

fn local_date(o: &BookingOptions, slot: usize) -> NaiveDate {
    o.slots[slot].starts_at.with_timezone(&Chicago).date_naive()
}

async fn week(client: &mut Client, date: NaiveDate) -> Vec<CalendarEntry> {
    let mut query = CalendarQuery::default();
    (query.view, query.date) = ("week".into(), date.to_string());
    client.run(Calendar { query }).await.unwrap().entries
}

async fn ids_on_week(client: &mut Client, date: NaiveDate) -> Vec<Uuid> {
    week(client, date).await.iter().map(|e| e.id).collect()
}

#[sqlx::test]
async fn a_free_slot_is_booked_once_and_shows_on_the_week_view(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    let lead = new_lead(&mut boss, "Dana Whitfield", PHONE).await;
    let set = "SELECT count(*) FROM leads WHERE status = 'appointment_set'";
    let o = options(&mut boss, lead, None, 3).await;
    let slot = o.slots[0].starts_at;

    let id = book(&mut boss, &o, lead, 0).await;
    let again = boss.run(booking(&o, lead, 0)).await;

    assert_field(again, "starts_at");
    assert_eq!(count(&pool, APPOINTMENTS).await, 1);
    assert_eq!(count(&pool, set).await, 1, "appointment set");
    let after = options(&mut boss, lead, None, 3).await;
    let offered = after.slots.iter().any(|x| x.starts_at == slot);
    assert!(!offered, "the slot is no longer offered");
    let entries = week(&mut boss, local_date(&o, 0)).await;
    let entry = entries.iter().find(|e| e.id == id).expect("listed");
    assert_eq!((entry.starts_at, entry.lead_id), (slot, lead));
    assert_eq!(entry.type_name, "Test drive");
}

#[sqlx::test]
async fn two_bookings_racing_for_one_slot_give_one_appointment(pool: PgPool) {
    let (app, mut boss, _) = store(&pool).await;
    let first = new_lead(&mut boss, "Dana Whitfield", PHONE).await;
    let second = new_lead(&mut boss, "Eli Moreno", "+14155550101").await;
    let o = options(&mut boss, first, None, 3).await;
    let mut other_tab = app.signed_in("boss@north.example").await;

    let (a, b) = tokio::join!(
        boss.run(booking(&o, first, 0)),
        other_tab.run(booking(&o, second, 0)),
    );

    let (won, lost): (Vec<_>, Vec<_>) = [a, b].into_iter().partition(|r| r.is_ok());
    assert_eq!(won.len(), 1, "{won:?} {lost:?}");
    assert_field(lost.into_iter().next().unwrap(), "starts_at");
    assert_eq!(count(&pool, APPOINTMENTS).await, 1);
}

#[sqlx::test]
async fn the_database_refuses_an_overlapping_live_appointment_but_not_a_cancelled_one(
    pool: PgPool,
) {
    let (_app, mut boss, _) = store(&pool).await;
    let lead = new_lead(&mut boss, "Dana Whitfield", PHONE).await;
    let o = options(&mut boss, lead, None, 3).await;
    let id = book(&mut boss, &o, lead, 0).await;
    let sql = "INSERT INTO appointments (org_id, lead_id, type_id, assignee_id, starts_at, ends_at,
                                         time_zone, source, status)
               SELECT org_id, lead_id, type_id, assignee_id, starts_at + interval '15 minutes',
                      ends_at + interval '15 minutes', time_zone, 'staff', $2::appointment_status
               FROM appointments WHERE id = $1";
    let overlapping = |status: &'static str| sqlx::query(sql).bind(id).bind(status);

    let live = overlapping("scheduled").execute(&pool).await.unwrap_err();
    let confirmed = overlapping("confirmed").execute(&pool).await.unwrap_err();
    let cancelled = overlapping("cancelled").execute(&pool).await;

    for refused in [live, confirmed] {
        let db = refused.as_database_error().expect("a database error");
        assert_eq!(db.code().as_deref(), Some("23P01"), "{db}");
        assert_eq!(db.constraint(), Some("appointments_no_overlap"));
    }
    assert!(cancelled.is_ok(), "{cancelled:?}");
    assert_eq!(count(&pool, APPOINTMENTS).await, 2);
}

#[sqlx::test]
async fn another_organisations_leads_and_appointments_read_as_missing(pool: PgPool) {
    let (app, mut boss, [boss_id, ..]) = store(&pool).await;
    let mut south = app.signed_in("boss@south.example").await;
    let theirs = new_lead(&mut south, "Sol Rivera", "+14155550177").await;
    let so = options(&mut south, theirs, None, 3).await;
    let visit = book(&mut south, &so, theirs, 0).await;
    let lead = new_lead(&mut boss, "Dana Whitfield", PHONE).await;
    let o = options(&mut boss, lead, None, 3).await;
    let mut with_north = booking(&so, theirs, 2);
    with_north.input.assignee = boss_id.to_string();

    let booked = boss.run(booking(&o, theirs, 0)).await.map(|_| ());
    let opened = boss.run(Appointment { id: visit }).await.map(|_| ());
    let cancelled = boss.run(cancel(visit)).await.map(|_| ());
    let borrowed = south.run(with_north).await;

    assert_eq!(booked, Err(AppError::NotFound));
    assert_eq!(opened, Err(AppError::NotFound));
    assert_eq!(cancelled, Err(AppError::NotFound));
    assert_field(borrowed, "assignee");
    let live = "SELECT count(*) FROM appointments WHERE status = 'scheduled'";
    assert_eq!(count(&pool, live).await, 1);
    let north_week = ids_on_week(&mut boss, local_date(&so, 0)).await;
    assert!(!north_week.contains(&visit));
}

#[sqlx::test]
async fn agents_see_their_leads_and_own_visits_and_compliance_officers_change_nothing(
    pool: PgPool,
) {
    let (app, mut boss, [boss_id, ana_id, bo_id]) = store(&pool).await;
    let lead = new_lead(&mut boss, "Dana Whitfield", PHONE).await;
    let to_bo = sqlx::query("UPDATE leads SET assigned_to = $1").bind(bo_id);
    to_bo.execute(&pool).await.unwrap();
    let with_boss = options(&mut boss, lead, Some(boss_id), 3).await;
    let bosses = book(&mut boss, &with_boss, lead, 0).await;
    let with_ana = options(&mut boss, lead, Some(ana_id), 3).await;
    let anas = book(&mut boss, &with_ana, lead, 2).await;
    let date = local_date(&with_boss, 0);
    assert_eq!(date, local_date(&with_ana, 2), "both fall on one day");
    let mut ana = app.signed_in("ana@north.example").await;
    let mut bo = app.signed_in("bo@north.example").await;
    let mut comp = app.signed_in("comp@north.example").await;

    let ana_sees = ids_on_week(&mut ana, date).await;
    let opened = ana.run(Appointment { id: bosses }).await.map(|_| ());
    let cancelled = ana.run(cancel(bosses)).await.map(|_| ());
    let bo_sees = ids_on_week(&mut bo, date).await;
    let comp_sees = ids_on_week(&mut comp, date).await;
    let comp_booked = comp.run(booking(&with_boss, lead, 4)).await.map(|_| ());
    let comp_cancelled = comp.run(cancel(bosses)).await.map(|_| ());

    assert_eq!(ana_sees, vec![anas], "only the one she takes");
    assert_eq!(opened, Err(AppError::NotFound));
    assert_eq!(cancelled, Err(AppError::NotFound));
    assert_eq!((bo_sees.len(), comp_sees.len()), (2, 2), "Bo's lead; all");
    assert_eq!(comp_booked, Err(AppError::Forbidden));
    assert_eq!(comp_cancelled, Err(AppError::Forbidden));
    let live = "SELECT count(*) FROM appointments WHERE status = 'scheduled'";
    assert_eq!(count(&pool, live).await, 2);
}

fn settings(hours: &[String]) -> SaveCalendarSettings {
    let settings = CalendarSettings {
        hours: hours.to_vec(),
        closed_days: "2026-12-25 Christmas".into(),
        no_show_after_minutes: "45".into(),
    };
    SaveCalendarSettings { settings }
}

#[sqlx::test]
async fn a_bad_hours_line_is_named_beside_its_day_and_nothing_changes(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    let before = boss.run(GetCalendarSettings {}).await.unwrap().settings;
    assert_eq!(before.hours[0], "09:00-18:00", "{before:?}");
    let mut hours = before.hours.clone();
    hours[0] = "10:00-16:00".into();
    hours[1] = "nine to five".into();

    let refused = boss.run(settings(&hours)).await;
    let after = boss.run(GetCalendarSettings {}).await.unwrap().settings;

    assert_field(refused, "hours1");
    assert_eq!(after, before);
}

fn appraisal(template: &str) -> SaveAppointmentType {
    let input = AppointmentTypeInput {
        name: "Trade-in appraisal".into(),
        duration_minutes: "30".into(),
        needs_confirmation: "yes".into(),
        reminders: "24h, 2h".into(),
        reminder_template: template.into(),
        active: "yes".into(),
        ..AppointmentTypeInput::default()
    };
    SaveAppointmentType { input }
}

#[sqlx::test]
async fn a_reminder_template_may_not_promote_and_agents_may_not_edit_types(pool: PgPool) {
    let (app, mut boss, _) = store(&pool).await;
    let mut ana = app.signed_in("ana@north.example").await;
    let plain = "Reminder from {store}: your {type} is {when}.";
    let promo = "Your {type} is {when}. 20% off this weekend!";
    let named = "SELECT count(*) FROM appointment_types WHERE name = 'Trade-in appraisal'";

    let promoted = boss.run(appraisal(promo)).await;
    let by_agent = ana.run(appraisal(plain)).await;
    let after_refusals = count(&pool, named).await;
    let saved = boss.run(appraisal(plain)).await;

    assert_field(promoted, "reminder_template");
    assert_eq!(by_agent, Err(AppError::Forbidden));
    assert_eq!(after_refusals, 0);
    assert!(saved.is_ok(), "{saved:?}");
    assert_eq!(count(&pool, named).await, 1);
}

/// A test drive with the boss for a lead with a very long first name; its start.
async fn booked_for_the_feed(boss: &mut Client) -> (Uuid, DateTime<Utc>) {
    let lead = new_lead(boss, &format!("{FIRST} Whitfield"), PHONE).await;
    let o = options(boss, lead, None, 3).await;
    (book(boss, &o, lead, 0).await, o.slots[0].starts_at)
}

/// A new feed address for the caller: its path on this server.
async fn feed_path(client: &mut Client) -> String {
    let feed = client.run(SetCalendarFeed { on: "yes".into() }).await;
    let url = feed.unwrap().url.expect("the address is shown once");
    url[url.find("/calendar/feed/").expect("a feed address")..].to_string()
}

async fn fetch(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let response = app.client().get(path).await;
    let kind = response.headers().get("content-type").cloned();
    let kind = kind.map(|v| v.to_str().unwrap().to_string());
    let status = response.status();
    let body = response.text().await.unwrap();
    (status, kind.unwrap_or_default(), body)
}

/// The feed's one event, read by the `ical` crate (not the crate that wrote it).
fn only_event(body: &str) -> IcalEvent {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("it parses");
    assert!(parser.next().is_none(), "one calendar");
    assert_eq!(calendar.events.len(), 1, "{body}");
    calendar.events.into_iter().next().unwrap()
}

fn prop(event: &IcalEvent, name: &str) -> String {
    let found = event.properties.iter().find(|p| p.name == name);
    let value = found.and_then(|p| p.value.clone());
    value.unwrap_or_else(|| panic!("no {name}: {event:?}"))
}

/// CRLF after every line, no bare CR or LF, no line over 75 octets (RFC 5545 §3.1).
fn assert_content_lines(body: &str) {
    assert!(body.ends_with("\r\n"), "{body:?}");
    for line in body.trim_end_matches("\r\n").split("\r\n") {
        assert!(!line.contains(['\n', '\r']), "bare line break: {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
}

#[sqlx::test]
async fn the_calendar_feed_reads_as_icalendar_with_stable_uids_and_no_phone(pool: PgPool) {
    let (app, mut boss, _) = store(&pool).await;
    let (id, starts_at) = booked_for_the_feed(&mut boss).await;
    let path = feed_path(&mut boss).await;

    let (status, kind, body) = fetch(&app, &path).await;
    let (_, _, again) = fetch(&app, &path).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(kind.starts_with("text/calendar"), "{kind}");
    assert_content_lines(&body);
    assert!(body.contains("\r\n "), "the long summary is folded");
    let (event, later) = (only_event(&body), only_event(&again));
    assert_eq!(prop(&event, "UID"), prop(&later, "UID"));
    assert!(prop(&event, "UID").contains(&id.to_string()));
    let start = starts_at.format("%Y%m%dT%H%M%SZ").to_string();
    assert_eq!(prop(&event, "DTSTART"), start);
    assert!(prop(&event, "DTSTAMP").ends_with('Z'));
    let summary = prop(&event, "SUMMARY");
    let named = summary.contains("Test drive") && summary.contains(FIRST);
    assert!(named, "{summary}");
    assert!(!body.contains("Whitfield"), "first name only");
    let phone = body.contains("5550100") || body.contains("555-0100");
    assert!(!phone, "no phone number");
    assert_ne!(prop(&event, "STATUS"), "CANCELLED");
}

#[sqlx::test]
async fn a_cancelled_visit_reads_as_cancelled_and_old_feed_addresses_are_gone(pool: PgPool) {
    let (app, mut boss, _) = store(&pool).await;
    let (id, _) = booked_for_the_feed(&mut boss).await;
    let first = feed_path(&mut boss).await;
    let uid = prop(&only_event(&fetch(&app, &first).await.2), "UID");
    let guess = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let guess = format!("/calendar/feed/{}.ics", &guess[..43]);

    boss.run(cancel(id)).await.unwrap();
    let (_, _, body) = fetch(&app, &first).await;
    let second = feed_path(&mut boss).await;
    let replaced = fetch(&app, &first).await.0;
    let current = fetch(&app, &second).await.0;
    boss.run(SetCalendarFeed { on: "no".into() }).await.unwrap();
    let revoked = fetch(&app, &second).await.0;
    let guessed = fetch(&app, &guess).await.0;

    let event = only_event(&body);
    assert_eq!(prop(&event, "UID"), uid);
    assert_eq!(prop(&event, "STATUS"), "CANCELLED");
    assert_eq!(current, StatusCode::OK);
    assert_eq!(replaced, StatusCode::NOT_FOUND, "a new address ends it");
    assert_eq!(revoked, StatusCode::NOT_FOUND);
    assert_eq!(guessed, StatusCode::NOT_FOUND);
}
