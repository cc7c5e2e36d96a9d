//! The client's address, as written into audit and consent evidence.
//!
//! Behind `n` proxies of ours, `X-Forwarded-For` ends with the addresses those proxies
//! added, the outermost one's last but `n - 1`; whatever stands to its left was sent by the
//! client and proves nothing. So the client is the `n`-th entry from the right. Several
//! `X-Forwarded-For` headers read as one list, in order.

use axum::extract::ConnectInfo;
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

pub fn client_ip(parts: &Parts, trusted_proxies: usize) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if trusted_proxies == 0 {
        return peer;
    }
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    forwarded_client(&forwarded, trusted_proxies).or(peer)
}

/// The `n`-th address from the right, when it is an address.
fn forwarded_client(hops: &[&str], n: usize) -> Option<IpAddr> {
    let index = hops.len().checked_sub(n)?;
    hops[index].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(forwarded: &[&str], peer: &str) -> Parts {
        let mut builder = http::Request::builder();
        for value in forwarded {
            builder = builder.header("x-forwarded-for", *value);
        }
        let (mut parts, _) = builder.body(()).unwrap().into_parts();
        parts.extensions.insert(ConnectInfo::<SocketAddr>(
            format!("{peer}:4000").parse().unwrap(),
        ));
        parts
    }

    #[test]
    fn without_a_proxy_the_header_is_ignored() {
        let parts = request(&["203.0.113.9"], "198.51.100.1");
        assert_eq!(client_ip(&parts, 0), "198.51.100.1".parse().ok());
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_sending_the_header_itself() {
        // The client sent "1.2.3.4"; our proxy appended the address it saw.
        let parts = request(&["1.2.3.4, 203.0.113.9"], "10.0.0.2");
        assert_eq!(client_ip(&parts, 1), "203.0.113.9".parse().ok());
    }

    #[test]
    fn behind_two_proxies_the_second_entry_from_the_right_is_the_client() {
        let parts = request(&["1.2.3.4", "203.0.113.9, 10.0.0.7"], "10.0.0.2");
        assert_eq!(client_ip(&parts, 2), "203.0.113.9".parse().ok());
    }

    #[test]
    fn a_missing_or_short_or_garbled_header_falls_back_to_the_peer() {
        for forwarded in [&[][..], &["not-an-address"], &["203.0.113.9"]] {
            let parts = request(forwarded, "10.0.0.2");
            let n = if forwarded.len() == 1 && forwarded[0] == "203.0.113.9" {
                2
            } else {
                1
            };
            assert_eq!(
                client_ip(&parts, n),
                "10.0.0.2".parse().ok(),
                "{forwarded:?}"
            );
        }
    }
}
