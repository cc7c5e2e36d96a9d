use super::*;
use proptest::prelude::*;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn a_running_subscription_without_a_maximum_age_keeps_everything() {
    assert_eq!(cutoff(at("2026-11-24T12:00:00Z"), None, None), None);
    assert_eq!(
        cutoff(
            at("2026-11-24T12:00:00Z"),
            Some("2026-12-31".parse().unwrap()),
            None
        ),
        None
    );
}

#[test]
fn ninety_days_after_the_subscription_everything_goes() {
    let end = Some("2026-08-01".parse().unwrap());
    assert_eq!(
        cutoff(at("2026-10-30T12:00:00Z"), end, None),
        None,
        "day 90 still kept"
    );
    assert_eq!(
        cutoff(at("2026-10-31T00:00:00Z"), end, None),
        Some(at("2026-10-31T00:00:00Z"))
    );
}

#[test]
fn a_maximum_age_purges_what_is_older() {
    assert_eq!(
        cutoff(at("2026-11-24T12:00:00Z"), None, Some(365)),
        Some(at("2025-11-24T12:00:00Z"))
    );
}

#[test]
fn with_nothing_past_keeping_no_communication_is_past_the_cutoff() {
    let now = at("2026-11-24T12:00:00Z");
    let c = cutoffs(now, None, None);
    assert_eq!(c.policy, None);
    assert!(!is_past(at("1971-01-01T00:00:00Z"), c.communications));
}

#[test]
fn accounts_files_and_bundles_go_after_thirty_days() {
    let now = at("2026-11-24T12:00:00Z");
    let c = cutoffs(now, None, Some(365));
    assert_eq!(c.thirty_days, at("2026-10-25T12:00:00Z"));
    assert!(is_past(at("2026-10-25T11:59:59Z"), c.thirty_days));
    assert!(!is_past(at("2026-10-25T12:00:00Z"), c.thirty_days));
}

fn any_now() -> impl Strategy<Value = DateTime<Utc>> {
    // 2020 to 2040, to the second.
    (1_577_836_800i64..2_208_988_800).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (0i64..8_000).prop_map(|d| NaiveDate::from_ymd_opt(2018, 1, 1).unwrap() + Duration::days(d))
}

proptest! {
    #[test]
    fn the_cutoff_is_never_in_the_future(
        now in any_now(),
        ends in proptest::option::of(any_day()),
        max_age in proptest::option::of(30i32..=36_500),
    ) {
        if let Some(c) = cutoff(now, ends, max_age) {
            prop_assert!(c <= now);
        }
    }

    #[test]
    fn nothing_younger_than_the_maximum_age_is_purged_while_subscribed(
        now in any_now(),
        max_age in 30i32..=36_500,
        age_secs in 0i64..(30 * 86_400),
        later in 0i64..36_500,
    ) {
        // Subscribed until at least today: only the maximum age decides.
        let ends = Some(now.date_naive() + Duration::days(later));
        let c = cutoffs(now, ends, Some(max_age));
        let young = now - Duration::days(i64::from(max_age)) + Duration::seconds(age_secs);
        prop_assert!(!is_past(young, c.communications));
        prop_assert!(is_past(young - Duration::seconds(age_secs + 1), c.communications));
    }

    #[test]
    fn a_shorter_maximum_age_never_keeps_more(
        now in any_now(),
        ends in proptest::option::of(any_day()),
        a in 30i32..=36_500,
        b in 30i32..=36_500,
    ) {
        let (short, long) = (a.min(b), a.max(b));
        prop_assert!(cutoff(now, ends, Some(short)) >= cutoff(now, ends, Some(long)));
        prop_assert!(cutoff(now, ends, Some(long)) >= cutoff(now, ends, None));
    }

    #[test]
    fn ninety_days_after_the_subscription_ends_everything_before_now_goes(
        end in any_day(),
        after in 0i64..3_000,
        max_age in proptest::option::of(30i32..=36_500),
    ) {
        let last_kept_day = end + Duration::days(AFTER_SUBSCRIPTION_DAYS);
        let now = (last_kept_day + Duration::days(1 + after)).and_hms_opt(0, 0, 0).unwrap().and_utc();
        prop_assert_eq!(cutoff(now, Some(end), max_age), Some(now));
        let on_day_90 = last_kept_day.and_hms_opt(23, 59, 59).unwrap().and_utc();
        prop_assert_eq!(cutoff(on_day_90, Some(end), None), None);
    }
}
