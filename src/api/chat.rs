//! The public web chat. No sign-in: the visitor is known by the chat cookie only.

use crate::error::AppError;
use crate::model::ChatLine;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn visitor_token() -> Option<String> {
    use crate::server::messaging::chat::COOKIE;
    let parts = use_context::<http::request::Parts>()?;
    let cookies = parts.headers.get_all(http::header::COOKIE);
    cookies
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(COOKIE)?
                .strip_prefix('=')
                .map(str::to_string)
        })
}

#[server(prefix = "/api", endpoint = "start_chat")]
pub async fn start_chat(org: String, name: String, contact: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::messaging::chat;
    let result = async {
        let state = ctx::state()?;
        let token = chat::start(&state.pool, &org, &name, &contact).await?;
        let secure = if state.config.cookie_secure {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000{secure}",
            chat::COOKIE
        );
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&cookie),
        ) {
            response.append_header(http::header::SET_COOKIE, value);
        }
        Ok(())
    }
    .await;
    ctx::finish(result)
}

/// The visitor's chat so far; `None` before they have started one.
#[server(prefix = "/api", endpoint = "chat_lines")]
pub async fn chat_lines(org: String) -> Result<Option<Vec<ChatLine>>, AppError> {
    use crate::api::ctx;
    let result = async {
        let Some(token) = visitor_token() else {
            return Ok(None);
        };
        match crate::server::messaging::chat::lines(&ctx::state()?.pool, &org, &token).await {
            Ok(lines) => Ok(Some(lines)),
            Err(AppError::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "chat_send")]
pub async fn chat_send(org: String, body: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let result = async {
        let token = visitor_token().ok_or(AppError::NotFound)?;
        crate::server::messaging::chat::send(&ctx::state()?.pool, &org, &token, &body).await
    }
    .await;
    ctx::finish(result)
}
