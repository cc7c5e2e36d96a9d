//! The booking form's free slots far ahead (issue 15): a slot booked weeks from now is not
//! offered again when the form looks from that week, and the form cannot be asked to look
//! further than a year.
#![cfg(feature = "ssr")]

mod common;

use chrono::{Duration, Utc};
use chrono_tz::America::Chicago;
use common::*;
use consentdesk::api::appointments::{BookAppointment, GetBookingOptions};
use consentdesk::api::leads::CreateLead;
use consentdesk::model::{BookingInput, LeadInput, Role};
use sqlx::PgPool;

#[sqlx::test]
async fn a_slot_booked_weeks_ahead_is_not_offered_from_that_week(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    user(&pool, "north", "boss@north.example", Role::Manager).await;
    let mut boss = app.signed_in("boss@north.example").await;
    let mut input = LeadInput::default();
    (input.name, input.phone) = ("Ana Diaz".into(), "+14155550100".into());
    let lead = boss.run(CreateLead { input }).await.unwrap();
    let today = Utc::now().with_timezone(&Chicago).date_naive();
    let form = GetBookingOptions {
        lead,
        type_id: None,
        assignee: None,
        from: Some(today + Duration::days(30)),
    };
    let before = boss.run(form.clone()).await.unwrap();
    let slot = before.slots[0].starts_at;
    assert!(slot > Utc::now() + Duration::days(28), "{slot}");
    let input = BookingInput {
        lead: lead.to_string(),
        type_id: before.type_id.unwrap().to_string(),
        assignee: before.assignee.unwrap().to_string(),
        starts_at: slot.to_rfc3339(),
        ..BookingInput::default()
    };
    boss.run(BookAppointment { input }).await.unwrap();

    let after = boss.run(form).await.unwrap();
    assert!(
        after.slots.iter().all(|s| s.starts_at != slot),
        "the booked slot is offered again: {:?}",
        after.slots.first()
    );
    assert!(!after.slots.is_empty());

    let far = GetBookingOptions {
        lead,
        type_id: None,
        assignee: None,
        from: Some(today + Duration::days(5000)),
    };
    let capped = boss.run(far).await.unwrap();
    let limit = Utc::now() + Duration::days(367 + 21);
    assert!(capped.slots.iter().all(|s| s.starts_at < limit));
}
