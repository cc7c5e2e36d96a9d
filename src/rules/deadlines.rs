//! When a privacy request is due (SPEC §4): fixed at receipt, in the organisation's time
//! zone, by its policy: N calendar days (30 by default) or N business days (Monday to
//! Friday; public holidays are not modelled, so the date errs on the early, safe side).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How the days of a deadline are counted, as the organisation's settings name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineKind {
    Calendar,
    Business,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Calendar => "calendar",
            DeadlineKind::Business => "business",
        }
    }

    pub fn parse(text: &str) -> Option<DeadlineKind> {
        [DeadlineKind::Calendar, DeadlineKind::Business]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

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
        match DeadlineKind::parse(kind) {
            Some(DeadlineKind::Calendar) => Ok(DeadlinePolicy::CalendarDays(days)),
            Some(DeadlineKind::Business) => Ok(DeadlinePolicy::BusinessDays(days)),
            None => Err("Choose calendar days or business days.".into()),
        }
    }

    /// The settings this policy is saved as: its kind and its number of days.
    pub fn setting(self) -> (DeadlineKind, u16) {
        match self {
            DeadlinePolicy::CalendarDays(n) => (DeadlineKind::Calendar, n),
            DeadlinePolicy::BusinessDays(n) => (DeadlineKind::Business, n),
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
use crate::model::{DueState, PrivacyRequestStatus};

pub fn urgency(due: NaiveDate, today: NaiveDate) -> Urgency {
    match (due - today).num_days() {
        d if d < 0 => Urgency::Overdue,
        d if d <= DUE_SOON_DAYS => Urgency::DueSoon,
        _ => Urgency::OnTime,
    }
}

/// Where a request stands against its due date at `now`, in the organisation's zone: a
/// closed request is `Closed` whatever its date.
pub fn due_state(
    status: PrivacyRequestStatus,
    due_on: NaiveDate,
    now: DateTime<Utc>,
    zone: Tz,
) -> DueState {
    if !status.is_open() {
        return DueState::Closed;
    }
    match urgency(due_on, now.with_timezone(&zone).date_naive()) {
        Urgency::Overdue => DueState::Overdue,
        Urgency::DueSoon => DueState::DueSoon,
        Urgency::OnTime => DueState::OnTime,
    }
}

#[cfg(test)]
#[path = "deadlines_tests.rs"]
mod tests;
