//! The lead list's filters, read leniently from the URL: a value that does not parse is
//! ignored rather than refused, so a hand-edited link still shows a list.

use crate::model::{LeadQuery, LeadSource, LeadStatus};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Counting stops here ("1,000+ leads"): exact counts of big result sets cost more than
/// the page itself and tell a person nothing more (BENCHMARKS.md).
pub const COUNT_LIMIT: i64 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Words typed, each matched as the start of a word of the name or e-mail, in any
    /// order ("ana lo" finds "López, Ana"). `anywhere` is the fallback when none match.
    Words {
        words: Vec<String>,
        anywhere: String,
    },
    /// Lower-cased, LIKE-escaped text matched anywhere inside name and e-mail.
    Anywhere(String),
    /// Three or more digits typed in any format, matched inside the E.164 phone.
    PhoneDigits(String),
    /// A whole VIN, matched against both vehicles.
    Vin(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    Me,
    Unassigned,
    User(Uuid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Updated,
    Name,
}

impl Sort {
    pub const ALL: [(Sort, &'static str, &'static str); 4] = [
        (Sort::Newest, "newest", "Newest first"),
        (Sort::Oldest, "oldest", "Oldest first"),
        (Sort::Updated, "updated", "Recently updated"),
        (Sort::Name, "name", "Name A–Z"),
    ];

    fn parse(value: &str) -> Sort {
        Sort::ALL
            .iter()
            .find(|(_, key, _)| *key == value)
            .map_or(Sort::Newest, |(sort, _, _)| *sort)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    Time(DateTime<Utc>),
    Name(String),
}

/// Where the next page starts: the sort key and id of the last row shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: CursorKey,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        match &self.key {
            CursorKey::Time(at) => format!("t{}~{}", at.timestamp_micros(), self.id),
            CursorKey::Name(name) => format!("n{name}~{}", self.id),
        }
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let (key, id) = text.rsplit_once('~')?;
        let id = id.parse().ok()?;
        let key = match key.split_at_checked(1)? {
            ("t", micros) => {
                CursorKey::Time(DateTime::from_timestamp_micros(micros.parse().ok()?)?)
            }
            ("n", name) => CursorKey::Name(name.to_string()),
            _ => return None,
        };
        Some(Cursor { key, id })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeadFilter {
    pub search: Option<Search>,
    pub status: Option<LeadStatus>,
    pub source: Option<LeadSource>,
    pub assigned: Option<Assigned>,
    pub tag: Option<String>,
    pub sort: Sort,
    pub cursor: Option<Cursor>,
}

impl LeadFilter {
    /// Whether the list's query may be a statement PostgreSQL prepares once per connection
    /// and keeps (one round trip a page instead of two). Not with a search: a kept statement
    /// soon gets a generic plan, which cannot use the trigram indexes for `LIKE $1`, so a
    /// search is planned afresh with the typed text each time.
    pub fn may_prepare(&self) -> bool {
        self.search.is_none()
    }

    pub fn parse(query: &LeadQuery) -> LeadFilter {
        let given = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_string);
        let sort = given(&query.sort).map_or(Sort::Newest, |s| Sort::parse(&s));
        let cursor = given(&query.cursor)
            .and_then(|c| Cursor::decode(&c))
            .filter(|c| {
                // A cursor only makes sense for the order it was made in.
                matches!(
                    (&c.key, sort),
                    (CursorKey::Name(_), Sort::Name)
                        | (
                            CursorKey::Time(_),
                            Sort::Newest | Sort::Oldest | Sort::Updated
                        )
                )
            });
        LeadFilter {
            search: given(&query.q).and_then(|q| classify(&q)),
            status: given(&query.status).and_then(|s| s.parse().ok()),
            source: given(&query.source).and_then(|s| s.parse().ok()),
            assigned: given(&query.assigned).and_then(|a| match a.as_str() {
                "me" => Some(Assigned::Me),
                "unassigned" => Some(Assigned::Unassigned),
                other => other.parse().ok().map(Assigned::User),
            }),
            tag: given(&query.tag).map(|t| t.to_lowercase()),
            sort,
            cursor,
        }
    }
}

/// Decides what a search box entry means.
pub fn classify(input: &str) -> Option<Search> {
    let input = input.trim();
    if input.is_empty() {
        return None;
    }
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if compact.len() == 17 && crate::model::Vin::parse(&compact).is_ok() {
        return Some(Search::Vin(compact));
    }
    let has_letters = input.chars().any(char::is_alphabetic);
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if !has_letters && digits.len() >= 3 {
        // A whole national number ("020 7946 0958") starts with a trunk 0 that E.164 drops.
        let digits = match digits.strip_prefix('0') {
            Some(rest) if digits.len() >= 9 => rest.to_string(),
            _ => digits,
        };
        return Some(Search::PhoneDigits(digits));
    }
    let anywhere = like_escape(&input.to_lowercase());
    let words: Vec<String> = input
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    Some(if words.is_empty() {
        Search::Anywhere(anywhere)
    } else {
        Search::Words { words, anywhere }
    })
}

impl Search {
    /// The full-text query of a word search: every word as a prefix, all required. Words
    /// hold letters and digits only, so nothing typed can reach the query syntax.
    pub fn tsquery(words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

impl LeadFilter {
    /// The same filter searching anywhere inside names and e-mails, when a word search
    /// found nothing: "arci" still finds "Garcia".
    pub fn loosened(&self) -> Option<LeadFilter> {
        match &self.search {
            Some(Search::Words { anywhere, .. }) => Some(LeadFilter {
                search: Some(Search::Anywhere(anywhere.clone())),
                ..self.clone()
            }),
            _ => None,
        }
    }
}

/// Escapes LIKE's wildcards so that "50%" searches for "50%".
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
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
        for key in [CursorKey::Time(at), CursorKey::Name("o'brien~jr".into())] {
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
}
