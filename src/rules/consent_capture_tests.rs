use super::*;
use proptest::prelude::*;

const WORDING: &str = "I agree to receive appointment reminders by text.";

fn wording(category: MessageCategory, sha256: &str) -> ConsentWording {
    ConsentWording {
        category,
        text: format!("{category:?} wording"),
        sha256: sha256.into(),
        customised: false,
    }
}

fn current() -> Vec<ConsentWording> {
    vec![
        wording(MessageCategory::Informational, "aa11"),
        wording(MessageCategory::Promotional, "bb22"),
    ]
}

fn grant<'a>(level: &'a str, medium: &'a str) -> StaffGrant<'a> {
    StaffGrant {
        level,
        medium,
        language: Some(WORDING),
    }
}

#[test]
fn a_signed_form_can_be_written_consent() {
    assert_eq!(
        check_staff_grant(&grant("express_written", "paper_form")),
        Ok((ConsentLevel::ExpressWritten, ConsentMedium::PaperForm))
    );
}

#[test]
fn a_spoken_agreement_is_never_written_consent() {
    for medium in ["verbal_call", "in_person"] {
        assert_eq!(
            check_staff_grant(&grant("express_written", medium)),
            Err(vec![("level", SPOKEN_IS_NOT_WRITTEN)])
        );
        assert!(check_staff_grant(&grant("express", medium)).is_ok());
    }
}

#[test]
fn staff_cannot_record_implied_consent_or_a_self_recording_medium() {
    assert_eq!(
        check_staff_grant(&grant("implied", "web_form")),
        Err(vec![
            ("level", CHOOSE_LEVEL),
            ("medium", CHOOSE_GRANT_MEDIUM)
        ])
    );
}

#[test]
fn a_grant_without_its_wording_is_refused() {
    let mut facts = grant("express", "email");
    facts.language = Some("I agree");
    assert_eq!(
        check_staff_grant(&facts),
        Err(vec![("language", WRITE_THE_WORDING)])
    );
    facts.language = None;
    assert!(check_staff_grant(&facts).is_err());
}

#[test]
fn a_ticked_box_with_the_current_wording_is_recorded() {
    let input = PublicConsentInput {
        promotional: Some("yes".into()),
        promotional_sha256: " bb22 ".into(),
        informational_sha256: "aa11".into(),
        ..PublicConsentInput::default()
    };
    let chosen = form_choice(&form_boxes(&input), &current()).unwrap();
    assert_eq!(chosen, vec![current()[1].clone()]);
}

#[test]
fn a_wording_changed_since_the_page_was_shown_records_nothing() {
    let input = PublicConsentInput {
        informational: Some("yes".into()),
        informational_sha256: "aa11".into(),
        promotional: Some("yes".into()),
        promotional_sha256: "old".into(),
        ..PublicConsentInput::default()
    };
    assert_eq!(
        form_choice(&form_boxes(&input), &current()),
        Err(FormRefusal::WordingChanged(vec![
            MessageCategory::Promotional
        ]))
    );
}

#[test]
fn ticking_nothing_records_nothing() {
    let input = PublicConsentInput {
        informational_sha256: "aa11".into(),
        promotional_sha256: "bb22".into(),
        ..PublicConsentInput::default()
    };
    assert_eq!(
        form_choice(&form_boxes(&input), &current()),
        Err(FormRefusal::NothingTicked)
    );
}

fn staff_level() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("express".to_string()),
        Just("express_written".to_string()),
        Just("implied".to_string()),
        "\\PC{0,12}",
    ]
}

fn medium() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(ConsentMedium::ALL.to_vec()).prop_map(|m| m.as_str().to_string()),
        "\\PC{0,12}",
    ]
}

fn form_box() -> impl Strategy<Value = (bool, bool)> {
    (any::<bool>(), any::<bool>())
}

proptest! {
    #[test]
    fn no_grant_spoken_aloud_is_ever_written_consent(
        level in staff_level(),
        medium in medium(),
        language in proptest::option::of("\\PC{0,40}"),
    ) {
        let facts = StaffGrant { level: &level, medium: &medium, language: language.as_deref() };
        if let Ok((level, medium)) = check_staff_grant(&facts) {
            prop_assert!(ConsentMedium::STAFF.contains(&medium));
            prop_assert!(level != ConsentLevel::Implied);
            prop_assert!(!(level == ConsentLevel::ExpressWritten
                && matches!(medium, ConsentMedium::VerbalCall | ConsentMedium::InPerson)));
        }
    }

    /// Per box: whether it was ticked, and whether the wording it showed is current.
    #[test]
    fn only_ticked_boxes_showing_the_current_wording_are_ever_recorded(
        informational in form_box(),
        promotional in form_box(),
    ) {
        let sha = |category: usize, current: bool| {
            if current { current_sha(category) } else { "stale".to_string() }
        };
        fn current_sha(category: usize) -> String {
            ["aa11", "bb22"][category].to_string()
        }
        let input = PublicConsentInput {
            informational: informational.0.then(|| "yes".into()),
            informational_sha256: sha(0, informational.1),
            promotional: promotional.0.then(|| "yes".into()),
            promotional_sha256: sha(1, promotional.1),
            ..PublicConsentInput::default()
        };
        let boxes = [informational, promotional];
        match form_choice(&form_boxes(&input), &current()) {
            Ok(chosen) => {
                prop_assert!(!chosen.is_empty());
                for (i, (ticked, fresh)) in boxes.iter().enumerate() {
                    let recorded = chosen.contains(&current()[i]);
                    prop_assert_eq!(recorded, *ticked && *fresh);
                }
            }
            Err(FormRefusal::WordingChanged(stale)) => {
                prop_assert!(!stale.is_empty());
                for (i, (ticked, fresh)) in boxes.iter().enumerate() {
                    prop_assert_eq!(stale.contains(&current()[i].category), *ticked && !*fresh);
                }
            }
            Err(FormRefusal::NothingTicked) => {
                prop_assert!(boxes.iter().all(|(ticked, _)| !ticked));
            }
        }
    }
}
