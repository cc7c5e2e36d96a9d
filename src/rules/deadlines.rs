//! When a privacy request is due (SPEC §4): fixed at receipt, in the organisation's time
//! zone, by its policy: N calendar days (30 by default) or N business days (Monday to
//! Friday; public holidays are not modelled, so the date errs on the early, safe side).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlinePolicy {
    CalendarDays(u16),
    BusinessDays(u16),
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        DeadlinePolicy::CalendarDays(30)
    }
}

impl DeadlinePolicy {
    /// From the organisation's settings (`calendar`/`business` and a number of days).
    pub fn from_settings(kind: &str, days: i32) -> Result<DeadlinePolicy, String> {
        let days = u16::try_from(days)
            .ok()
            .filter(|d| (1..=90).contains(d))
            .ok_or("Choose between 1 and 90 days.")?;
        match kind {
            "calendar" => Ok(DeadlinePolicy::CalendarDays(days)),
            "business" => Ok(DeadlinePolicy::BusinessDays(days)),
            _ => Err("Choose calendar days or business days.".into()),
        }
    }

    pub fn describe(self) -> String {
        match self {
            DeadlinePolicy::CalendarDays(n) => format!("{n} calendar days"),
            DeadlinePolicy::BusinessDays(n) => format!("{n} business days"),
        }
    }
}

fn is_business_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The last day to answer a request received at `received`: the day of receipt in the
/// organisation's zone does not count; the answer is due by the end of the returned day.
pub fn due_date(received: DateTime<Utc>, zone: Tz, policy: DeadlinePolicy) -> NaiveDate {
    let day = received.with_timezone(&zone).date_naive();
    match policy {
        DeadlinePolicy::CalendarDays(n) => day + Duration::days(i64::from(n)),
        DeadlinePolicy::BusinessDays(n) => {
            let mut due = day;
            let mut left = n;
            while left > 0 {
                due = due.succ_opt().unwrap_or(due);
                if is_business_day(due) {
                    left -= 1;
                }
            }
            due
        }
    }
}

/// How pressing a request is, for highlighting: `Overdue`, `DueSoon` (within 3 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    Overdue,
    DueSoon,
    OnTime,
}

pub use crate::model::DUE_SOON_DAYS;

pub fn urgency(due: NaiveDate, today: NaiveDate) -> Urgency {
    match (due - today).num_days() {
        d if d < 0 => Urgency::Overdue,
        d if d <= DUE_SOON_DAYS => Urgency::DueSoon,
        _ => Urgency::OnTime,
    }
}

#[cfg(test)]
mod tests {
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
}
