//! Query strings for links the UI builds (pagination, export).

use crate::model::LeadQuery;

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The query's non-empty parameters as `a=1&b=2`, optionally with another cursor.
pub fn lead_query_string(query: &LeadQuery, cursor: Option<&str>) -> String {
    let pairs = [
        ("q", query.q.as_str()),
        ("status", &query.status),
        ("source", &query.source),
        ("assigned", &query.assigned),
        ("tag", &query.tag),
        ("sort", &query.sort),
        ("cursor", cursor.unwrap_or_default()),
    ];
    pairs
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved_characters() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn builds_a_query_string_from_the_filled_parameters() {
        let query = LeadQuery {
            q: "ana d".into(),
            cursor: "old".into(),
            ..Default::default()
        };
        assert_eq!(
            lead_query_string(&query, Some("t1~x")),
            "q=ana%20d&cursor=t1~x"
        );
        assert_eq!(lead_query_string(&query, None), "q=ana%20d");
    }
}
