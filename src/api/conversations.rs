use crate::error::AppError;
use crate::model::{InboxPage, InboxQuery, Thread};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_conversations")]
pub async fn list_conversations(query: InboxQuery) -> Result<InboxPage, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConversations, server};
    let result = async {
        let caller = server::auth::require(ViewConversations).await?;
        ctx::once(format!("list_conversations/{query:?}"), async {
            server::messaging::threads::inbox(&ctx::state()?.pool, caller, &query).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

/// A conversation with its latest messages, or those before `before` (a cursor the page
/// gives for "earlier messages").
#[server(prefix = "/api", endpoint = "get_thread")]
pub async fn get_thread(id: Uuid, #[server(default)] before: String) -> Result<Thread, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConversations, server};
    let result = async {
        let caller = server::auth::require(ViewConversations).await?;
        ctx::once(format!("get_thread/{id}/{before}"), async {
            let pool = &ctx::state()?.pool;
            server::messaging::threads::thread(pool, caller, ctx::ip(), id, &before).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

/// Sends a reply, or stores it as blocked and says why.
#[server(prefix = "/api", endpoint = "send_reply")]
pub async fn send_reply(
    id: Uuid,
    body: String,
    category: String,
) -> Result<Option<String>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::SendMessages, server};
    let result = async {
        let caller = server::auth::require(SendMessages).await?;
        let outcome =
            server::messaging::outbound::reply(&ctx::state()?.pool, caller, id, &body, &category)
                .await?;
        Ok(outcome.blocked)
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "set_conversation_status")]
pub async fn set_conversation_status(id: Uuid, status: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::SendMessages, server};
    let result = async {
        let caller = server::auth::require(SendMessages).await?;
        server::messaging::threads::set_status(&ctx::state()?.pool, caller, id, &status).await
    }
    .await;
    ctx::finish(result)
}

/// Settles a text held for review: `opt_out` is "yes" when it asked to stop.
#[server(prefix = "/api", endpoint = "review_consent")]
pub async fn review_consent(id: Uuid, opt_out: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::RecordOptOut, server};
    let result = async {
        let caller = server::auth::require(RecordOptOut).await?;
        let opted_out = match opt_out.as_str() {
            "yes" => true,
            "no" => false,
            _ => {
                return Err(AppError::field(
                    "opt_out",
                    "Choose whether it asked to stop.",
                ))
            }
        };
        server::messaging::threads::review_consent(
            &ctx::state()?.pool,
            caller,
            ctx::ip(),
            id,
            opted_out,
        )
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "assign_conversation")]
pub async fn assign_conversation(id: Uuid, assignee: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::AssignLeads, server};
    let result = async {
        let caller = server::auth::require(AssignLeads).await?;
        server::messaging::threads::assign(&ctx::state()?.pool, caller, ctx::ip(), id, &assignee)
            .await
    }
    .await;
    ctx::finish(result)
}
