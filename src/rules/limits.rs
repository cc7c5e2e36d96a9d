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

/// Texts the system sends on its own, per number and per organisation per day (SPEC
/// §3.12), in two buckets, so that strangers using up one cannot silence the other:
/// what someone asked for on a public page (codes, "reply YES", privacy notices), and
/// the answers to a number's own keywords (HELP, START). The one opt-out confirmation is
/// not counted: it is sent exactly once per opt-out and must go.
pub const REQUESTED_TEXTS_NUMBER: Limit = per("requested-texts:number", 3, Duration::days(1));
pub const REQUESTED_TEXTS_ORG: Limit = per("requested-texts:org", 300, Duration::days(1));
pub const KEYWORD_ANSWERS_NUMBER: Limit = per("keyword-answers:number", 3, Duration::days(1));
pub const KEYWORD_ANSWERS_ORG: Limit = per("keyword-answers:org", 500, Duration::days(1));
/// E-mails one organisation sends to one address, and in all, per day.
pub const SYSTEM_MAIL_ADDRESS: Limit = per("system-mail:address", 5, Duration::days(1));
pub const SYSTEM_MAIL_ORG: Limit = per("system-mail:org", 500, Duration::days(1));
/// Password reset links to one account per day (their own bucket: strangers cannot use
/// it up through the public pages).
pub const RESET_MAIL_ACCOUNT: Limit = per("reset-mail:account", 3, Duration::days(1));
/// Wrong passwords for one account from anywhere, per hour: slows a guesser spread over
/// many addresses. A browser the account signed in from before is not held back by it.
pub const SIGN_IN_ACCOUNT: Limit = per("sign-in:account", 30, Duration::hours(1));

/// The address a limit counts by: an IPv4 address, or an IPv6 address's /64 (one host
/// usually holds a whole /64, so counting single IPv6 addresses counts nothing).
pub fn address_subject(ip: Option<std::net::IpAddr>) -> String {
    match ip {
        None => String::new(),
        Some(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Some(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

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
            REQUESTED_TEXTS_NUMBER,
            REQUESTED_TEXTS_ORG,
            KEYWORD_ANSWERS_NUMBER,
            KEYWORD_ANSWERS_ORG,
            SYSTEM_MAIL_ADDRESS,
            SYSTEM_MAIL_ORG,
            RESET_MAIL_ACCOUNT,
            SIGN_IN_ACCOUNT,
        ];
        let mut names: Vec<_> = all.iter().map(|l| l.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }

    #[test]
    fn an_ipv6_host_counts_as_its_64_and_an_ipv4_as_itself() {
        let one: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let other: std::net::IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let next: std::net::IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_subject(Some(one)), address_subject(Some(other)));
        assert_ne!(address_subject(Some(one)), address_subject(Some(next)));
        let mapped: std::net::IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(address_subject(Some(mapped)), "203.0.113.9");
        assert_eq!(address_subject(None), "");
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
