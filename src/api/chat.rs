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
    let result = async {
        let state = ctx::state()?;
        let token = chat::start(&state.pool, &org, ctx::ip(), &name, &contact).await?;
        ctx::set_cookie(
            chat::COOKIE,
            &token,
            30 * 24 * 3600,
            state.config.cookie_secure,
        );
        Ok(())
    }
    .await;
    ctx::finish(result)
}

/// The visitor's chat so far; `None` before they have started one.
#[server(prefix = "/api", endpoint = "chat_lines")]
pub async fn chat_lines(org: String) -> Result<Option<ChatView>, AppError> {
    use crate::api::ctx;
    let result = async {
        let Some(token) = visitor_token() else {
            return Ok(None);
        };
        match crate::server::messaging::chat::view(&ctx::state()?.pool, &org, &token).await {
            Ok(view) => Ok(Some(view)),
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
        crate::server::messaging::chat::send(&ctx::state()?.pool, &org, ctx::ip(), &token, &body)
            .await
    }
    .await;
    ctx::finish(result)
}

/// Sends the visitor a code to the phone or e-mail they gave, to prove it is theirs.
#[server(prefix = "/api", endpoint = "chat_send_code")]
pub async fn chat_send_code(org: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let result = async {
        let token = visitor_token().ok_or(AppError::NotFound)?;
        crate::server::messaging::chat::send_code(&ctx::state()?.pool, &org, &token).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "chat_confirm_code")]
pub async fn chat_confirm_code(org: String, code: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let result = async {
        let token = visitor_token().ok_or(AppError::NotFound)?;
        crate::server::messaging::chat::confirm_code(&ctx::state()?.pool, &org, &token, &code).await
    }
    .await;
    ctx::finish(result)
}

/// Staff link an unproven chat to the person it is (they know it another way); audited.
#[server(prefix = "/api", endpoint = "link_chat")]
pub async fn link_chat(id: Uuid, contact: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    let result = async {
        let caller = server::auth::require(EditLeads).await?;
        server::messaging::chat::link_by_staff(&ctx::state()?.pool, caller, ctx::ip(), id, &contact)
            .await
            .map(|_| ())
    }
    .await;
    ctx::finish(result)
}
