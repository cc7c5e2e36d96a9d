//! The front end's files, as `scripts/build-site` lays them out: every build in
//! `<site root>/pkg/<build id>/`, named in `<site root>/build-id`. A build's address changes
//! with its content, so its files are cached by browsers for a year; each has a brotli and a
//! gzip copy made at build time, sent to browsers that accept them. A site without a build
//! id (`cargo leptos watch` in `scripts/dev`) is served from `pkg/` and revalidated.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use leptos::config::LeptosOptions;
use std::path::Path;
use tower_http::services::ServeDir;

/// Where the browser finds this build's files, relative to the site root.
pub const PKG: &str = "pkg";

/// Points Leptos's hydration scripts at the current build, when there is one.
pub fn use_current_build(options: &mut LeptosOptions) -> Option<String> {
    let id = current_build(Path::new(options.site_root.as_ref()))?;
    options.site_pkg_dir = format!("{PKG}/{id}").into();
    Some(id)
}

fn current_build(site_root: &Path) -> Option<String> {
    let id = std::fs::read_to_string(site_root.join("build-id")).ok()?;
    let id = id.trim();
    // Only what build-site writes: it becomes part of every page's script addresses.
    (!id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| id.to_string())
}

/// `/pkg/…`, served from the site root's `pkg` folder.
pub fn routes<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = Path::new(options.site_root.as_ref()).join(PKG);
    Router::new().nest_service(
        &format!("/{PKG}"),
        Router::new()
            .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
            .layer(middleware::from_fn(cache_headers)),
    )
}

async fn cache_headers(request: Request, next: Next) -> Response {
    // Inside the nested router the path no longer starts with /pkg: "/<build id>/file".
    let versioned = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split_once('/')
        .is_some_and(|(dir, _)| !dir.is_empty());
    let mut response = next.run(request).await;
    let cache = if response.status() != StatusCode::OK {
        "no-store"
    } else if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if versioned {
        // Never revalidated, never fetched in parts: these only cost bytes on each of the
        // many chunks of a first visit.
        headers.remove(header::LAST_MODIFIED);
        headers.remove(header::ACCEPT_RANGES);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_build_id_is_used() {
        let dir = std::env::temp_dir().join(format!("consentdesk-assets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(current_build(&dir), None);
        std::fs::write(dir.join("build-id"), "0123abcd\n").unwrap();
        assert_eq!(current_build(&dir).as_deref(), Some("0123abcd"));
        std::fs::write(dir.join("build-id"), "../../etc\n").unwrap();
        assert_eq!(current_build(&dir), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
