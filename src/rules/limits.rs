//! How often anyone may do what a stranger could abuse: sign-in guesses, the public pages
//! (web chat, consent form, privacy requests), and the texts the system sends on its own
//! (codes, confirmations). Counted in a sliding window; `server::rate_limit` keeps the
//! attempts.

use chrono::{DateTime, Duration, Utc};

/// At most `max` hits per `window`, counted per subject (an address, a number, an account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Keeps the counters of two limits on the same subject apart.
    pub name: &'static str,
    pub max: i32,
    pub window: Duration,
}

const fn per(name: &'static str, max: i32, window: Duration) -> Limit {
    Limit { name, max, window }
}

/// Wrong passwords for one account from one address: a stranger elsewhere cannot lock the
/// account's owner out, and a correct sign-in forgives the count.
pub const SIGN_IN_ACCOUNT_IP: Limit = per("sign-in:account+ip", 5, Duration::minutes(15));
/// Sign-in attempts from one address, whatever the account (a dealership's staff share one
/// office address, so it is higher).
pub const SIGN_IN_IP: Limit = per("sign-in:ip", 20, Duration::minutes(15));

/// Chats a visitor's address may start in an hour.
pub const CHAT_START_IP: Limit = per("chat-start:ip", 10, Duration::hours(1));
/// Chats that may claim one phone or e-mail in an hour.
pub const CHAT_START_CONTACT: Limit = per("chat-start:contact", 5, Duration::hours(1));
/// Lines one address may type into chats in ten minutes.
pub const CHAT_SEND_IP: Limit = per("chat-send:ip", 120, Duration::minutes(10));
/// Codes one chat may ask for, and guesses at them.
pub const CHAT_CODES: i32 = 3;
pub const CHAT_CODE_TRIES: i32 = 5;

/// Consent-form submissions per address and per number.
pub const CONSENT_FORM_IP: Limit = per("consent-form:ip", 5, Duration::hours(1));
pub const CONSENT_FORM_NUMBER: Limit = per("consent-form:number", 3, Duration::days(1));

/// Privacy requests filed on the public page per address and per contact.
pub const PRIVACY_FORM_IP: Limit = per("privacy-form:ip", 5, Duration::hours(1));
pub const PRIVACY_FORM_CONTACT: Limit = per("privacy-form:contact", 3, Duration::days(1));

/// Texts the system sends on its own (codes, confirmations, HELP answers) to one number,
/// and from one organisation, per day (SPEC §3.12). The one opt-out confirmation is not
/// counted: it is sent exactly once per opt-out and must go.
pub const SYSTEM_TEXTS_NUMBER: Limit = per("system-texts:number", 3, Duration::days(1));
pub const SYSTEM_TEXTS_ORG: Limit = per("system-texts:org", 500, Duration::days(1));
/// E-mails the system sends to one address per day.
pub const SYSTEM_MAIL_ADDRESS: Limit = per("system-mail:address", 5, Duration::days(1));

/// How long to wait before the next attempt, given the recent attempts (any order); `None`
/// when one may be made now. With `max` attempts inside the window, the next may come when
/// the oldest of the newest `max` leaves it.
pub fn wait(limit: &Limit, attempts: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
    let mut recent: Vec<_> = attempts
        .iter()
        .filter(|at| **at > now - limit.window)
        .collect();
    if recent.len() < limit.max.max(0) as usize {
        return None;
    }
    recent.sort_unstable_by(|a, b| b.cmp(a));
    let frees_at = *recent[(limit.max.max(1) - 1) as usize] + limit.window;
    (frees_at > now).then(|| frees_at - now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn four_attempts_do_not_lock() {
        let attempts: Vec<_> = (0..4).map(at).collect();
        assert_eq!(wait(&SIGN_IN_ACCOUNT_IP, &attempts, at(5)), None);
    }

    #[test]
    fn the_fifth_attempt_locks_for_the_rest_of_the_window() {
        let attempts: Vec<_> = (0..5).map(at).collect();
        assert_eq!(
            wait(&SIGN_IN_ACCOUNT_IP, &attempts, at(5)),
            Some(Duration::minutes(10))
        );
    }

    #[test]
    fn the_lock_lifts_when_the_oldest_attempt_leaves_the_window() {
        let attempts: Vec<_> = (0..5).map(at).collect();
        assert_eq!(wait(&SIGN_IN_ACCOUNT_IP, &attempts, at(15)), None);
    }

    #[test]
    fn old_attempts_do_not_count_and_order_does_not_matter() {
        let mut attempts: Vec<_> = (0..4).map(at).collect();
        attempts.push(at(-30));
        assert_eq!(wait(&SIGN_IN_ACCOUNT_IP, &attempts, at(5)), None);
        let shuffled = vec![at(4), at(0), at(3), at(1), at(2), at(6)];
        // The five newest are 1,2,3,4,6: the next may come 15 minutes after minute 1.
        assert_eq!(
            wait(&SIGN_IN_ACCOUNT_IP, &shuffled, at(7)),
            Some(Duration::minutes(9))
        );
    }

    #[test]
    fn an_office_address_allows_more_attempts_than_one_account() {
        let attempts: Vec<_> = (0..19).map(at).collect();
        assert_eq!(wait(&SIGN_IN_IP, &attempts, at(14)), None);
        assert!(wait(&SIGN_IN_ACCOUNT_IP, &attempts, at(14)).is_some());
    }

    #[test]
    fn limits_have_distinct_names() {
        let all = [
            SIGN_IN_ACCOUNT_IP,
            SIGN_IN_IP,
            CHAT_START_IP,
            CHAT_START_CONTACT,
            CHAT_SEND_IP,
            CONSENT_FORM_IP,
            CONSENT_FORM_NUMBER,
            PRIVACY_FORM_IP,
            PRIVACY_FORM_CONTACT,
            SYSTEM_TEXTS_NUMBER,
            SYSTEM_TEXTS_ORG,
            SYSTEM_MAIL_ADDRESS,
        ];
        let mut names: Vec<_> = all.iter().map(|l| l.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }

    proptest! {
        #[test]
        fn never_more_than_max_attempts_pass_in_any_window(
            gaps in proptest::collection::vec(0i64..600, 1..200),
        ) {
            // Attempts arrive `gaps` seconds apart; each is recorded only if allowed.
            let limit = SIGN_IN_ACCOUNT_IP;
            let mut now = at(0);
            let mut passed: Vec<DateTime<Utc>> = Vec::new();
            for gap in gaps {
                now += Duration::seconds(gap);
                if wait(&limit, &passed, now).is_none() {
                    passed.push(now);
                }
                let in_window = passed.iter().filter(|t| **t > now - limit.window).count();
                prop_assert!(in_window <= limit.max as usize);
            }
        }
    }
}
