use super::*;

#[test]
fn only_lists_without_a_search_are_prepared_statements() {
    let with = |q: &str, status: &str| {
        LeadFilter::parse(&LeadQuery {
            q: q.into(),
            status: status.into(),
            ..LeadQuery::default()
        })
    };
    assert!(with("", "").may_prepare(), "the first page");
    assert!(
        with("", "qualified").may_prepare(),
        "a filter without search"
    );
    for q in ["garcia", "312200", "1HGCM82633A004352", "ana@example.com"] {
        assert!(
            !with(q, "").may_prepare(),
            "{q}: planned with the typed text"
        );
    }
}

#[test]
fn digits_in_any_format_search_the_phone() {
    for input in ["(415) 555-01", "415.555", "+1 415", "555 0100"] {
        assert!(
            matches!(classify(input), Some(Search::PhoneDigits(_))),
            "{input}"
        );
    }
    assert_eq!(
        classify("(415) 555-0100"),
        Some(Search::PhoneDigits("4155550100".into()))
    );
    assert_eq!(
        classify("020 7946 0958"),
        Some(Search::PhoneDigits("2079460958".into())),
        "the national trunk 0 is not part of +44 20 7946 0958"
    );
    assert_eq!(
        classify("0958"),
        Some(Search::PhoneDigits("0958".into())),
        "a short fragment keeps its zero"
    );
}

fn words(list: &[&str], anywhere: &str) -> Option<Search> {
    Some(Search::Words {
        words: list.iter().map(|w| w.to_string()).collect(),
        anywhere: anywhere.into(),
    })
}

#[test]
fn words_search_names_and_emails() {
    assert_eq!(
        classify("  Ana López "),
        words(&["ana", "lópez"], "ana lópez")
    );
    assert_eq!(
        classify("maria.garcia12@example"),
        words(&["maria", "garcia12", "example"], "maria.garcia12@example")
    );
    assert_eq!(
        classify("12"),
        words(&["12"], "12"),
        "too few digits for a phone search"
    );
}

#[test]
fn query_syntax_typed_in_the_box_is_only_a_separator() {
    let Some(Search::Words { words, .. }) = classify("o'brien & !(x:* | y)") else {
        panic!("a word search");
    };
    assert_eq!(Search::tsquery(&words), "o:* & brien:* & x:* & y:*");
}

#[test]
fn punctuation_alone_searches_anywhere() {
    assert_eq!(classify("@_%"), Some(Search::Anywhere("@\\_\\%".into())));
}

#[test]
fn a_word_search_loosens_to_a_search_anywhere() {
    let filter = LeadFilter {
        search: classify("arci"),
        status: Some(LeadStatus::New),
        ..Default::default()
    };
    let loose = filter.loosened().unwrap();
    assert_eq!(loose.search, Some(Search::Anywhere("arci".into())));
    assert_eq!(loose.status, Some(LeadStatus::New));
    assert_eq!(loose.loosened(), None);
}

#[test]
fn a_whole_vin_searches_vehicles() {
    assert_eq!(
        classify("1hgcm82633a004352"),
        Some(Search::Vin("1HGCM82633A004352".into()))
    );
}

#[test]
fn wildcards_are_escaped() {
    assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
}

#[test]
fn blank_search_is_no_search() {
    assert_eq!(classify("   "), None);
}

#[test]
fn cursors_round_trip() {
    let id = Uuid::from_u128(0x5eed);
    let at = DateTime::from_timestamp_micros(1_800_000_000_123_456).unwrap();
    for key in [
        CursorKey::Time(at),
        CursorKey::Name("o'brien~jr".into()),
        CursorKey::Score(Some(0)),
        CursorKey::Score(Some(100)),
        CursorKey::Score(None),
    ] {
        let cursor = Cursor { key, id };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
    }
}

#[test]
fn garbage_cursors_and_filters_are_ignored() {
    let query = LeadQuery {
        cursor: "x123~nope".into(),
        status: "bogus".into(),
        sort: "sideways".into(),
        assigned: "someone".into(),
        score: "lots".into(),
        ..Default::default()
    };
    assert_eq!(LeadFilter::parse(&query), LeadFilter::default());
}

#[test]
fn a_cursor_from_another_order_is_dropped() {
    let cursor = Cursor {
        key: CursorKey::Name("ana".into()),
        id: Uuid::from_u128(0x5eed),
    }
    .encode();
    let query = LeadQuery {
        cursor,
        sort: "newest".into(),
        ..Default::default()
    };
    assert_eq!(LeadFilter::parse(&query).cursor, None);
}

#[test]
fn filters_parse_when_valid() {
    let id = Uuid::from_u128(0x5eed);
    let query = LeadQuery {
        status: "qualified".into(),
        source: "sms".into(),
        assigned: id.to_string(),
        tag: "Trade-In".into(),
        sort: "name".into(),
        ..Default::default()
    };
    let filter = LeadFilter::parse(&query);
    assert_eq!(filter.status, Some(LeadStatus::Qualified));
    assert_eq!(filter.source, Some(LeadSource::Sms));
    assert_eq!(filter.assigned, Some(Assigned::User(id)));
    assert_eq!(filter.tag.as_deref(), Some("trade-in"));
    assert_eq!(filter.sort, Sort::Name);
}

#[test]
fn a_score_cursor_keeps_a_missing_score_apart_from_zero() {
    let id = Uuid::from_u128(0x5eed);
    let none = Cursor {
        key: CursorKey::Score(None),
        id,
    };
    let zero = Cursor {
        key: CursorKey::Score(Some(0)),
        id,
    };
    assert_ne!(none.encode(), zero.encode());
    assert_eq!(Cursor::decode(&none.encode()), Some(none));
}

#[test]
fn a_score_cursor_out_of_range_is_garbage() {
    for text in [
        "s101~00000000-0000-0000-0000-000000005eed",
        "s-1~x",
        "sabc~x",
    ] {
        assert_eq!(Cursor::decode(text), None, "{text}");
    }
}

#[test]
fn the_score_sort_keeps_only_its_own_cursor() {
    let id = Uuid::from_u128(0x5eed);
    let by_score = |cursor: &Cursor, sort: &str| {
        LeadFilter::parse(&LeadQuery {
            cursor: cursor.encode(),
            sort: sort.into(),
            ..Default::default()
        })
        .cursor
    };
    let score = Cursor {
        key: CursorKey::Score(Some(70)),
        id,
    };
    let name = Cursor {
        key: CursorKey::Name("ana".into()),
        id,
    };
    assert_eq!(by_score(&score, "score"), Some(score.clone()));
    assert_eq!(by_score(&score, "newest"), None);
    assert_eq!(by_score(&name, "score"), None);
}

#[test]
fn score_at_least_reads_a_score_from_0_to_100_and_ignores_the_rest() {
    let floor = |score: &str| {
        LeadFilter::parse(&LeadQuery {
            score: score.into(),
            ..Default::default()
        })
        .min_score
    };
    assert_eq!(floor("70"), Some(70));
    assert_eq!(floor(" 0 "), Some(0));
    assert_eq!(floor("100"), Some(100));
    for ignored in ["", "101", "-5", "high", "7.5"] {
        assert_eq!(floor(ignored), None, "{ignored:?}");
    }
}
