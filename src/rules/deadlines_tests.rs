use super::*;
use chrono_tz::America::{Chicago, Los_Angeles};
use chrono_tz::Asia::Tokyo;
use DeadlinePolicy::*;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn thirty_calendar_days_by_default() {
    assert_eq!(
        due_date(
            at("2026-11-24T15:00:00Z"),
            Chicago,
            DeadlinePolicy::default()
        ),
        date("2026-12-24")
    );
}

#[test]
fn calendar_days_cross_month_and_year_ends() {
    assert_eq!(
        due_date(at("2026-12-15T15:00:00Z"), Chicago, CalendarDays(30)),
        date("2027-01-14")
    );
    assert_eq!(
        due_date(at("2027-01-31T15:00:00Z"), Chicago, CalendarDays(30)),
        date("2027-03-02")
    );
    assert_eq!(
        due_date(at("2028-01-31T15:00:00Z"), Chicago, CalendarDays(30)),
        date("2028-03-01"),
        "leap year"
    );
}

#[test]
fn business_days_skip_weekends() {
    // Monday 23 Nov 2026 + 7 business days = Wednesday 2 Dec.
    assert_eq!(
        due_date(at("2026-11-23T15:00:00Z"), Chicago, BusinessDays(7)),
        date("2026-12-02")
    );
    // Friday + 1 business day = Monday.
    assert_eq!(
        due_date(at("2026-11-27T15:00:00Z"), Chicago, BusinessDays(1)),
        date("2026-11-30")
    );
    // Received on a Saturday: the count starts on Monday.
    assert_eq!(
        due_date(at("2026-11-28T15:00:00Z"), Chicago, BusinessDays(1)),
        date("2026-11-30")
    );
    assert_eq!(
        due_date(at("2026-11-29T15:00:00Z"), Chicago, BusinessDays(5)),
        date("2026-12-04")
    );
}

#[test]
fn business_days_cross_month_and_year_ends() {
    // Wednesday 30 Dec 2026 + 3 business days: Thu 31, Fri 1 Jan, Mon 4 Jan.
    assert_eq!(
        due_date(at("2026-12-30T15:00:00Z"), Chicago, BusinessDays(3)),
        date("2027-01-04")
    );
    // Friday 29 Jan 2027 + 10 business days = Friday 12 Feb.
    assert_eq!(
        due_date(at("2027-01-29T15:00:00Z"), Chicago, BusinessDays(10)),
        date("2027-02-12")
    );
}

#[test]
fn the_day_of_receipt_is_the_organisations_day_not_utcs() {
    // 02:30 UTC on Tuesday 24 Nov is still Monday 23 Nov in Chicago and Los Angeles,
    // and already Tuesday afternoon in Tokyo.
    let received = at("2026-11-24T02:30:00Z");
    assert_eq!(
        due_date(received, Chicago, CalendarDays(30)),
        date("2026-12-23")
    );
    assert_eq!(
        due_date(received, Los_Angeles, BusinessDays(1)),
        date("2026-11-24")
    );
    assert_eq!(
        due_date(received, Tokyo, CalendarDays(30)),
        date("2026-12-24")
    );
    assert_eq!(
        due_date(received, Tokyo, BusinessDays(1)),
        date("2026-11-25")
    );
}

#[test]
fn urgency_highlights_three_days_ahead_and_anything_late() {
    let today = date("2026-11-24");
    assert_eq!(urgency(date("2026-11-23"), today), Urgency::Overdue);
    assert_eq!(urgency(date("2026-11-24"), today), Urgency::DueSoon);
    assert_eq!(urgency(date("2026-11-27"), today), Urgency::DueSoon);
    assert_eq!(urgency(date("2026-11-28"), today), Urgency::OnTime);
}

#[test]
fn settings_are_checked() {
    assert_eq!(
        DeadlinePolicy::from_settings("business", 7),
        Ok(BusinessDays(7))
    );
    assert!(DeadlinePolicy::from_settings("business", 0).is_err());
    assert!(DeadlinePolicy::from_settings("lunar", 7).is_err());
}

#[test]
fn settings_round_trip_through_their_kind_and_days() {
    for policy in [CalendarDays(30), BusinessDays(7)] {
        let (kind, days) = policy.setting();
        assert_eq!(
            DeadlinePolicy::from_settings(kind.as_str(), i32::from(days)),
            Ok(policy)
        );
    }
}

#[test]
fn a_closed_request_is_never_overdue() {
    let now = at("2026-11-24T15:00:00Z");
    for status in [
        PrivacyRequestStatus::Completed,
        PrivacyRequestStatus::Rejected,
    ] {
        assert_eq!(
            due_state(status, date("2026-01-01"), now, Chicago),
            DueState::Closed
        );
    }
}

#[test]
fn an_open_request_is_overdue_the_day_after_its_due_date_in_the_organisations_zone() {
    let due = date("2026-11-23");
    let open = PrivacyRequestStatus::Verified;
    // 03:00 UTC on the 24th is still the 23rd in Chicago, already the 24th in Tokyo.
    let now = at("2026-11-24T03:00:00Z");
    assert_eq!(due_state(open, due, now, Chicago), DueState::DueSoon);
    assert_eq!(due_state(open, due, now, Tokyo), DueState::Overdue);
}

#[test]
fn an_open_request_is_due_soon_three_days_ahead() {
    let open = PrivacyRequestStatus::Received;
    let now = at("2026-11-24T15:00:00Z");
    assert_eq!(
        due_state(open, date("2026-11-27"), now, Chicago),
        DueState::DueSoon
    );
    assert_eq!(
        due_state(open, date("2026-11-28"), now, Chicago),
        DueState::OnTime
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2020 to 2040, to the minute.
        (26_297_280i64..36_816_480).prop_map(|m| DateTime::from_timestamp(m * 60, 0).unwrap())
    }

    fn any_zone() -> impl Strategy<Value = Tz> {
        prop::sample::select(vec![
            Tz::UTC,
            Chicago,
            Los_Angeles,
            Tokyo,
            chrono_tz::Pacific::Kiritimati,
            chrono_tz::Pacific::Pago_Pago,
        ])
    }

    fn any_policy() -> impl Strategy<Value = DeadlinePolicy> {
        prop_oneof![
            (1u16..=90).prop_map(CalendarDays),
            (1u16..=90).prop_map(BusinessDays),
        ]
    }

    fn rank(state: DueState) -> u8 {
        match state {
            DueState::OnTime => 0,
            DueState::DueSoon => 1,
            DueState::Overdue => 2,
            DueState::Closed => 3,
        }
    }

    proptest! {
        #[test]
        fn the_due_date_is_after_the_day_of_receipt_and_a_business_day_when_counted_so(
            received in any_instant(),
            zone in any_zone(),
            policy in any_policy(),
        ) {
            let day = received.with_timezone(&zone).date_naive();
            let due = due_date(received, zone, policy);
            prop_assert!(due > day);
            match policy {
                CalendarDays(n) => prop_assert_eq!((due - day).num_days(), i64::from(n)),
                BusinessDays(n) => {
                    prop_assert!(is_business_day(due));
                    let counted = day
                        .iter_days()
                        .skip(1)
                        .take_while(|d| *d <= due)
                        .filter(|d| is_business_day(*d))
                        .count();
                    prop_assert_eq!(counted, usize::from(n));
                }
            }
        }

        #[test]
        fn a_longer_policy_is_never_due_earlier(
            received in any_instant(),
            zone in any_zone(),
            a in 1u16..=90,
            b in 1u16..=90,
        ) {
            let (short, long) = (a.min(b), a.max(b));
            prop_assert!(due_date(received, zone, CalendarDays(short)) <= due_date(received, zone, CalendarDays(long)));
            prop_assert!(due_date(received, zone, BusinessDays(short)) <= due_date(received, zone, BusinessDays(long)));
        }

        #[test]
        fn a_new_request_is_not_overdue_and_is_on_time_with_more_than_three_days(
            received in any_instant(),
            zone in any_zone(),
            policy in any_policy(),
        ) {
            let due = due_date(received, zone, policy);
            let state = due_state(PrivacyRequestStatus::Received, due, received, zone);
            prop_assert_ne!(state, DueState::Overdue);
            let days_left = (due - received.with_timezone(&zone).date_naive()).num_days();
            prop_assert_eq!(state == DueState::OnTime, days_left > DUE_SOON_DAYS);
        }

        #[test]
        fn time_only_makes_an_open_request_more_pressing(
            received in any_instant(),
            zone in any_zone(),
            policy in any_policy(),
            first in 0i64..200 * 24 * 60,
            more in 0i64..200 * 24 * 60,
        ) {
            let due = due_date(received, zone, policy);
            let open = PrivacyRequestStatus::InProgress;
            let earlier = received + Duration::minutes(first);
            let later = earlier + Duration::minutes(more);
            prop_assert!(rank(due_state(open, due, earlier, zone)) <= rank(due_state(open, due, later, zone)));
        }

        #[test]
        fn an_open_request_is_overdue_exactly_when_its_due_day_has_passed_in_its_zone(
            now in any_instant(),
            zone in any_zone(),
            offset in -120i64..120,
        ) {
            let today = now.with_timezone(&zone).date_naive();
            let due = today + Duration::days(offset);
            let state = due_state(PrivacyRequestStatus::Verified, due, now, zone);
            prop_assert_eq!(state == DueState::Overdue, due < today);
        }
    }
}
