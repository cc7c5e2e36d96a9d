//! Quiet hours (SPEC §3.10): promotional messages go out only between 08:00 and 21:00 in
//! the recipient's time zone. Outside those hours they wait; they are never dropped.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// The first hour promotional messages may be sent, local time.
pub const OPENS: u32 = 8;
/// From this hour on, promotional messages wait for the next morning.
pub const CLOSES: u32 = 21;

/// `None` when a promotional message may go now; otherwise the moment it may. Fails
/// closed: when the next opening cannot be computed, the message waits an hour and is
/// asked about again, rather than going out at night.
pub fn promotional_wait(now: DateTime<Utc>, zone: Tz) -> Option<DateTime<Utc>> {
    let local = now.with_timezone(&zone);
    if (OPENS..CLOSES).contains(&local.hour()) {
        return None;
    }
    next_opening(local.naive_local(), zone)
        .or_else(|| now.checked_add_signed(Duration::hours(1)))
        .or(Some(now))
}

/// The next 08:00 (local) after a moment outside the window.
fn next_opening(local: chrono::NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    let day = match local.hour() {
        h if h < OPENS => local.date(),
        _ => local.date().succ_opt()?,
    };
    let opens = day.and_time(NaiveTime::from_hms_opt(OPENS, 0, 0)?);
    // 08:00 can only be skipped by a daylight-saving jump where no country puts one; if
    // it ever is, the first instant after the gap is the opening.
    (0..3)
        .find_map(|extra| {
            zone.from_local_datetime(&(opens + Duration::hours(extra)))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
}

/// The zone to use for a recipient: theirs when known and valid, else the organisation's,
/// else UTC.
pub fn zone_of(recipient: Option<&str>, organisation: &str) -> Tz {
    recipient
        .and_then(|z| z.parse().ok())
        .or_else(|| organisation.parse().ok())
        .unwrap_or(Tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::{Chicago, Los_Angeles, New_York};
    use chrono_tz::Asia::Kolkata;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn when_the_opening_cannot_be_computed_it_waits_rather_than_sends() {
        // The last representable night (23:59 UTC) has no next morning to wait for.
        assert!(next_opening(chrono::NaiveDateTime::MAX, Tz::UTC).is_none());
        assert!(promotional_wait(DateTime::<Utc>::MAX_UTC, Tz::UTC).is_some());
    }

    #[test]
    fn daytime_sends_at_once() {
        // 14:00 in Chicago (CST, UTC-6).
        assert_eq!(promotional_wait(utc("2026-11-24T20:00:00Z"), Chicago), None);
        // 08:00 sharp and 20:59 are inside the window.
        assert_eq!(promotional_wait(utc("2026-11-24T14:00:00Z"), Chicago), None);
        assert_eq!(promotional_wait(utc("2026-11-25T02:59:59Z"), Chicago), None);
    }

    #[test]
    fn the_evening_waits_for_the_next_morning() {
        // 21:00 in Chicago on the 24th: wait until 08:00 on the 25th (14:00 UTC).
        assert_eq!(
            promotional_wait(utc("2026-11-25T03:00:00Z"), Chicago),
            Some(utc("2026-11-25T14:00:00Z"))
        );
    }

    #[test]
    fn the_small_hours_wait_for_the_same_morning() {
        // 05:30 in New York (EST).
        assert_eq!(
            promotional_wait(utc("2026-11-24T10:30:00Z"), New_York),
            Some(utc("2026-11-24T13:00:00Z"))
        );
    }

    #[test]
    fn the_recipients_zone_decides_not_the_servers() {
        let now = utc("2026-11-24T15:00:00Z"); // 10:00 New York, 07:00 Los Angeles
        assert_eq!(promotional_wait(now, New_York), None);
        assert_eq!(
            promotional_wait(now, Los_Angeles),
            Some(utc("2026-11-24T16:00:00Z"))
        );
        // Half-hour offsets: 20:30 in Kolkata is still open, 21:30 is not.
        assert_eq!(promotional_wait(utc("2026-11-24T15:00:00Z"), Kolkata), None);
        assert_eq!(
            promotional_wait(utc("2026-11-24T16:00:00Z"), Kolkata),
            Some(utc("2026-11-25T02:30:00Z"))
        );
    }

    #[test]
    fn daylight_saving_changes_move_the_opening_with_the_clock() {
        // The night the US springs forward (8 March 2026): 06:00 EST is 11:00 UTC, and
        // 08:00 that morning is already EDT (UTC-4).
        assert_eq!(
            promotional_wait(utc("2026-03-08T06:30:00Z"), New_York),
            Some(utc("2026-03-08T12:00:00Z"))
        );
        // The night it falls back (1 November 2026): 08:00 is EST again (UTC-5).
        assert_eq!(
            promotional_wait(utc("2026-11-01T05:30:00Z"), New_York),
            Some(utc("2026-11-01T13:00:00Z"))
        );
    }

    #[test]
    fn a_month_and_year_end_evening_rolls_into_the_next_day() {
        assert_eq!(
            promotional_wait(utc("2027-01-01T04:00:00Z"), Chicago),
            Some(utc("2027-01-01T14:00:00Z"))
        );
    }

    #[test]
    fn the_recipients_zone_wins_then_the_organisations_then_utc() {
        assert_eq!(
            zone_of(Some("America/Denver"), "America/Chicago"),
            chrono_tz::America::Denver
        );
        assert_eq!(zone_of(Some("Not/AZone"), "America/Chicago"), Chicago);
        assert_eq!(zone_of(None, "bogus"), Tz::UTC);
    }
}
