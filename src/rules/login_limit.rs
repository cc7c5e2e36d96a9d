//! Sign-in throttling: after `max_failures` failed attempts inside `window`, further
//! attempts wait until the oldest of those failures leaves the window.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_failures: usize,
    pub window: Duration,
}

/// Per submitted e-mail address, whether or not such an account exists.
pub const PER_ACCOUNT: Limit = Limit {
    max_failures: 5,
    window: Duration::minutes(15),
};
/// Per client address; higher because a dealership's staff share one office IP.
pub const PER_IP: Limit = Limit {
    max_failures: 20,
    window: Duration::minutes(15),
};

impl Limit {
    /// How long the caller must wait, given the failure times inside the window
    /// (any order). `None` means an attempt may be made now.
    pub fn retry_after(&self, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
        let mut recent: Vec<_> = failures
            .iter()
            .filter(|at| **at > now - self.window)
            .collect();
        if recent.len() < self.max_failures {
            return None;
        }
        recent.sort_unstable_by(|a, b| b.cmp(a));
        let unlocks_at = *recent[self.max_failures - 1] + self.window;
        (unlocks_at > now).then(|| unlocks_at - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn four_failures_do_not_lock() {
        let failures: Vec<_> = (0..4).map(at).collect();
        assert_eq!(PER_ACCOUNT.retry_after(&failures, at(5)), None);
    }

    #[test]
    fn the_fifth_failure_locks_for_the_rest_of_the_window() {
        let failures: Vec<_> = (0..5).map(at).collect();
        assert_eq!(
            PER_ACCOUNT.retry_after(&failures, at(5)),
            Some(Duration::minutes(10))
        );
    }

    #[test]
    fn the_lock_lifts_when_the_oldest_failure_leaves_the_window() {
        let failures: Vec<_> = (0..5).map(at).collect();
        assert_eq!(PER_ACCOUNT.retry_after(&failures, at(15)), None);
    }

    #[test]
    fn old_failures_do_not_count() {
        let mut failures: Vec<_> = (0..4).map(at).collect();
        failures.push(at(-30));
        assert_eq!(PER_ACCOUNT.retry_after(&failures, at(5)), None);
    }

    #[test]
    fn order_of_failures_does_not_matter() {
        let failures = vec![at(4), at(0), at(3), at(1), at(2), at(6)];
        // The five newest are 1,2,3,4,6: the lock ends 15 minutes after minute 1.
        assert_eq!(
            PER_ACCOUNT.retry_after(&failures, at(7)),
            Some(Duration::minutes(9))
        );
    }

    #[test]
    fn the_ip_limit_allows_more_failures() {
        let failures: Vec<_> = (0..19).map(at).collect();
        assert_eq!(PER_IP.retry_after(&failures, at(19)), None);
    }
}
