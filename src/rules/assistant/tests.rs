//! The assistant end to end: `read` on whole conversations, and `progressed`.

use super::*;
use crate::model::{Facts, Handoff};

fn t(customer: bool, text: &str) -> Turn {
    Turn {
        customer,
        text: text.into(),
    }
}

#[test]
fn a_buyer_with_a_vehicle_and_a_weekend_is_read_in_full() {
    let insight = read(&[
        t(true, "Hi do you have the 2023 ford mustang GT in red"),
        t(false, "We have one in Race Red. Any questions?"),
        t(
            true,
            "red for sure. my old car is dying so i wanna get something this weekend",
        ),
    ]);
    assert_eq!(insight.intent, LeadIntent::Buying);
    assert_eq!(insight.facts.vehicle.as_deref(), Some("2023 Ford Mustang"));
    assert_eq!(insight.facts.timeline.as_deref(), Some("this weekend"));
    assert!(insight.score >= 50, "{insight:?}");
    assert!(insight.confidence >= CONFIDENCE_FLOOR);
    assert!(!insight.summary.is_empty() && insight.summary.len() <= 3);
}

#[test]
fn an_opt_out_scores_zero_and_hands_off() {
    let turns = [
        t(true, "is the civic available"),
        t(false, "Yes!"),
        t(true, "STOP"),
    ];
    let insight = read(&turns);
    assert_eq!((insight.intent, insight.score), (LeadIntent::OptOut, 0));
    assert_eq!(insight.reasons[0].points, -100);
    assert_eq!(handoff_rules(&turns, &insight), Some(Handoff::OptOut));
}

#[test]
fn an_empty_conversation_reads_as_an_unsure_question() {
    let insight = read(&[]);
    assert_eq!(insight.intent, LeadIntent::Question);
    assert!(insight.confidence < CONFIDENCE_FLOOR);
    assert!(insight.summary.is_empty());
    assert_eq!(insight.score, 0);
}

fn insight(intent: LeadIntent, score: i16, facts: Facts) -> Insight {
    Insight {
        intent,
        score,
        reasons: vec![],
        summary: vec![],
        facts,
        confidence: 80,
    }
}

#[test]
fn a_new_fact_is_progress() {
    let before = insight(LeadIntent::Buying, 40, Facts::default());
    let after = insight(
        LeadIntent::Buying,
        40,
        Facts {
            budget: Some("30k".into()),
            ..Facts::default()
        },
    );
    assert!(progressed(Some(&before), &after));
}

#[test]
fn becoming_an_appointment_is_progress_staying_one_is_not() {
    let buying = insight(LeadIntent::Buying, 40, Facts::default());
    let appointment = insight(LeadIntent::Appointment, 40, Facts::default());
    assert!(progressed(Some(&buying), &appointment));
    assert!(!progressed(Some(&appointment), &appointment));
}

#[test]
fn a_score_up_by_five_is_progress_by_four_is_not() {
    let before = insight(LeadIntent::Buying, 40, Facts::default());
    assert!(progressed(
        Some(&before),
        &insight(LeadIntent::Buying, 45, Facts::default())
    ));
    assert!(!progressed(
        Some(&before),
        &insight(LeadIntent::Buying, 44, Facts::default())
    ));
}

#[test]
fn the_first_reading_is_progress_when_it_found_anything() {
    assert!(!progressed(
        None,
        &insight(LeadIntent::Question, 0, Facts::default())
    ));
    assert!(progressed(
        None,
        &insight(LeadIntent::Question, 10, Facts::default())
    ));
}
