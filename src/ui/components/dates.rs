//! How dates and times are written on pages, in one place. Every time is UTC; the pages
//! that show a time say so (or show it where the year and zone go without saying).

use chrono::{DateTime, NaiveDate, Utc};

/// The ways a moment is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// `05 Mar 2026`
    Day,
    /// `05 Mar 14:03`: recent activity in lists and threads.
    Recent,
    /// `05 Mar 2026 14:03 UTC`
    Minute,
    /// `05 Mar 2026, 14:03 UTC`: under a note or an account.
    MinuteAfterComma,
    /// `05 Mar 2026 14:03:09 UTC`: evidence, to the second.
    Second,
    /// `05 Mar 2026 14:03:09`: the audit log, whose heading names the zone.
    SecondNoZone,
    /// `14:03 UTC`: later today, such as when a code stops working.
    Clock,
    /// `14:03`: a line of a chat the reader is part of.
    ClockNoZone,
}

impl When {
    const fn pattern(self) -> &'static str {
        match self {
            When::Day => "%d %b %Y",
            When::Recent => "%d %b %H:%M",
            When::Minute => "%d %b %Y %H:%M UTC",
            When::MinuteAfterComma => "%d %b %Y, %H:%M UTC",
            When::Second => "%d %b %Y %H:%M:%S UTC",
            When::SecondNoZone => "%d %b %Y %H:%M:%S",
            When::Clock => "%H:%M UTC",
            When::ClockNoZone => "%H:%M",
        }
    }
}

/// A moment, written the given way.
pub fn when(at: DateTime<Utc>, how: When) -> String {
    at.format(how.pattern()).to_string()
}

/// A calendar day (a due date), written as `05 Mar 2026`.
pub fn day(date: NaiveDate) -> String {
    date.format(When::Day.pattern()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn moment() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 5, 14, 3, 9).unwrap()
    }

    #[test]
    fn each_way_writes_the_moment_as_its_pages_always_have() {
        let cases = [
            (When::Day, "05 Mar 2026"),
            (When::Recent, "05 Mar 14:03"),
            (When::Minute, "05 Mar 2026 14:03 UTC"),
            (When::MinuteAfterComma, "05 Mar 2026, 14:03 UTC"),
            (When::Second, "05 Mar 2026 14:03:09 UTC"),
            (When::SecondNoZone, "05 Mar 2026 14:03:09"),
            (When::Clock, "14:03 UTC"),
            (When::ClockNoZone, "14:03"),
        ];
        for (how, expected) in cases {
            assert_eq!(when(moment(), how), expected, "{how:?}");
        }
    }

    #[test]
    fn a_day_is_written_like_a_moment_on_that_day() {
        assert_eq!(day(moment().date_naive()), when(moment(), When::Day));
    }
}
