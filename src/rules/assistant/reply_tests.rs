use super::*;
use crate::model::Facts;

fn store() -> Store {
    Store {
        name: "Northside Honda".into(),
        hours: "Mon–Sat 9 am–7 pm".into(),
    }
}

fn insight(intent: LeadIntent, facts: Facts) -> Insight {
    Insight {
        intent,
        score: 50,
        reasons: vec![],
        summary: vec![],
        facts,
        confidence: 90,
    }
}

fn full_facts() -> Facts {
    Facts {
        vehicle: Some("2021 Honda Civic".into()),
        budget: Some("under $25,000".into()),
        timeline: Some("this weekend".into()),
        trade_in: Some("2015 Toyota Camry".into()),
        preferred_time: Some("saturday morning".into()),
    }
}

const INTENTS: [LeadIntent; 8] = [
    LeadIntent::Buying,
    LeadIntent::Service,
    LeadIntent::Financing,
    LeadIntent::TradeIn,
    LeadIntent::Appointment,
    LeadIntent::Question,
    LeadIntent::Complaint,
    LeadIntent::OptOut,
];

const HANDOFFS: [Handoff; 5] = [
    Handoff::OptOut,
    Handoff::Complaint,
    Handoff::AskedForPerson,
    Handoff::Commitment,
    Handoff::LowConfidence,
];

/// Every answer and holding reply, with and without facts and a name.
fn every_body() -> Vec<String> {
    let mut bodies = Vec::new();
    for intent in INTENTS {
        for facts in [Facts::default(), full_facts()] {
            for name in [None, Some("Ana")] {
                bodies.push(answer(&insight(intent, facts.clone()), name));
            }
        }
    }
    for h in HANDOFFS {
        for name in [None, Some("Ana")] {
            bodies.push(holding(h, &store(), name));
        }
    }
    bodies
}

#[test]
fn no_template_is_promotional() {
    for body in every_body() {
        assert!(!promotional(&body), "{body}");
        assert!(
            !promotional(&fit(&body, Some("We're open Mon–Sat 9 am–7 pm."))),
            "{body}"
        );
    }
}

#[test]
fn no_template_names_a_price_or_the_budget() {
    for body in every_body() {
        assert!(!body.contains('$') && !body.contains("25,000"), "{body}");
    }
}

#[test]
fn a_buying_reply_names_the_vehicle_the_name_and_the_hours() {
    let turns = [Turn {
        customer: true,
        text: "is the 2021 honda civic still available".into(),
    }];
    let draft = draft(
        &turns,
        &insight(LeadIntent::Buying, full_facts()),
        &store(),
        Some("Ana"),
    );
    assert_eq!(
        draft.body,
        "Thanks, Ana! The 2021 Honda Civic — would you like to come see it? We're open Mon–Sat 9 am–7 pm."
    );
    assert_eq!(draft.handoff, None);
}

#[test]
fn an_appointment_reply_repeats_the_time_they_asked_for() {
    let body = answer(&insight(LeadIntent::Appointment, full_facts()), None);
    assert!(body.contains("Saturday morning"), "{body}");
}

#[test]
fn the_draft_carries_the_handoff_the_rules_call_for() {
    let turns = [Turn {
        customer: true,
        text: "can I talk to a real person".into(),
    }];
    let draft = draft(
        &turns,
        &insight(LeadIntent::Question, Facts::default()),
        &store(),
        None,
    );
    assert_eq!(draft.handoff, Some(Handoff::AskedForPerson));
    assert!(draft.body.contains("Northside Honda"));
}

#[test]
fn a_long_store_name_or_hours_still_fits_a_text() {
    let long = Store {
        name: "N".repeat(400),
        hours: "H".repeat(400),
    };
    let turns = [Turn {
        customer: true,
        text: "call me".into(),
    }];
    for intent in INTENTS {
        let d = draft(&turns, &insight(intent, full_facts()), &long, Some("Ana"));
        assert!(d.body.chars().count() <= MAX_CHARS, "{}", d.body.len());
    }
    let d = draft(&[], &insight(LeadIntent::Buying, full_facts()), &long, None);
    assert!(d.body.chars().count() <= MAX_CHARS);
}

#[test]
fn a_store_whose_name_reads_as_an_offer_is_handed_to_a_person() {
    let deals = Store {
        name: "Deals".into(),
        hours: "Clearance hours 9–5".into(),
    };
    let turns = [Turn {
        customer: true,
        text: "is the civic available".into(),
    }];
    let d = draft(
        &turns,
        &insight(LeadIntent::Buying, full_facts()),
        &deals,
        None,
    );
    assert_eq!(d.handoff, Some(Handoff::Promotional));
}

#[test]
fn a_blank_first_name_is_left_out() {
    let d = draft(
        &[],
        &insight(LeadIntent::Question, Facts::default()),
        &store(),
        Some("  "),
    );
    assert!(d.body.starts_with("Thanks!"), "{}", d.body);
}
