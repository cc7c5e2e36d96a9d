//! Query strings for links the UI builds (pagination, export), and which carrier API
//! addresses the server may hand a carrier's secret to.

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

/// A carrier API base URL the worker may send the organisation's auth token to: Twilio's
/// API or a SignalWire space, over https, with nothing but the host (no user, port or
/// path tricks). Anything else needs the server's `ALLOW_CUSTOM_CARRIER_URLS`.
pub fn is_known_carrier_api(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.trim_end_matches('/');
    let label = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    host == "api.twilio.com" || host.strip_suffix(".signalwire.com").is_some_and(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved_characters() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn only_the_carriers_own_https_hosts_are_known() {
        for good in [
            "https://api.twilio.com",
            "https://api.twilio.com/",
            "https://example-space.signalwire.com",
        ] {
            assert!(is_known_carrier_api(good), "{good}");
        }
        for bad in [
            "http://api.twilio.com",
            "https://api.twilio.com.evil.example",
            "https://evil.example/api.twilio.com",
            "https://api.twilio.com@evil.example",
            "https://api.twilio.com:8443",
            "https://a.b.signalwire.com",
            "https://signalwire.com",
            "https://evil.example?.signalwire.com",
            "https://127.0.0.1:9000",
            "",
        ] {
            assert!(!is_known_carrier_api(bad), "{bad}");
        }
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
