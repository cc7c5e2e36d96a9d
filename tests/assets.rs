//! The front end's files as `scripts/build-site` lays them out (`pkg/<build id>/`, with
//! brotli and gzip copies): cached for a year, compressed for browsers that accept it,
//! and pages compressed on the fly. Performed through the real HTTP surface.
#![cfg(feature = "ssr")]

mod common;

use common::spawn_app_serving;
use reqwest::{header, StatusCode};
use sqlx::PgPool;
use std::path::PathBuf;

const BUILD: &str = "0123456789abcdef";
const SCRIPT: &str = "export function hydrate() {} // the build's script";

/// A site folder with one build: a script, and its precompressed copies.
fn site() -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "consentdesk-site-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    let build = root.join("pkg").join(BUILD);
    std::fs::create_dir_all(&build).unwrap();
    std::fs::write(root.join("build-id"), format!("{BUILD}\n")).unwrap();
    std::fs::write(build.join("consentdesk.js"), SCRIPT).unwrap();
    // Not real brotli or gzip: the server only picks the copy the browser accepts.
    std::fs::write(build.join("consentdesk.js.br"), b"brotli copy").unwrap();
    std::fs::write(build.join("consentdesk.js.gz"), b"gzip copy").unwrap();
    std::fs::write(root.join("pkg").join("dev.js"), SCRIPT).unwrap();
    root
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[sqlx::test]
async fn a_build_file_is_cached_for_a_year_and_sent_compressed(pool: PgPool) {
    let app = spawn_app_serving(pool, &site()).await;
    let url = format!("{}/pkg/{BUILD}/consentdesk.js", app.base);

    let br = http()
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.status(), StatusCode::OK);
    let headers = br.headers().clone();
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers[header::VARY], "accept-encoding");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // Headers that a hundred chunks would each pay for, and that mean nothing to them.
    for gone in [
        header::CONTENT_SECURITY_POLICY,
        header::X_FRAME_OPTIONS,
        header::LAST_MODIFIED,
    ] {
        assert!(!headers.contains_key(&gone), "{gone} on a build file");
    }
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli copy");

    let gzip = http()
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");

    let plain = http().get(&url).send().await.unwrap();
    assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
    assert_eq!(plain.text().await.unwrap(), SCRIPT);
}

#[sqlx::test]
async fn what_is_not_a_build_is_revalidated_and_what_is_missing_is_not_kept(pool: PgPool) {
    let app = spawn_app_serving(pool, &site()).await;
    let dev = http()
        .get(format!("{}/pkg/dev.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(dev.status(), StatusCode::OK);
    assert_eq!(dev.headers()[header::CACHE_CONTROL], "no-cache");

    for missing in [
        format!("/pkg/{BUILD}/nothing.wasm"),
        "/pkg/fedcba9876543210/consentdesk.js".to_string(),
        format!("/pkg/{BUILD}/..%2f..%2fbuild-id"),
    ] {
        let response = http()
            .get(format!("{}{missing}", app.base))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "{missing}: {}",
            response.status()
        );
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-store",
            "{missing}"
        );
    }
}

#[sqlx::test]
async fn no_path_leaves_the_build_folder(pool: PgPool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let root = site();
    std::fs::write(root.join("secret.txt"), "outside pkg").unwrap();
    let app = spawn_app_serving(pool, &root).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    // Sent byte for byte: an HTTP client library would tidy these paths up first.
    for path in [
        "/pkg/../secret.txt",
        "/pkg/%2e%2e/secret.txt",
        "/pkg/%2E%2E%2Fsecret.txt",
        "/pkg/..%5csecret.txt",
        "/pkg//etc/passwd",
    ] {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(!answer.contains("outside pkg"), "{path} escaped:\n{answer}");
        assert!(!answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
    }
}

#[sqlx::test]
async fn pages_name_the_current_build_and_leave_compressed(pool: PgPool) {
    let app = spawn_app_serving(pool, &site()).await;
    let plain = http()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(plain.headers()[header::CACHE_CONTROL], "no-store");
    assert!(plain
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY));
    let html = plain.text().await.unwrap();
    assert!(
        html.contains(&format!("/pkg/{BUILD}/consentdesk.js")),
        "the page loads this build's script"
    );
    assert!(html.contains(&format!("/pkg/{BUILD}/consentdesk.css")));

    let compressed = http()
        .get(format!("{}/login", app.base))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(compressed.headers()[header::VARY], "accept-encoding");
    let body = compressed.bytes().await.unwrap();
    assert!(body.len() < html.len(), "{} >= {}", body.len(), html.len());
}
