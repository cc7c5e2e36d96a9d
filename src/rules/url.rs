//! Query strings for links the UI builds (pagination, export), and which carrier API
//! addresses the server may hand a carrier's secret to.

use serde::{de::DeserializeOwned, Serialize};

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

/// A list's query (`LeadQuery`, `InboxQuery`…) as `a=1&b=2`: its non-empty parameters in
/// field order, with `cursor` in place of the query's own cursor (or none: the first page).
/// The one way the UI builds a list's links (pages, export).
pub fn query_string<Q: Serialize>(query: &Q, cursor: Option<&str>) -> String {
    // A struct of strings always serializes; an empty string would only drop the filters.
    let encoded = serde_qs::to_string(query).unwrap_or_default();
    encoded
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.ends_with('=') && !pair.starts_with("cursor="))
        .map(str::to_string)
        .chain(
            cursor
                .filter(|c| !c.is_empty())
                .map(|c| format!("cursor={}", encode(c))),
        )
        .collect::<Vec<_>>()
        .join("&")
}

/// A list's query read from the URL's `?a=1&b=2`, leniently, as a hand-edited link should
/// be: unknown parameters are ignored, missing ones are empty, and a malformed query is
/// the unfiltered list rather than an error.
pub fn parse_query<Q: DeserializeOwned + Default>(search: &str) -> Q {
    serde_qs::from_str(search.trim_start_matches('?')).unwrap_or_default()
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

/// An address a form names (a carrier's or an AI provider's API, the public base URL):
/// trimmed, without a trailing slash, `http://` or `https://` and a host, no spaces. `None`
/// when left empty.
pub fn web_address(value: &str) -> Result<Option<String>, &'static str> {
    let value = value.trim().trim_end_matches('/');
    if value.is_empty() {
        return Ok(None);
    }
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or_default();
    if host.is_empty() || value.contains(char::is_whitespace) {
        return Err("Enter a full address starting with https://");
    }
    Ok(Some(value.to_string()))
}

/// Meta's Graph API (`https://graph.facebook.com/v21.0`): the only host a WhatsApp access
/// token goes to unless the server allows others.
pub fn is_known_whatsapp_api(url: &str) -> bool {
    url.strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|host| host == "graph.facebook.com")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuditQuery, LeadQuery};

    #[test]
    fn a_web_address_needs_a_scheme_and_a_host_and_loses_its_trailing_slash() {
        assert_eq!(
            web_address(" https://api.example.com/v1/ "),
            Ok(Some("https://api.example.com/v1".into()))
        );
        assert_eq!(web_address(""), Ok(None));
        assert!(web_address("api.example.com").is_err());
        assert!(web_address("https://").is_err());
        assert!(web_address("https://exa mple.com").is_err());
        assert!(web_address("ftp://example.com").is_err());
    }

    #[test]
    fn a_whatsapp_token_goes_to_meta_only() {
        assert!(is_known_whatsapp_api("https://graph.facebook.com/v21.0"));
        assert!(!is_known_whatsapp_api("http://graph.facebook.com/v21.0"));
        assert!(!is_known_whatsapp_api(
            "https://graph.facebook.com.evil.example/v21.0"
        ));
        assert!(!is_known_whatsapp_api(
            "https://evil.example/graph.facebook.com"
        ));
    }

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
    fn a_query_string_keeps_the_filled_filters_in_order_and_swaps_the_cursor() {
        let query = LeadQuery {
            q: "ana lo & co".into(),
            status: "new".into(),
            cursor: "old".into(),
            ..LeadQuery::default()
        };
        assert_eq!(query_string(&query, None), "q=ana+lo+%26+co&status=new");
        assert_eq!(
            query_string(&query, Some("t1~x/1")),
            "q=ana+lo+%26+co&status=new&cursor=t1~x%2F1"
        );
        assert_eq!(query_string(&LeadQuery::default(), None), "");
    }

    #[test]
    fn a_query_string_reads_back_as_the_same_query() {
        let query = AuditQuery {
            user: "0b9e…".into(),
            action: "consent.".into(),
            from: "2026-11-01".into(),
            cursor: "c".into(),
            ..AuditQuery::default()
        };
        let read: AuditQuery = parse_query(&format!("?{}", query_string(&query, Some("c"))));
        assert_eq!(read, query);
    }

    #[test]
    fn a_hand_edited_query_is_read_leniently() {
        let read: LeadQuery = parse_query("status=won&utm_source=mail&q=a+b");
        assert_eq!((read.status.as_str(), read.q.as_str()), ("won", "a b"));
        for broken in ["status[x]=1", "q=1&q=2"] {
            let read: LeadQuery = parse_query(broken);
            assert_eq!(read, LeadQuery::default(), "{broken}");
        }
    }
}
