//! Appointment reminders (issue 15): made on booking, moved and dropped with the visit,
//! sent once within consent and outside quiet hours; replies, no-shows, the booking tool.
#![cfg(feature = "ssr")]

mod common;

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use common::*;
use consentdesk::api::appointments::{
    Appointment, BookAppointment, Calendar, CancelAppointment, RescheduleAppointment,
    SaveCalendarSettings,
};
use consentdesk::api::consent::RecordConsent;
use consentdesk::api::leads::CreateLead;
use consentdesk::model::{
    BookingInput, BookingOptions, CalendarSettings, LeadInput, RecordConsentInput, Role,
};
use consentdesk::server::appointments::{reminders, tool};
use sqlx::PgPool;
use uuid::Uuid;

const PHONE: &str = "+14155550100";
const REMINDER_TEXTS: &str = "SELECT count(*) FROM messages WHERE body LIKE 'Reminder from %'";
/// Offset in minutes, state, reason, message.
type Reminder = (i32, String, Option<String>, Option<Uuid>);
type Picked = Option<Result<(Uuid, String), String>>;

/// North, with a manager ("boss", signed in) and carrier token "tok"; north's id.
async fn store(pool: &PgPool) -> (TestApp, Client, Uuid) {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    configure_carrier(pool, "north", "tok", None).await;
    let id = sqlx::query_scalar("SELECT id FROM organisations");
    let org_id = id.fetch_one(pool).await.unwrap();
    let boss = app.signed_in("boss@north.example").await;
    (app, boss, org_id)
}

/// A fixed-offset zone (Etc/GMT-3 is UTC+3) whose clock now reads an hour in `hours`.
fn zone_at(hours: std::ops::RangeInclusive<u32>) -> Tz {
    let name = |h: i32| format!("Etc/GMT{:+}", -h);
    let mut zones = (-12..=14).filter_map(|h| name(h).parse::<Tz>().ok());
    let found = zones.find(|z| hours.contains(&Utc::now().with_timezone(z).hour()));
    found.expect("every hour is somewhere")
}

/// Dana, whose texts go by her own clock, `zone`.
async fn new_lead(client: &mut Client, zone: Tz) -> Uuid {
    let mut input = LeadInput::default();
    (input.name, input.phone) = ("Dana Whitfield".into(), PHONE.into());
    input.time_zone = zone.name().into();
    client.run(CreateLead { input }).await.unwrap()
}

/// Dana said yes, in person, to texts about her appointments (express consent).
async fn grant(client: &mut Client) {
    let mut input = RecordConsentInput::default();
    (input.phone, input.family, input.level) = (PHONE.into(), "texts".into(), "express".into());
    (input.medium, input.person_name) = ("in_person".into(), "Dana Whitfield".into());
    input.language = "Yes, you may text me about my appointment.".into();
    client.run(RecordConsent { input }).await.unwrap();
}

async fn options(c: &mut Client, lead: Uuid, who: Option<Uuid>, days: i64) -> BookingOptions {
    test_drive_options(c, lead, who, days).await
}

async fn book(client: &mut Client, o: &BookingOptions, lead: Uuid, slot: usize) -> Uuid {
    let input = BookingInput {
        lead: lead.to_string(),
        type_id: o.type_id.unwrap().to_string(),
        assignee: o.assignee.unwrap().to_string(),
        starts_at: o.slots[slot].starts_at.to_rfc3339(),
        ..BookingInput::default()
    };
    client.run(BookAppointment { input }).await.unwrap().id
}

/// Dana (living in `zone`) books the first test drive three days on.
async fn booked(client: &mut Client, zone: Tz) -> Uuid {
    let lead = new_lead(client, zone).await;
    let o = options(client, lead, None, 3).await;
    book(client, &o, lead, 0).await
}

async fn reminders_of(pool: &PgPool, id: Uuid) -> Vec<Reminder> {
    let sql = "SELECT offset_minutes, state::text, reason, message_id FROM appointment_reminders
               WHERE appointment_id = $1 ORDER BY offset_minutes DESC";
    let query = sqlx::query_as(sql).bind(id);
    query.fetch_all(pool).await.unwrap()
}

fn states(rows: &[Reminder]) -> Vec<(i32, &str)> {
    rows.iter().map(|r| (r.0, r.1.as_str())).collect()
}

fn reason(row: &Reminder) -> &str {
    row.2.as_deref().unwrap_or_default()
}

/// How many of the appointment's reminders fall exactly their offset before its start.
async fn on_time(pool: &PgPool, id: Uuid) -> i64 {
    let sql = "SELECT count(*) FROM appointment_reminders r
               JOIN appointments a ON a.id = r.appointment_id AND a.id = $1
               WHERE r.due_at = a.starts_at - make_interval(mins => r.offset_minutes)";
    let query = sqlx::query_scalar(sql).bind(id);
    query.fetch_one(pool).await.unwrap()
}

/// Runs `sql` with `$1` = `id` and `$2` = `n`.
async fn exec(pool: &PgPool, sql: &str, id: Uuid, n: i32) {
    let query = sqlx::query(sql).bind(id).bind(n);
    query.execute(pool).await.unwrap();
}

/// Time passes: the reminder `offset` minutes before the visit is due.
async fn due(pool: &PgPool, id: Uuid, offset: i32) {
    let sql = "UPDATE appointment_reminders SET run_at = now() - interval '1 minute'
               WHERE appointment_id = $1 AND offset_minutes = $2";
    exec(pool, sql, id, offset).await;
}

async fn work(pool: &PgPool) -> usize {
    reminders::run_once(pool, 50).await.unwrap()
}

/// The appointment's status and what it asks of a person.
async fn standing(pool: &PgPool, id: Uuid) -> (String, Option<String>) {
    let sql = "SELECT status::text, attention::text FROM appointments WHERE id = $1";
    let query = sqlx::query_as(sql).bind(id);
    query.fetch_one(pool).await.unwrap()
}

fn flagged(status: &str, attention: &str) -> (String, Option<String>) {
    (status.into(), Some(attention.into()))
}

#[sqlx::test]
async fn a_booking_less_than_a_day_ahead_skips_the_day_before_reminder(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    let settings = CalendarSettings {
        hours: vec!["00:00-23:59".to_string(); 7],
        no_show_after_minutes: "30".into(),
        ..CalendarSettings::default()
    };
    boss.run(SaveCalendarSettings { settings }).await.unwrap();
    let lead = new_lead(&mut boss, zone_at(10..=18)).await;
    let o = options(&mut boss, lead, None, 0).await;
    let soon = Utc::now() + Duration::hours(3);
    let slot = o.slots.iter().position(|s| s.starts_at > soon);
    let slot = slot.expect("a slot in three hours or so");

    let id = book(&mut boss, &o, lead, slot).await;

    let rows = reminders_of(&pool, id).await;
    assert_eq!(states(&rows), [(1440, "skipped"), (120, "scheduled")]);
    assert!(!reason(&rows[0]).is_empty(), "{rows:?}");
}

#[sqlx::test]
async fn reminders_are_made_on_booking_follow_a_move_and_are_dropped_on_cancel(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    let lead = new_lead(&mut boss, zone_at(10..=18)).await;
    let o = options(&mut boss, lead, None, 3).await;
    let (starts_at, notify) = (o.slots[2].starts_at.to_rfc3339(), None::<String>);

    let old = book(&mut boss, &o, lead, 0).await;
    // Scheduling again (a retry) makes no second reminder.
    let mut conn = pool.acquire().await.unwrap();
    reminders::schedule(&mut conn, old).await.unwrap();
    let made = reminders_of(&pool, old).await;
    let view = boss.run(Appointment { id: old }).await.unwrap();
    let to = RescheduleAppointment {
        id: old,
        starts_at,
        assignee: None,
        notify: notify.clone(),
    };
    let new = boss.run(to).await.unwrap().id;
    let old_rows = reminders_of(&pool, old).await;
    let new_rows = reminders_of(&pool, new).await;
    let cancel = CancelAppointment { id: new, notify };
    boss.run(cancel).await.unwrap();

    assert_eq!(states(&made), [(1440, "scheduled"), (120, "scheduled")]);
    let shown: Vec<&str> = view.reminders.iter().map(|r| r.state.as_str()).collect();
    assert_eq!(shown, ["scheduled", "scheduled"]);
    assert_eq!(on_time(&pool, old).await, 2, "a day and two hours before");
    assert_eq!(states(&old_rows), [(1440, "skipped"), (120, "skipped")]);
    let why = |r: &Reminder| reason(r).contains("rescheduled");
    assert!(old_rows.iter().all(why), "{old_rows:?}");
    assert_eq!(states(&new_rows), [(1440, "scheduled"), (120, "scheduled")]);
    assert_eq!(on_time(&pool, new).await, 2, "due before the new time");
    let dropped = reminders_of(&pool, new).await;
    assert_eq!(states(&dropped), [(1440, "skipped"), (120, "skipped")]);
    let waiting = "SELECT count(*) FROM appointment_reminders WHERE state = 'scheduled'";
    assert_eq!(count(&pool, waiting).await, 0);
}

#[sqlx::test]
async fn a_due_reminder_goes_once_as_informational_with_express_consent(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    grant(&mut boss).await;
    let id = booked(&mut boss, zone_at(10..=18)).await;
    due(&pool, id, 120).await;

    let (a, b) = tokio::join!(work(&pool), work(&pool));
    let again = work(&pool).await;
    // A restarted worker finding the sent reminder's lease over.
    let restart = "UPDATE appointment_reminders SET run_at = now() - make_interval(mins => $2)
                   WHERE appointment_id = $1 AND state = 'sent'";
    exec(&pool, restart, id, 1).await;
    let after_restart = work(&pool).await;

    assert_eq!((a + b, again, after_restart), (1, 0, 0));
    let rows = reminders_of(&pool, id).await;
    assert_eq!(states(&rows), [(1440, "scheduled"), (120, "sent")]);
    let sql = "SELECT m.category::text, m.body FROM messages m
               JOIN appointment_reminders r ON r.message_id = m.id";
    let (category, body): (String, String) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
    assert_eq!(category, "informational");
    assert!(body.contains("Org north: your test drive is"), "{body}");
    assert_eq!(count(&pool, REMINDER_TEXTS).await, 1, "sent once");
}

#[sqlx::test]
async fn without_consent_a_reminder_is_skipped_with_the_reason(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    let id = booked(&mut boss, zone_at(10..=18)).await;
    due(&pool, id, 120).await;

    assert_eq!(work(&pool).await, 1);

    let rows = reminders_of(&pool, id).await;
    assert_eq!(states(&rows), [(1440, "scheduled"), (120, "skipped")]);
    assert!(reason(&rows[1]).contains("consent"), "{rows:?}");
    assert_eq!(rows[1].3, None);
    assert_eq!(count(&pool, REMINDER_TEXTS).await, 0);
}

#[sqlx::test]
async fn after_stop_a_reminder_is_blocked_and_the_visit_is_flagged_not_cancelled(pool: PgPool) {
    let (app, mut boss, _) = store(&pool).await;
    grant(&mut boss).await;
    let id = booked(&mut boss, zone_at(10..=18)).await;

    text_north(&app, "SM1", PHONE, "STOP").await;
    due(&pool, id, 120).await;
    work(&pool).await;

    assert_eq!(standing(&pool, id).await, flagged("scheduled", "opted_out"));
    let rows = reminders_of(&pool, id).await;
    assert_eq!(rows[1].1, "skipped");
    assert!(reason(&rows[1]).contains("opted out"), "{rows:?}");
    assert_eq!(count(&pool, REMINDER_TEXTS).await, 0);
}

#[sqlx::test]
async fn quiet_hours_hold_a_reminder_until_the_customers_morning(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    grant(&mut boss).await;
    let zone = zone_at(0..=5);
    let id = booked(&mut boss, zone).await;
    due(&pool, id, 1440).await;

    let taken = work(&pool).await;
    let later = work(&pool).await;

    assert_eq!((taken, later), (1, 0));
    let rows = reminders_of(&pool, id).await;
    assert_eq!(states(&rows), [(1440, "scheduled"), (120, "scheduled")]);
    let sql = "SELECT run_at FROM appointment_reminders WHERE offset_minutes = 1440";
    let run_at: DateTime<Utc> = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let eight = zone.from_local_datetime(&today.and_hms_opt(8, 0, 0).unwrap());
    assert_eq!(run_at, eight.single().unwrap().with_timezone(&Utc));
    assert_eq!(count(&pool, REMINDER_TEXTS).await, 0);
}

#[sqlx::test]
async fn replies_c_confirms_r_asks_again_and_a_bare_cancel_opts_out_but_keeps_the_visit(
    pool: PgPool,
) {
    let (app, mut boss, _) = store(&pool).await;
    grant(&mut boss).await;
    let id = booked(&mut boss, zone_at(10..=18)).await;
    due(&pool, id, 120).await;
    work(&pool).await;
    assert_eq!(reminders_of(&pool, id).await[1].1, "sent");

    text_north(&app, "SM1", PHONE, "C").await;
    let confirmed = standing(&pool, id).await;
    text_north(&app, "SM2", PHONE, "R").await;
    let asked = standing(&pool, id).await;
    text_north(&app, "SM3", PHONE, "CANCEL").await;
    let opted_out = standing(&pool, id).await;

    assert_eq!(confirmed, ("confirmed".into(), None));
    assert_eq!(asked, flagged("confirmed", "reschedule_requested"));
    assert_eq!(opted_out, flagged("confirmed", "opted_out"));
    let revoked = "SELECT count(*) FROM consent_events WHERE kind = 'revoke' AND family = 'texts'";
    assert_eq!(count(&pool, revoked).await, 1);
    let query = Default::default();
    let attention = boss.run(Calendar { query }).await.unwrap().attention;
    assert!(attention.iter().any(|e| e.id == id), "flagged for a person");
}

#[sqlx::test]
async fn a_visit_nobody_marked_becomes_a_no_show_after_the_delay(pool: PgPool) {
    let (_app, mut boss, _) = store(&pool).await;
    let lead = new_lead(&mut boss, zone_at(10..=18)).await;
    let o = options(&mut boss, lead, None, 3).await;
    let late = book(&mut boss, &o, lead, 0).await;
    let just_started = book(&mut boss, &o, lead, 2).await;
    let ahead = book(&mut boss, &o, lead, 4).await;
    let started = "UPDATE appointments SET starts_at = now() - make_interval(mins => $2),
                       ends_at = now() - make_interval(mins => $2 - 45) WHERE id = $1";
    exec(&pool, started, late, 120).await;
    exec(&pool, started, just_started, 10).await;

    let marked = reminders::mark_no_shows(&pool).await.unwrap();

    assert_eq!(marked, 1);
    assert_eq!(standing(&pool, late).await.0, "no_show");
    assert_eq!(standing(&pool, just_started).await.0, "scheduled");
    assert_eq!(standing(&pool, ahead).await.0, "scheduled");
}

/// The assistant reads `reply` in `conversation`, in a transaction of its own.
async fn pick(pool: &PgPool, org: Uuid, conversation: Uuid, reply: &str) -> Picked {
    let mut tx = pool.begin().await.unwrap();
    let picked = tool::book_pick(&mut tx, org, conversation, reply).await;
    tx.commit().await.unwrap();
    picked.unwrap()
}

/// Dana and Eli texted north; both leads are Ana's. Their conversations, Dana's lead, Ana.
async fn two_texters(app: &TestApp, pool: &PgPool) -> ([Uuid; 2], Uuid, Uuid) {
    let ana = user(pool, "north", "ana@north.example", Role::Agent).await;
    text_north(app, "SM1", PHONE, "Can I test drive the Civic?").await;
    text_north(app, "SM2", "+14155550101", "Me too, any time this week?").await;
    let mine = sqlx::query("UPDATE leads SET assigned_to = $1").bind(ana);
    mine.execute(pool).await.unwrap();
    let sql = "SELECT c.id, c.lead_id FROM conversations c JOIN leads l ON l.id = c.lead_id
               ORDER BY l.phone";
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(sql).fetch_all(pool).await.unwrap();
    ([rows[0].0, rows[1].0], rows[0].1, ana)
}

#[sqlx::test]
async fn the_assistant_offers_free_slots_and_books_the_one_picked_once(pool: PgPool) {
    let (app, mut boss, org_id) = store(&pool).await;
    let ([dana, eli], lead, ana) = two_texters(&app, &pool).await;
    // Ana's first test drive an hour or more away is taken already.
    let o = options(&mut boss, lead, Some(ana), 0).await;
    let hour = Utc::now() + Duration::minutes(65);
    let at = o.slots.iter().position(|s| s.starts_at >= hour);
    let taken = o.slots[at.expect("a slot")].starts_at;
    book(&mut boss, &o, lead, at.unwrap()).await;

    let free = options(&mut boss, lead, Some(ana), 0).await.slots;
    let mut conn = pool.acquire().await.unwrap();
    let offer = tool::offer(&mut conn, org_id, dana).await.unwrap();
    let offer = offer.expect("an offer");
    let same = tool::offer(&mut conn, org_id, eli).await.unwrap();
    let picked = pick(&pool, org_id, dana, "2").await;
    let repeated = pick(&pool, org_id, dana, "2").await;
    let late = pick(&pool, org_id, eli, "2").await;

    assert_eq!((offer.starts.len(), offer.assignee), (3, ana));
    assert_eq!(offer.type_name, "Test drive");
    assert_eq!(same.map(|s| s.starts), Some(offer.starts.clone()));
    assert!(!offer.starts.contains(&taken), "{offer:?}");
    let listed = |s: &DateTime<Utc>| free.iter().any(|f| f.starts_at == *s);
    assert!(offer.starts.iter().all(listed), "{offer:?}");
    let (id, label) = picked.expect("a pick").expect("booked");
    assert_eq!(label, offer.labels[1]);
    assert_eq!(repeated, None, "an offer books once");
    let refused = late.expect("a pick").expect_err("the slot is taken");
    assert!(refused.contains("not free"), "{refused}");
    let sql = "SELECT starts_at, source::text, conversation_id FROM appointments WHERE id = $1";
    let query = sqlx::query_as(sql).bind(id);
    let row: (DateTime<Utc>, String, Option<Uuid>) = query.fetch_one(&pool).await.unwrap();
    assert_eq!(row, (offer.starts[1], "assistant".into(), Some(dana)));
    assert_eq!(count(&pool, "SELECT count(*) FROM appointments").await, 2);
}
