//! Headers every response carries. Pages get a Content-Security-Policy that allows only
//! our own files and the inline scripts that carry this response's nonce (Leptos puts it
//! on its hydration scripts); anything else (JSON, downloads) gets one that allows
//! nothing. Nothing may frame us; personal data is never cached; over https, browsers are
//! told to stay on https.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of a rendered page, for the nonce Leptos gave its inline scripts.
pub fn page_policy(nonce: &str) -> String {
    // `cargo leptos watch` reloads pages over a websocket on another port.
    let live_reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        " ws: wss:"
    } else {
        ""
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{live_reload}; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// For everything that is not a page.
const NOTHING: &str = "default-src 'none'; frame-ancestors 'none'";

/// Files the browser may keep: the build's assets, which hold no personal data.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/favicon.ico" | "/robots.txt")
}

pub async fn add(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let cacheable = is_static_asset(path);
    // Scripts, wasm and styles of the build: never documents (an SVG can be one).
    let build_file = path.starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if build_file {
        // Framing and referrer rules mean nothing to them, and a page loads a hundred of
        // them on a first visit: every header is paid for a hundred times.
        return response;
    }
    set(headers, header::CONTENT_SECURITY_POLICY, NOTHING);
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    // Same-origin only: the no-JavaScript forms come back by the Referer, and a reset link's
    // token never reaches anyone else.
    set(headers, header::REFERRER_POLICY, "same-origin");
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.public_base_url.starts_with("https://") {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_allows_only_its_own_nonce_and_files() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn only_build_assets_are_cacheable() {
        assert!(is_static_asset("/pkg/consentdesk.wasm"));
        assert!(!is_static_asset("/leads"));
        assert!(!is_static_asset("/leads/export.csv"));
        assert!(!is_static_asset("/api/list_leads"));
    }
}
