//! The public web chat. No sign-in: the visitor is known by the chat cookie only.

use crate::error::AppError;
use crate::model::ChatView;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
fn visitor_token() -> Option<String> {
    crate::api::ctx::cookie(crate::server::messaging::chat::COOKIE)
}

#[server(prefix = "/api", endpoint = "start_chat")]
pub async fn start_chat(org: String, name: String, contact: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::messaging::chat;
    ctx::public(|state, ip| async move {
        let token = chat::start(&state.pool, &org, ip, &name, &contact).await?;
        let secure = state.config.cookie_secure;
        ctx::set_cookie(chat::COOKIE, &token, 30 * 24 * 3600, secure);
        Ok(())
    })
    .await
}

/// The visitor's chat so far; `None` before they have started one.
#[server(prefix = "/api", endpoint = "chat_lines")]
pub async fn chat_lines(org: String) -> Result<Option<ChatView>, AppError> {
    use crate::api::ctx;
    ctx::public(|state, _| async move {
        let Some(token) = visitor_token() else {
            return Ok(None);
        };
        match crate::server::messaging::chat::view(&state.pool, &org, &token).await {
            Ok(view) => Ok(Some(view)),
            Err(AppError::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "chat_send")]
pub async fn chat_send(org: String, body: String) -> Result<(), AppError> {
    use crate::api::ctx;
    ctx::public(|state, ip| async move {
        let token = visitor_token().ok_or(AppError::NotFound)?;
        crate::server::messaging::chat::send(&state.pool, &org, ip, &token, &body).await
    })
    .await
}

/// Sends the visitor a code to the phone or e-mail they gave, to prove it is theirs.
#[server(prefix = "/api", endpoint = "chat_send_code")]
pub async fn chat_send_code(org: String) -> Result<(), AppError> {
    use crate::api::ctx;
    ctx::public(|state, _| async move {
        let token = visitor_token().ok_or(AppError::NotFound)?;
        crate::server::messaging::chat::send_code(&state.pool, &org, &token).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "chat_confirm_code")]
pub async fn chat_confirm_code(org: String, code: String) -> Result<(), AppError> {
    use crate::api::ctx;
    ctx::public(|state, _| async move {
        let token = visitor_token().ok_or(AppError::NotFound)?;
        crate::server::messaging::chat::confirm_code(&state.pool, &org, &token, &code).await
    })
    .await
}

/// Staff link an unproven chat to the person it is (they know it another way); audited.
#[server(prefix = "/api", endpoint = "link_chat")]
pub async fn link_chat(id: Uuid, contact: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    ctx::guarded(EditLeads, |who, state| async move {
        server::messaging::chat::link_by_staff(&state.pool, who.caller, who.ip, id, &contact)
            .await
            .map(|_| ())
    })
    .await
}
