use super::*;
use chrono_tz::America::{Chicago, New_York};

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn every_day(zone: Tz, opens: NaiveTime, closes: NaiveTime) -> Hours {
    Hours {
        zone,
        days: (1..=7)
            .map(|weekday| DayHours {
                weekday,
                opens,
                closes,
            })
            .collect(),
    }
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn query<'a>(location: &'a Hours, busy: &'a [Span], closed: &'a [NaiveDate]) -> SlotQuery<'a> {
    SlotQuery {
        location,
        assignee: None,
        closed_days: closed,
        busy,
        duration: Duration::minutes(60),
        step: Duration::minutes(60),
        not_before: utc("2026-01-01T00:00:00Z"),
    }
}

/// The local clock readings of the slots, in the zone given.
fn local(slots: &[DateTime<Utc>], zone: Tz) -> Vec<String> {
    slots
        .iter()
        .map(|s| s.with_timezone(&zone).format("%m-%d %H:%M").to_string())
        .collect()
}

#[test]
fn a_day_is_cut_into_slots_that_end_by_closing() {
    let hours = every_day(Chicago, t(9, 0), t(12, 0));
    let slots = free_slots(&query(&hours, &[], &[]), date("2026-06-10"), 1, 10);
    assert_eq!(
        local(&slots, Chicago),
        ["06-10 09:00", "06-10 10:00", "06-10 11:00"]
    );
    // 09:00 CDT is 14:00 UTC.
    assert_eq!(slots[0], utc("2026-06-10T14:00:00Z"));
}

#[test]
fn chicago_springs_forward_in_march() {
    // 8 March 2026: 02:00 CST becomes 03:00 CDT. A store open 01:00–05:00 has three
    // real hours that night, and its clock readings skip 02:00.
    let hours = every_day(Chicago, t(1, 0), t(5, 0));
    let slots = free_slots(&query(&hours, &[], &[]), date("2026-03-08"), 1, 10);
    assert_eq!(
        local(&slots, Chicago),
        ["03-08 01:00", "03-08 03:00", "03-08 04:00"]
    );
    // 01:00 CST is 07:00 UTC, 03:00 CDT is 08:00 UTC: one real hour apart.
    assert_eq!(slots[0], utc("2026-03-08T07:00:00Z"));
    assert_eq!(slots[1], utc("2026-03-08T08:00:00Z"));
    // The day before and after, a 9–10 slot is 15:00 and 14:00 UTC.
    let day = every_day(Chicago, t(9, 0), t(10, 0));
    let q = query(&day, &[], &[]);
    assert_eq!(
        free_slots(&q, date("2026-03-07"), 2, 10),
        [utc("2026-03-07T15:00:00Z"), utc("2026-03-08T14:00:00Z")]
    );
}

#[test]
fn chicago_falls_back_in_november() {
    // 1 November 2026: 02:00 CDT becomes 01:00 CST; 01:00–02:00 happens twice. The
    // repeated hour is offered once (the first), and 9 am is CST again.
    let hours = every_day(Chicago, t(0, 0), t(3, 0));
    let slots = free_slots(&query(&hours, &[], &[]), date("2026-11-01"), 1, 10);
    assert_eq!(slots[0], utc("2026-11-01T05:00:00Z")); // 00:00 CDT
    assert_eq!(slots[1], utc("2026-11-01T06:00:00Z")); // 01:00 CDT, the first one
    assert_eq!(slots[2], utc("2026-11-01T08:00:00Z")); // 02:00 CST
    assert_eq!(
        slots.len(),
        3,
        "the repeated 01:00 is not offered a second time"
    );
    let day = every_day(Chicago, t(9, 0), t(10, 0));
    let q = query(&day, &[], &[]);
    assert_eq!(
        free_slots(&q, date("2026-10-31"), 2, 10),
        [utc("2026-10-31T14:00:00Z"), utc("2026-11-01T15:00:00Z")]
    );
}

#[test]
fn closed_weekdays_and_closed_days_have_no_slots() {
    let hours = Hours {
        zone: Chicago,
        days: vec![DayHours {
            weekday: 1,
            opens: t(9, 0),
            closes: t(10, 0),
        }],
    };
    // Monday 7, Tuesday 8 (closed weekday), Monday 14 (a closed day), Monday 21.
    let closed = [date("2026-12-14")];
    let q = query(&hours, &[], &closed);
    let slots = free_slots(&q, date("2026-12-07"), 15, 10);
    assert_eq!(local(&slots, Chicago), ["12-07 09:00", "12-21 09:00"]);
    assert!(!is_free(&q, utc("2026-12-14T15:00:00Z")));
    assert!(!is_free(&q, utc("2026-12-08T15:00:00Z")));
}

#[test]
fn a_booking_takes_every_slot_it_overlaps() {
    let hours = every_day(Chicago, t(9, 0), t(13, 0));
    // 10:30–11:30 local is busy: the 10:00 and 11:00 hour-long slots overlap it.
    let busy = [(utc("2026-06-10T15:30:00Z"), utc("2026-06-10T16:30:00Z"))];
    let mut q = query(&hours, &busy, &[]);
    q.step = Duration::minutes(30);
    let slots = free_slots(&q, date("2026-06-10"), 1, 20);
    assert_eq!(
        local(&slots, Chicago),
        ["06-10 09:00", "06-10 09:30", "06-10 11:30", "06-10 12:00"]
    );
    // Touching ends do not overlap.
    assert!(is_free(&q, utc("2026-06-10T14:30:00Z")));
    assert!(!is_free(&q, utc("2026-06-10T15:00:00Z")));
}

#[test]
fn an_assignee_in_another_zone_is_bookable_only_in_both_hours() {
    // The store in Chicago is open 9–17; its remote agent in New York works 8–14 New York
    // time, which is 7–13 in Chicago. The slots are 9–13 Chicago time.
    let store = every_day(Chicago, t(9, 0), t(17, 0));
    let agent = every_day(New_York, t(8, 0), t(14, 0));
    let mut q = query(&store, &[], &[]);
    q.assignee = Some(&agent);
    let slots = free_slots(&q, date("2026-06-10"), 1, 20);
    assert_eq!(
        local(&slots, Chicago),
        ["06-10 09:00", "06-10 10:00", "06-10 11:00", "06-10 12:00"]
    );
}

#[test]
fn nothing_before_now_and_nothing_off_the_grid() {
    let hours = every_day(Chicago, t(9, 0), t(12, 0));
    let mut q = query(&hours, &[], &[]);
    q.not_before = utc("2026-06-10T15:10:00Z"); // 10:10 local
    let slots = free_slots(&q, date("2026-06-10"), 1, 10);
    assert_eq!(local(&slots, Chicago), ["06-10 11:00"]);
    assert!(
        !is_free(&q, utc("2026-06-10T16:05:00Z")),
        "11:05 is off the grid"
    );
    assert!(is_free(&q, utc("2026-06-10T16:00:00Z")));
}

#[test]
fn the_limit_stops_the_search() {
    let hours = every_day(Chicago, t(9, 0), t(17, 0));
    let q = query(&hours, &[], &[]);
    assert_eq!(free_slots(&q, date("2026-06-10"), 30, 3).len(), 3);
}
