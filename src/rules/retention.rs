//! Retention cut-offs (SPEC §5): communications are kept for the subscription plus 90
//! days, or less when the organisation sets a shorter maximum age; deactivated accounts,
//! uploaded files and data bundles for 30 days. A record is past keeping when it is older
//! than its cut-off; the purge queries apply exactly `is_past`.

use chrono::{DateTime, Duration, NaiveDate, Utc};

pub const AFTER_SUBSCRIPTION_DAYS: i64 = 90;
pub const ACCOUNT_DAYS: i64 = 30;

/// The moment before which communications go: the later of "subscription end + 90 days"
/// (once that has passed, everything) and "now − maximum age". `None` keeps everything.
pub fn cutoff(
    now: DateTime<Utc>,
    subscription_ends_on: Option<NaiveDate>,
    max_age_days: Option<i32>,
) -> Option<DateTime<Utc>> {
    let after_subscription = subscription_ends_on
        .map(|end| {
            end.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
                + Duration::days(AFTER_SUBSCRIPTION_DAYS + 1)
        })
        .filter(|keep_until| *keep_until <= now)
        .map(|_| now);
    let by_age = max_age_days.map(|days| now - Duration::days(i64::from(days)));
    after_subscription.max(by_age)
}

/// The cut-offs of one retention run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// The communications policy's own value (`None`: nothing is past keeping).
    pub policy: Option<DateTime<Utc>>,
    /// Communications older than this go; with nothing past keeping, a moment before any
    /// message was ever stored.
    pub communications: DateTime<Utc>,
    /// Deactivated accounts, uploaded files and bundles older than this go.
    pub thirty_days: DateTime<Utc>,
}

pub fn cutoffs(
    now: DateTime<Utc>,
    subscription_ends_on: Option<NaiveDate>,
    max_age_days: Option<i32>,
) -> Cutoffs {
    let policy = cutoff(now, subscription_ends_on, max_age_days);
    Cutoffs {
        policy,
        communications: policy.unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        thirty_days: now - Duration::days(ACCOUNT_DAYS),
    }
}

/// Whether a record stamped `at` is past keeping under `cutoff` (strictly older).
pub fn is_past(at: DateTime<Utc>, cutoff: DateTime<Utc>) -> bool {
    at < cutoff
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
