use super::*;
use crate::rules::consent::{ConsentLevel, Event};
use crate::rules::fixtures::{started, written};
use proptest::prelude::*;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn back_off_doubles_and_is_capped() {
    assert_eq!([1, 2, 3, 4].map(backoff_secs), [2, 4, 8, 16]);
    assert_eq!(backoff_secs(30), 900);
    assert_eq!(backoff_secs(0), 2);
}

#[test]
fn a_failure_is_retried_until_the_last_attempt_then_given_up() {
    assert_eq!(AfterFailure::of(0), AfterFailure::Retry { after_secs: 2 });
    assert_eq!(
        AfterFailure::of(MAX_ATTEMPTS - 2),
        AfterFailure::Retry { after_secs: 16 }
    );
    assert_eq!(AfterFailure::of(MAX_ATTEMPTS - 1), AfterFailure::GiveUp);
}

#[test]
fn a_chat_reply_is_delivered_and_a_text_is_queued() {
    let chat = ReplyPlan::of(Ok(()), Channel::Chat, None);
    assert_eq!(chat, ReplyPlan::Delivered);
    assert_eq!(chat.status(), DeliveryStatus::Delivered);
    let sms = ReplyPlan::of(Ok(()), Channel::Sms, None);
    assert_eq!(sms.status(), DeliveryStatus::Queued);
    assert_eq!(sms.reason(), None);
}

#[test]
fn a_refused_reply_is_blocked_with_its_reason() {
    let plan = ReplyPlan::of(Err("no".into()), Channel::Chat, None);
    assert_eq!(plan.status(), DeliveryStatus::Blocked);
    assert_eq!(plan.reason().as_deref(), Some("no"));
}

#[test]
fn a_promotion_in_quiet_hours_is_queued_for_the_morning_with_a_note() {
    let morning = at("2026-11-25T14:00:00Z");
    let plan = ReplyPlan::of(Ok(()), Channel::Sms, Some(morning));
    assert_eq!(
        plan,
        ReplyPlan::Queued {
            not_before: Some(morning)
        }
    );
    assert_eq!(
        plan.reason().as_deref(),
        Some("Waiting for quiet hours to end: sends at 25 Nov 14:00 UTC (08:00 for the customer).")
    );
}

#[test]
fn quiet_hours_are_asked_about_only_for_promotions_that_may_go_outside_chat() {
    let promo = MessageCategory::Promotional;
    assert!(quiet_hours_apply(&Ok(()), promo, Channel::Sms));
    assert!(!quiet_hours_apply(&Ok(()), promo, Channel::Chat));
    assert!(!quiet_hours_apply(&Err("no".into()), promo, Channel::Sms));
    assert!(!quiet_hours_apply(
        &Ok(()),
        MessageCategory::Informational,
        Channel::Sms
    ));
}

#[test]
fn an_unknown_system_purpose_is_never_sent() {
    assert_eq!(
        Due::decide(&started(), MessageCategory::Informational, Some("x"), None),
        Due::Block("Unknown kind of system message: not sent.".into())
    );
}

#[test]
fn a_system_text_is_checked_as_an_answer_not_as_its_category() {
    // Informational needs express consent, but a HELP answer does not.
    let facts = started();
    assert!(may_send(&facts, MessageCategory::Informational).is_err());
    assert_eq!(
        Due::decide(&facts, MessageCategory::Informational, Some("help"), None),
        Due::Send
    );
}

#[test]
fn a_due_promotion_waits_for_the_morning_and_a_reply_does_not() {
    let facts = SendFacts {
        ledger: vec![written()],
        ..started()
    };
    let morning = at("2026-11-25T14:00:00Z");
    assert_eq!(
        Due::decide(&facts, MessageCategory::Promotional, None, Some(morning)),
        Due::Hold(morning)
    );
    assert_eq!(
        Due::decide(&facts, MessageCategory::Conversational, None, Some(morning)),
        Due::Send
    );
}

#[test]
fn the_page_explains_a_promotion_held_by_quiet_hours() {
    let facts = SendFacts {
        ledger: vec![written()],
        ..started()
    };
    let checks = send_checks(&facts, Some(at("2026-11-25T14:00:00Z")));
    let promo = checks
        .iter()
        .find(|c| c.category == MessageCategory::Promotional)
        .unwrap();
    assert!(promo.allowed);
    assert!(promo.reason.as_deref().unwrap().contains("quiet hours"));
    assert_eq!(checks.len(), MessageCategory::ALL.len());
}

fn category() -> impl Strategy<Value = MessageCategory> {
    proptest::sample::select(MessageCategory::ALL.to_vec())
}

fn event() -> impl Strategy<Value = Event> {
    let level = prop_oneof![
        Just(None),
        Just(Some(ConsentLevel::Implied)),
        Just(Some(ConsentLevel::Express)),
        Just(Some(ConsentLevel::ExpressWritten)),
    ];
    (
        level,
        proptest::sample::subsequence(MessageCategory::ALL.to_vec(), 1..=3),
    )
        .prop_map(|(grant, categories)| Event {
            grant,
            categories,
            summary: "event".into(),
        })
}

prop_compose! {
    fn facts()(
        channel in proptest::sample::select(Channel::ALL.to_vec()),
        customer_initiated in any::<bool>(),
        has_address in any::<bool>(),
        ledger in proptest::collection::vec(event(), 0..5),
        review in any::<bool>(),
        restricted in any::<bool>(),
        ended in any::<bool>(),
        window_open in any::<bool>(),
    ) -> SendFacts {
        SendFacts { channel, customer_initiated, has_address, ledger, review, restricted, ended, window_open }
    }
}

fn purpose() -> impl Strategy<Value = Option<&'static str>> {
    let mut known: Vec<Option<&'static str>> =
        Purpose::ALL.iter().map(|p| Some(p.as_str())).collect();
    known.extend([None, Some("marketing")]);
    proptest::sample::select(known)
}

fn moment() -> impl Strategy<Value = Option<DateTime<Utc>>> {
    proptest::option::of(
        (1_700_000_000i64..1_900_000_000).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
    )
}

proptest! {
    #[test]
    fn the_worker_sends_only_what_the_policy_allows(
        facts in facts(), category in category(), purpose in purpose(), quiet in moment(),
    ) {
        let decision = Due::decide(&facts, category, purpose, quiet);
        let allowed = check_queued(&facts, category, purpose);
        match &decision {
            Due::Send => prop_assert!(allowed.is_ok()),
            Due::Block(reason) => prop_assert_eq!(Err(reason.clone()), allowed),
            Due::Hold(at) => {
                prop_assert!(allowed.is_ok());
                prop_assert_eq!(category, MessageCategory::Promotional);
                prop_assert_eq!(Some(*at), quiet);
            }
        }
    }

    #[test]
    fn a_restricted_person_is_sent_nothing_but_their_own_privacy_texts(
        facts in facts(), category in category(), purpose in purpose(), quiet in moment(),
    ) {
        let facts = SendFacts { restricted: true, ..facts };
        let own = matches!(purpose, Some("privacy" | "privacy_code"));
        if !own {
            prop_assert!(matches!(Due::decide(&facts, category, purpose, quiet), Due::Block(_)));
        }
    }

    #[test]
    fn nothing_typed_goes_on_whatsapp_once_its_window_has_closed(
        facts in facts(), category in category(), quiet in moment(),
    ) {
        let facts = SendFacts { channel: Channel::Whatsapp, window_open: false, ..facts };
        prop_assert!(matches!(Due::decide(&facts, category, None, quiet), Due::Block(_)));
        prop_assert!(may_send(&facts, category).is_err());
    }

    #[test]
    fn a_promotion_never_goes_in_quiet_hours(
        facts in facts(), quiet in moment(),
    ) {
        let decision = Due::decide(&facts, MessageCategory::Promotional, None, quiet);
        if quiet.is_some() {
            prop_assert_ne!(decision, Due::Send);
        }
    }

    #[test]
    fn a_reply_is_queued_delivered_or_blocked_exactly_as_the_policy_says(
        facts in facts(), category in category(), quiet in moment(),
    ) {
        let decision = may_send(&facts, category);
        let quiet = quiet.filter(|_| quiet_hours_apply(&decision, category, facts.channel));
        let plan = ReplyPlan::of(decision.clone(), facts.channel, quiet);
        prop_assert_eq!(plan.status() == DeliveryStatus::Blocked, decision.is_err());
        prop_assert_eq!(plan.reason().is_some(), decision.is_err() || quiet.is_some());
        if plan == ReplyPlan::Delivered {
            prop_assert_eq!(facts.channel, Channel::Chat);
        }
        if facts.channel == Channel::Chat {
            prop_assert_ne!(plan.status(), DeliveryStatus::Queued);
        }
    }

    #[test]
    fn retries_wait_longer_each_time_within_fifteen_minutes_and_stop(attempts in 0i32..50) {
        match AfterFailure::of(attempts) {
            AfterFailure::Retry { after_secs } => {
                prop_assert!(attempts + 1 < MAX_ATTEMPTS);
                prop_assert!((2..=900).contains(&after_secs));
                prop_assert!(after_secs >= backoff_secs(attempts));
            }
            AfterFailure::GiveUp => prop_assert!(attempts + 1 >= MAX_ATTEMPTS),
        }
    }

    #[test]
    fn the_page_allows_exactly_what_the_policy_allows(facts in facts(), quiet in moment()) {
        for check in send_checks(&facts, quiet) {
            let decision = may_send(&facts, check.category);
            prop_assert_eq!(check.allowed, decision.is_ok());
            if let Err(reason) = decision {
                prop_assert_eq!(check.reason, Some(reason));
            }
        }
    }
}
