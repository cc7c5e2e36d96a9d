//! WhatsApp's customer-service window: a business may send free-form messages only within
//! 24 hours of the customer's last message; after that, only a template Meta approved.
//! Until templates are supported here, nothing free-form leaves once the window closes.

use chrono::{DateTime, Duration, Utc};

pub const HOURS: i64 = 24;

/// What a person is told when the window has closed.
pub const CLOSED: &str =
    "The WhatsApp 24-hour window has closed: the customer last wrote more than 24 hours ago, so only an approved template may go now.";

/// Whether free-form messages may go: the customer wrote within the last 24 hours.
pub fn open(last_from_customer: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_from_customer.is_some_and(|at| now - at < Duration::hours(HOURS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_24_hours_from_the_customers_last_message() {
        let now: DateTime<Utc> = "2026-12-08T12:00:00Z".parse().unwrap();
        assert!(open(Some(now - Duration::minutes(5)), now));
        assert!(open(
            Some(now - Duration::hours(23) - Duration::minutes(59)),
            now
        ));
        assert!(!open(Some(now - Duration::hours(24)), now));
        assert!(
            !open(None, now),
            "a customer who never wrote opened no window"
        );
    }
}
