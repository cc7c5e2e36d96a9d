//! What a server function needs from its request: state, session, client address, and
//! an HTTP status that matches its error. Every server function enters through `guarded`
//! (signed in, with a capability) or `public` (anonymous), so none can forget either.

use crate::error::AppError;
use crate::rules::authz::Capability;
use crate::server::auth::Caller;
use crate::server::{client_ip::client_ip, AppState};
use http::{header::ACCEPT, request::Parts, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::future::Future;
use std::net::IpAddr;
use tower_sessions::Session;

/// The signed-in caller of a server function, allowed the capability it asked for, with
/// the address the request came from (for the audit log and rate limits).
#[derive(Debug, Clone, Copy)]
pub struct Who {
    pub caller: Caller,
    pub ip: Option<IpAddr>,
}

/// Runs `work` for a caller allowed `capability`. The check (`server::auth::require`, the
/// one authorization point) comes first, before `work` can read anything; every error,
/// the check's included, gets its HTTP status from `finish`.
pub async fn guarded<T, F, Fut>(capability: Capability, work: F) -> Result<T, AppError>
where
    F: FnOnce(Who, AppState) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async {
        let caller = crate::server::auth::require(capability).await?;
        let state = state()?;
        work(Who { caller, ip: ip() }, state).await
    }
    .await;
    finish(result)
}

/// Runs `work` for anyone, signed in or not (sign-in, the public chat, consent and privacy
/// request pages); its errors get their HTTP status from `finish`.
pub async fn public<T, F, Fut>(work: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, Option<IpAddr>) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async { work(state()?, ip()).await }.await;
    finish(result)
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract().await.map_err(|error| {
        tracing::error!(%error, "session layer missing");
        AppError::Internal
    })
}

pub fn ip() -> Option<IpAddr> {
    let proxies = use_context::<AppState>().map_or(0, |s| s.config.trusted_proxies);
    use_context::<Parts>().and_then(|parts| client_ip(&parts, proxies))
}

/// A cookie the browser sent.
pub fn cookie(name: &str) -> Option<String> {
    let parts = use_context::<Parts>()?;
    let cookies = parts.headers.get_all(http::header::COOKIE);
    cookies
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(name)?
                .strip_prefix('=')
                .map(str::to_string)
        })
}

/// Sets an HttpOnly, SameSite=Lax cookie on the response.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    let cookie =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Gives an error its HTTP status. Plain HTML form posts (no JavaScript) are left alone:
/// they must stay a redirect back to the form, which then shows the error.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let html_form = use_context::<Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        if let (false, Some(response)) = (html_form, use_context::<ResponseOptions>()) {
            response.set_status(
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}

pub use crate::server::memo::once;
