use super::*;
use crate::model::{ConsentLevel, ConsentMedium};
use chrono::DateTime;
use proptest::prelude::*;

fn event(seq: i64, family: ChannelFamily, grant: Option<ConsentLevel>) -> ConsentEventView {
    ConsentEventView {
        seq,
        at: DateTime::from_timestamp(1_800_000_000 + seq * 60, 0).unwrap(),
        phone: "+13125550100".into(),
        family,
        level: grant,
        categories: grant.map_or_else(|| MessageCategory::ALL.to_vec(), ConsentLevel::covers),
        medium: ConsentMedium::SmsKeyword,
        language: None,
        language_sha256: None,
        campaign: None,
        ip: None,
        user_agent: None,
        person_name: None,
        captured_by: None,
        source_ref: None,
        hash: String::new(),
        prev_hash: None,
    }
}

fn cell(cells: &[ConsentCell], family: ChannelFamily, category: MessageCategory) -> &ConsentCell {
    cells
        .iter()
        .find(|c| c.family == family && c.category == category)
        .unwrap()
}

fn family() -> impl Strategy<Value = ChannelFamily> {
    proptest::sample::select(ChannelFamily::ALL.to_vec())
}

fn grant() -> impl Strategy<Value = Option<ConsentLevel>> {
    proptest::option::of(proptest::sample::select(vec![
        ConsentLevel::Implied,
        ConsentLevel::Express,
        ConsentLevel::ExpressWritten,
    ]))
}

fn history() -> impl Strategy<Value = Vec<ConsentEventView>> {
    proptest::collection::vec((family(), grant()), 0..12).prop_map(|events| {
        events
            .into_iter()
            .enumerate()
            .map(|(i, (f, g))| event(i as i64 + 1, f, g))
            .collect()
    })
}

#[test]
fn a_number_with_no_events_may_be_sent_nothing_unasked() {
    let cells = state(&[]);
    assert_eq!(
        cells.len(),
        ChannelFamily::ALL.len() * MessageCategory::ALL.len()
    );
    assert!(cells.iter().all(|c| !c.allowed));
}

#[test]
fn a_stop_on_texts_leaves_calls_as_they_were() {
    let events = [
        event(1, ChannelFamily::Texts, Some(ConsentLevel::ExpressWritten)),
        event(2, ChannelFamily::Calls, Some(ConsentLevel::Express)),
        event(3, ChannelFamily::Texts, None),
    ];
    let cells = state(&events);
    let texts = cell(&cells, ChannelFamily::Texts, MessageCategory::Informational);
    assert!(!texts.allowed);
    assert!(
        texts.why.starts_with("Opted out (sms keyword, "),
        "{}",
        texts.why
    );
    assert!(cell(&cells, ChannelFamily::Calls, MessageCategory::Informational).allowed);
    assert!(!cell(&cells, ChannelFamily::Calls, MessageCategory::Promotional).allowed);
}

proptest! {
    #[test]
    fn every_family_and_category_has_exactly_one_cell(events in history()) {
        let cells = state(&events);
        prop_assert_eq!(cells.len(), ChannelFamily::ALL.len() * MessageCategory::ALL.len());
        for family in ChannelFamily::ALL {
            for category in MessageCategory::ALL {
                prop_assert_eq!(
                    cells.iter().filter(|c| c.family == *family && c.category == *category).count(),
                    1
                );
            }
        }
    }

    #[test]
    fn an_event_in_one_family_never_changes_another(
        events in history(),
        to in family(),
        grant in grant(),
    ) {
        let before = state(&events);
        let mut more = events.clone();
        more.push(event(events.len() as i64 + 1, to, grant));
        let after = state(&more);
        for (b, a) in before.iter().zip(&after).filter(|(b, _)| b.family != to) {
            prop_assert_eq!(b, a);
        }
    }

    #[test]
    fn the_latest_event_of_a_family_decides_it(
        events in history(),
        to in family(),
        grant in grant(),
    ) {
        let mut events = events;
        events.push(event(events.len() as i64 + 1, to, grant));
        let cells = state(&events);
        for category in MessageCategory::ALL {
            let c = cell(&cells, to, *category);
            match grant {
                None => {
                    prop_assert!(!c.allowed);
                    prop_assert!(c.why.starts_with("Opted out"), "{}", c.why);
                }
                Some(level) if ConsentLevel::required(*category) <= level => {
                    prop_assert!(c.allowed, "{:?} {:?}", category, level);
                }
                // A weaker grant covers fewer categories: an earlier event may still decide
                // those, but never allows them after an opt-out.
                Some(_) => {}
            }
        }
    }
}
