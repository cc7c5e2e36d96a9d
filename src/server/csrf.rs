//! Refuses cross-site state-changing requests (server functions included).
//!
//! Browsers label every request with `Sec-Fetch-Site` and POSTs with `Origin`; a request
//! that says it comes from another site is refused. A request with neither header did not
//! come from a browser page, so no ambient cookie can be abused and it passes. Carrier
//! webhooks (`/hooks/…`) are authenticated by their signatures instead.

use super::AppState;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || request.uri().path().starts_with("/hooks/") {
        return next.run(request).await;
    }
    if is_cross_site(request.headers(), &state.config.public_base_url) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap, public_base_url: &str) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match text("origin") {
        None => false,
        Some(origin) => {
            let host = text("host").unwrap_or_default();
            let same_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .is_some_and(|authority| !host.is_empty() && authority == host);
            !(same_host || origin == public_base_url)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    const BASE: &str = "https://desk.example.com";

    #[test]
    fn same_origin_fetch_metadata_passes() {
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            BASE
        ));
    }

    #[test]
    fn cross_and_same_site_fetch_metadata_is_refused() {
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            BASE
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            BASE
        ));
    }

    #[test]
    fn origin_must_match_host_or_public_url() {
        let ok = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_cross_site(&ok, BASE));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://desk.example.com")]),
            BASE
        ));
        let evil = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site(&evil, BASE));
        assert!(is_cross_site(&headers(&[("origin", "null")]), BASE));
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert!(!is_cross_site(&HeaderMap::new(), BASE));
    }
}
