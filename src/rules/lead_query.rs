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
    /// The assistant's score, highest first; leads it has not read yet come last.
    Score,
}

impl Sort {
    pub const ALL: [(Sort, &'static str, &'static str); 5] = [
        (Sort::Newest, "newest", "Newest first"),
        (Sort::Oldest, "oldest", "Oldest first"),
        (Sort::Updated, "updated", "Recently updated"),
        (Sort::Name, "name", "Name A–Z"),
        (Sort::Score, "score", "Score (highest first)"),
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
    /// None: the last row shown had no score, so only unscored leads follow.
    Score(Option<i16>),
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
            CursorKey::Score(Some(score)) => format!("s{score}~{}", self.id),
            CursorKey::Score(None) => format!("s~{}", self.id),
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
            ("s", "") => CursorKey::Score(None),
            ("s", score) => CursorKey::Score(Some(score.parse().ok().filter(valid_score)?)),
            _ => return None,
        };
        Some(Cursor { key, id })
    }
}

/// The "Score at least" choices of the list's filter (any score 0–100 in a link works).
pub const SCORE_FLOORS: [i16; 4] = [30, 50, 70, 90];

fn valid_score(score: &i16) -> bool {
    (0..=100).contains(score)
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeadFilter {
    pub search: Option<Search>,
    pub status: Option<LeadStatus>,
    pub source: Option<LeadSource>,
    pub assigned: Option<Assigned>,
    pub tag: Option<String>,
    /// Only leads the assistant scored at least this (so none it has not read yet).
    pub min_score: Option<i16>,
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
                        | (CursorKey::Score(_), Sort::Score)
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
            min_score: given(&query.score)
                .and_then(|s| s.parse().ok())
                .filter(valid_score),
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
#[path = "lead_query_tests.rs"]
mod tests;
