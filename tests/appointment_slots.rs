//! The booking form's free slots (issue 15): a slot booked weeks from now is not offered
//! again when the form looks from that week, the form looks no further than a year, and a
//! person's own hours in their own zone narrow what is offered (set by managers only).
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

#[sqlx::test]
async fn a_remote_agent_is_bookable_only_inside_both_their_hours_and_the_stores(pool: PgPool) {
    use consentdesk::api::appointments::SavePersonHours;
    use consentdesk::error::AppError;
    use consentdesk::model::PersonHours;
    let app = spawn_app(pool.clone()).await;
    org(&pool, "north").await;
    org(&pool, "south").await;
    user(&pool, "north", "boss@north.example", Role::Manager).await;
    let ana = user(&pool, "north", "ana@north.example", Role::Agent).await;
    let sam = user(&pool, "south", "sam@south.example", Role::Agent).await;
    let mut boss = app.signed_in("boss@north.example").await;
    // Ana works 08:00–14:00 New York time: 07:00–13:00 in the Chicago store, which opens at 9.
    let hours = |zone: &str, user: uuid::Uuid| PersonHours {
        user: user.to_string(),
        time_zone: zone.into(),
        hours: vec!["08:00-14:00".into(); 7],
        ..PersonHours::default()
    };
    let bad = boss
        .run(SavePersonHours {
            input: hours("Mars/Olympus", ana),
        })
        .await;
    assert!(
        matches!(&bad, Err(AppError::Validation(e)) if e.get("time_zone").is_some()),
        "{bad:?}"
    );
    let other = boss
        .run(SavePersonHours {
            input: hours("America/New_York", sam),
        })
        .await;
    assert!(matches!(other, Err(AppError::NotFound)), "{other:?}");
    boss.run(SavePersonHours {
        input: hours("America/New_York", ana),
    })
    .await
    .unwrap();
    let shown = boss
        .run(consentdesk::api::appointments::GetCalendarSettings {})
        .await
        .unwrap();
    let row = shown
        .people
        .iter()
        .find(|p| p.user == ana.to_string())
        .unwrap();
    assert_eq!(
        (row.time_zone.as_str(), row.hours[0].as_str()),
        ("America/New_York", "08:00-14:00")
    );
    assert!(row.hours.iter().all(|h| h == "08:00-14:00"));
    let mut ana_client = app.signed_in("ana@north.example").await;
    let refused = ana_client
        .run(SavePersonHours {
            input: hours("", ana),
        })
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    let mut input = LeadInput::default();
    (input.name, input.phone) = ("Ana Diaz".into(), "+14155550100".into());
    let lead = boss.run(CreateLead { input }).await.unwrap();
    let today = Utc::now().with_timezone(&Chicago).date_naive();
    let form = GetBookingOptions {
        lead,
        type_id: None,
        assignee: Some(ana),
        from: Some(today + Duration::days(2)),
    };
    let options = boss.run(form).await.unwrap();
    assert!(!options.slots.is_empty());
    for slot in &options.slots {
        let local = slot.starts_at.with_timezone(&Chicago);
        let hour = chrono::Timelike::hour(&local);
        assert!((9..13).contains(&hour), "{local} is outside 9–13 Chicago");
    }
}
