use axum::extract::ConnectInfo;
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when
/// the app is configured to sit behind a trusted proxy.
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}
