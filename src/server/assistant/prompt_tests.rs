//! How a conversation is put to a provider and how its tool input is read.

use super::*;
use crate::rules::assistant::Store;

fn turn(customer: bool, text: &str) -> Turn {
    Turn {
        customer,
        text: text.to_string(),
    }
}

fn roles(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.role).collect()
}

#[test]
fn turns_of_one_side_in_a_row_are_merged_so_roles_alternate() {
    let turns = [
        turn(true, "Hi"),
        turn(true, "Is the Civic there?"),
        turn(false, "Yes"),
        turn(true, "Great"),
    ];
    let messages = messages(&turns);
    assert_eq!(roles(&messages), ["user", "assistant", "user"]);
    assert_eq!(messages[0].content, "Hi\n\nIs the Civic there?");
}

#[test]
fn the_conversation_starts_and_ends_with_the_customer() {
    let messages = messages(&[
        turn(false, "Thanks for your interest"),
        turn(true, "Ok"),
        turn(false, "Anything else?"),
    ]);
    assert_eq!(
        roles(&messages),
        ["user", "assistant", "user", "assistant", "user"]
    );
    assert!(messages[0].content.starts_with('['));
    assert!(messages[4].content.starts_with('['));
    assert_eq!(roles(&super::messages(&[])), ["user"]);
}

#[test]
fn the_system_prompt_names_the_store_and_its_rules() {
    let context = Context {
        org_id: uuid::Uuid::nil(),
        conversation_id: uuid::Uuid::nil(),
        store: Store {
            name: "North Motors".into(),
            hours: "Mon–Sat 9–7".into(),
        },
        channel: Channel::Sms,
        turns: Vec::new(),
        first_name: Some("Ana".into()),
    };
    let prompt = system(&context, None);
    for needle in [
        "North Motors",
        "Mon–Sat 9–7",
        "Never promotional",
        "financing",
        "asked_for_person",
        "Ana",
    ] {
        assert!(prompt.contains(needle), "{needle} missing from {prompt}");
    }
}

#[test]
fn the_tools_offer_every_intent_and_handoff() {
    let insight = insight_tool().schema;
    assert_eq!(
        insight["properties"]["intent"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        LeadIntent::ALL.len()
    );
    let reply = reply_tool().schema;
    let handoffs = reply["properties"]["handoff"]["enum"].as_array().unwrap();
    assert_eq!(handoffs.len(), Handoff::ALL.len() + 1);
    assert!(handoffs.contains(&Value::Null));
}

#[test]
fn an_insight_is_read_with_numbers_clamped_and_lines_cut() {
    let long = "x".repeat(300);
    let input = json!({
        "intent": "trade_in", "score": 140, "confidence": -5,
        "reasons": [{ "label": "Asked for a test drive", "points": 20 }, { "points": 3 }],
        "summary": ["one", long, "three", "four"],
        "facts": { "vehicle": "2021 Civic", "budget": "", "timeline": null }
    });
    let insight = insight(&input).unwrap();
    assert_eq!(
        (insight.intent, insight.score, insight.confidence),
        (LeadIntent::TradeIn, 100, 0)
    );
    assert_eq!(
        insight.reasons,
        [ScoreReason {
            label: "Asked for a test drive".into(),
            points: 20
        }]
    );
    assert_eq!(insight.summary.len(), 3);
    assert_eq!(insight.summary[1].chars().count(), 200);
    assert_eq!(insight.facts.vehicle.as_deref(), Some("2021 Civic"));
    assert_eq!((insight.facts.budget, insight.facts.timeline), (None, None));
}

#[test]
fn an_unknown_intent_or_a_missing_score_is_malformed() {
    let unknown = insight(&json!({ "intent": "shopping", "score": 50 }));
    assert!(matches!(unknown, Err(AiError::Malformed(_))));
    let no_score = insight(&json!({ "intent": "buying" }));
    assert!(matches!(no_score, Err(AiError::Malformed(_))));
    assert!(matches!(
        insight(&json!("buying")),
        Err(AiError::Malformed(_))
    ));
}

#[test]
fn a_draft_body_is_trimmed_and_cut_at_1600_characters() {
    let draft =
        draft(&json!({ "body": "  Hello!  ", "handoff": null, "confidence": 80.4 })).unwrap();
    assert_eq!(
        draft,
        Draft {
            body: "Hello!".into(),
            handoff: None,
            confidence: 80
        }
    );
    let long = "word ".repeat(400);
    let cut = super::draft(&json!({ "body": long, "confidence": 90 })).unwrap();
    assert!(cut.body.chars().count() <= 1600 && cut.body.ends_with("word"));
}

#[test]
fn an_empty_body_needs_a_handoff_and_the_handoff_must_be_known() {
    let empty = draft(&json!({ "body": " ", "handoff": null, "confidence": 90 }));
    assert!(matches!(empty, Err(AiError::Malformed(_))));
    let handed =
        draft(&json!({ "body": "", "handoff": "asked_for_person", "confidence": 90 })).unwrap();
    assert_eq!(handed.handoff, Some(Handoff::AskedForPerson));
    let unknown = draft(&json!({ "body": "Hi", "handoff": "lunch" }));
    assert!(matches!(unknown, Err(AiError::Malformed(_))));
}

#[test]
fn a_plain_text_answer_is_a_reply_but_not_an_insight() {
    let raw = Raw {
        answer: Answer::Text("We open at 9.".into()),
        model: "m".into(),
        tokens_in: 3,
        tokens_out: 4,
    };
    assert!(matches!(raw.clone().insight(), Err(AiError::Malformed(_))));
    let draft = raw.draft(64).unwrap();
    assert_eq!(
        (
            draft.value.body.as_str(),
            draft.value.confidence,
            draft.tokens_out
        ),
        ("We open at 9.", 64, 4)
    );
}
