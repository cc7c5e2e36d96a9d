//! The whole HTTP surface, built by one function so tests serve exactly what `serve` does.

use super::auth::CallerCache;
use super::{assets, consent, csrf, health, hooks, leads, messaging, metrics, privacy, AppState};
use crate::app::{shell, App};
use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::trace::TraceLayer;
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub const SESSION_COOKIE: &str = "consentdesk_session";

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(PostgresStore::new(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.cookie_secure)
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(state.config.session_idle).unwrap_or(time::Duration::hours(8)),
        ));

    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/leads/export.csv", get(leads::http::export))
        .route(
            "/consent/number/{phone}/packet.json",
            get(consent::http::packet_json),
        )
        .route(
            "/consent/number/{phone}/packet.csv",
            get(consent::http::packet_csv),
        )
        .route(
            "/privacy-requests/{id}/bundle.zip",
            get(privacy::http::bundle),
        )
        .route(
            "/privacy-requests/{id}/report.json",
            get(privacy::http::report),
        )
        .route("/audit/export.csv", get(privacy::http::audit_export))
        .route("/consent/ledger/head.json", get(consent::http::signed_head))
        .route("/events", get(messaging::live::stream))
        .route(
            "/calendar/feed/{file}",
            get(super::appointments::feed::serve),
        )
        .route(
            "/calendar/visit/{file}",
            get(super::appointments::feed::serve_visit),
        )
        .nest("/hooks", hook_routes())
        .route(
            "/leads/import",
            post(leads::http::upload)
                .layer(DefaultBodyLimit::max(leads::import::MAX_BYTES + 64 * 1024)),
        )
        .route("/api/{*fn_name}", get(server_fn).post(server_fn))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(CallerCache::default());
                provide_context(super::memo::Once::default());
            },
            move || shell(shell_options.clone()),
        )
        .merge(assets::routes(&state.leptos_options))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::guard))
        .layer(middleware::from_fn(undecodable_is_400))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::security_headers::add,
        ))
        .layer(compression())
        .layer(middleware::from_fn(metrics::count))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Pages, JSON and CSV leave compressed for browsers that accept it (the build's files are
/// already compressed; the live event stream and zip bundles are left alone).
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/zip")))
}

/// Carrier webhooks: signed, not session-authenticated, and small.
fn hook_routes() -> Router<AppState> {
    Router::new()
        .route("/twilio/{org}/sms", post(hooks::twilio::sms))
        .route("/twilio/{org}/status", post(hooks::twilio::status))
        .route("/twilio/{org}/voice", post(hooks::twilio::voice))
        .route(
            "/twilio/{org}/voice/gather",
            post(hooks::voice_agent::gather),
        )
        .route(
            "/twilio/{org}/transcription",
            post(hooks::twilio::transcription),
        )
        .route(
            "/whatsapp/{org}",
            get(hooks::whatsapp::verify).post(hooks::whatsapp::receive),
        )
        .layer(DefaultBodyLimit::max(HOOK_BODY_LIMIT))
}

/// Twilio's own limit on a webhook body is far below this.
pub const HOOK_BODY_LIMIT: usize = 64 * 1024;

async fn server_fn(State(state): State<AppState>, request: Request) -> Response {
    let context = move || {
        provide_context(state.clone());
        provide_context(CallerCache::default());
    };
    handle_server_fns_with_context(context, request)
        .await
        .into_response()
}

/// Arguments that do not decode never reach a server function: the framework answers 500
/// with a `Transport` error. That is the caller's mistake, so it becomes a 400.
async fn undecodable_is_400(request: Request, next: middleware::Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if matches!(
        serde_json::from_slice::<crate::error::AppError>(&bytes),
        Ok(crate::error::AppError::Transport(_))
    ) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
