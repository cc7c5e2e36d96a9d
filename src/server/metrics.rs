//! `GET /metrics`: what an operator watches, in Prometheus' text format.
//!
//! Off unless `METRICS_TOKEN` is set (then a 404, like any unknown path), and answered only
//! to `Authorization: Bearer <token>`: the counts span every organisation, and behind a
//! reverse proxy on the same host every request comes from loopback, so the address of the
//! caller proves nothing. Nothing here names a person, a number or a message.

use super::AppState;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// Responses by status class (1xx…5xx), counted when their headers leave.
static RESPONSES: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];
/// Upper bounds (seconds) of the time-to-headers histogram.
const BUCKETS: [f64; 7] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5];
static BUCKET_COUNTS: [AtomicU64; BUCKETS.len()] = [const { AtomicU64::new(0) }; BUCKETS.len()];
static DURATION_MICROS: AtomicU64 = AtomicU64::new(0);

/// Middleware: counts every response and the time to its headers (a live-event stream's
/// body then runs for as long as it is open, and is not part of that time).
pub async fn count(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let class = (response.status().as_u16() / 100).clamp(1, 5) as usize - 1;
    RESPONSES[class].fetch_add(1, Relaxed);
    for (bound, counter) in BUCKETS.iter().zip(&BUCKET_COUNTS) {
        if seconds <= *bound {
            counter.fetch_add(1, Relaxed);
        }
    }
    DURATION_MICROS.fetch_add((seconds * 1e6) as u64, Relaxed);
    response
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state
        .config
        .metrics_token
        .as_ref()
        .map(|t| t.expose_secret())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let offered = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Comparing digests takes the same time whatever prefix of the token was guessed.
    if Sha256::digest(offered.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "metrics need the bearer token in METRICS_TOKEN",
        )
            .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&state).await,
    )
        .into_response()
}

/// The database's part: one statement, on indexes that exist for the app's own queries.
#[derive(sqlx::FromRow)]
struct Backlog {
    outbox: i64,
    outbox_retrying: i64,
    oldest_due_seconds: f64,
    privacy_open: i64,
    privacy_overdue: i64,
}

async fn backlog(state: &AppState) -> Result<Backlog, sqlx::Error> {
    sqlx::query_as(
        "SELECT
           (SELECT count(*) FROM outbox) AS outbox,
           (SELECT count(*) FROM outbox WHERE attempts > 0) AS outbox_retrying,
           (SELECT coalesce(extract(epoch FROM now() - min(next_attempt_at))::float8, 0)
              FROM outbox WHERE next_attempt_at <= now()) AS oldest_due_seconds,
           (SELECT count(*) FROM privacy_requests
              WHERE status NOT IN ('completed', 'rejected')) AS privacy_open,
           (SELECT count(*) FROM privacy_requests p JOIN organisations o ON o.id = p.org_id
              WHERE p.status NOT IN ('completed', 'rejected')
                AND p.due_on < (now() AT TIME ZONE o.time_zone)::date) AS privacy_overdue",
    )
    .fetch_one(&state.pool)
    .await
}

async fn render(state: &AppState) -> String {
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "# HELP consentdesk_build_info Always 1; the version is in the label.\n\
         # TYPE consentdesk_build_info gauge\n\
         consentdesk_build_info{{version=\"{}\"}} 1\n",
        env!("CARGO_PKG_VERSION")
    );
    let database = backlog(state).await;
    if let Err(error) = &database {
        tracing::warn!(%error, "metrics: database unreachable");
    }
    let mut gauges = vec![(
        "consentdesk_database_up",
        "1 when the last query answered.",
        u8::from(database.is_ok()).to_string(),
    )];
    if let Ok(b) = &database {
        gauges.extend(backlog_gauges(b));
    }
    gauges.push((
        "consentdesk_db_pool_connections",
        "Connections this process holds to PostgreSQL.",
        state.pool.size().to_string(),
    ));
    gauges.push((
        "consentdesk_db_pool_idle_connections",
        "Of those, how many are idle.",
        state.pool.num_idle().to_string(),
    ));
    if let Some(bytes) = resident_bytes() {
        gauges.push((
            "consentdesk_process_resident_memory_bytes",
            "Resident memory of this process.",
            bytes.to_string(),
        ));
    }
    for (name, help, value) in gauges {
        let _ = write!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        );
    }
    write_responses(&mut out);
    out
}

type Gauge = (&'static str, &'static str, String);

fn backlog_gauges(b: &Backlog) -> [Gauge; 5] {
    [
        (
            "consentdesk_outbox_messages",
            "Texts waiting for the carrier.",
            b.outbox.to_string(),
        ),
        (
            "consentdesk_outbox_retrying",
            "Texts waiting after at least one failed attempt.",
            b.outbox_retrying.to_string(),
        ),
        (
            "consentdesk_outbox_oldest_due_seconds",
            "How long the oldest due text has waited (0 when none is due).",
            format!("{:.3}", b.oldest_due_seconds.max(0.0)),
        ),
        (
            "consentdesk_privacy_requests_open",
            "Privacy requests neither completed nor rejected.",
            b.privacy_open.to_string(),
        ),
        (
            "consentdesk_privacy_requests_overdue",
            "Open privacy requests past their due date in their organisation's time zone.",
            b.privacy_overdue.to_string(),
        ),
    ]
}

/// The response counters and the time-to-headers histogram.
fn write_responses(out: &mut String) {
    out.push_str(
        "# HELP consentdesk_http_responses_total Responses by status class.\n\
         # TYPE consentdesk_http_responses_total counter\n",
    );
    for (i, counter) in RESPONSES.iter().enumerate() {
        let _ = writeln!(
            out,
            "consentdesk_http_responses_total{{class=\"{}xx\"}} {}",
            i + 1,
            counter.load(Relaxed)
        );
    }
    let name = "consentdesk_http_response_seconds";
    let _ = write!(
        out,
        "# HELP {name} Time from request to response headers.\n# TYPE {name} histogram\n"
    );
    for (bound, counter) in BUCKETS.iter().zip(&BUCKET_COUNTS) {
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"{bound}\"}} {}",
            counter.load(Relaxed)
        );
    }
    let total: u64 = RESPONSES.iter().map(|c| c.load(Relaxed)).sum();
    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {total}");
    let _ = writeln!(
        out,
        "{name}_sum {:.6}",
        DURATION_MICROS.load(Relaxed) as f64 / 1e6
    );
    let _ = writeln!(out, "{name}_count {total}");
}

/// Resident set size from `/proc/self/statm` (Linux; elsewhere the gauge is left out).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
