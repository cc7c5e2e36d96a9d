use crate::error::AppError;
use crate::model::{ConversationRow, InboxQuery, Page, Thread};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_conversations")]
pub async fn list_conversations(query: InboxQuery) -> Result<Page<ConversationRow>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConversations, server};
    ctx::guarded(ViewConversations, |who, state| async move {
        ctx::once(format!("list_conversations/{query:?}"), async {
            server::messaging::threads::inbox(&state.pool, who.caller, &query).await
        })
        .await
    })
    .await
}

/// A conversation with its latest messages, or those before `before` (a cursor the page
/// gives for "earlier messages").
#[server(prefix = "/api", endpoint = "get_thread")]
pub async fn get_thread(id: Uuid, #[server(default)] before: String) -> Result<Thread, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConversations, server};
    ctx::guarded(ViewConversations, |who, state| async move {
        ctx::once(format!("get_thread/{id}/{before}"), async {
            server::messaging::threads::thread(&state.pool, who.caller, who.ip, id, &before).await
        })
        .await
    })
    .await
}

/// Sends a reply, or stores it as blocked and says why. `ai_assisted` is "yes" when the
/// text began as the assistant's suggestion: the thread and the audit log say so.
#[server(prefix = "/api", endpoint = "send_reply")]
pub async fn send_reply(
    id: Uuid,
    body: String,
    category: String,
    #[server(default)] ai_assisted: String,
) -> Result<Option<String>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::SendMessages, server};
    ctx::guarded(SendMessages, |who, state| async move {
        let reply = server::messaging::outbound::Reply {
            body: &body,
            category: &category,
            ai_assisted: ai_assisted == "yes",
        };
        let outcome =
            server::messaging::outbound::reply(&state.pool, who.caller, who.ip, id, reply).await?;
        Ok(outcome.blocked)
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_conversation_status")]
pub async fn set_conversation_status(id: Uuid, status: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::SendMessages, server};
    ctx::guarded(SendMessages, |who, state| async move {
        server::messaging::threads::set_status(&state.pool, who.caller, id, &status).await
    })
    .await
}

/// Settles a text held for review: `opt_out` is "yes" when it asked to stop.
#[server(prefix = "/api", endpoint = "review_consent")]
pub async fn review_consent(id: Uuid, opt_out: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::RecordOptOut, server};
    ctx::guarded(RecordOptOut, |who, state| async move {
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
        let pool = &state.pool;
        server::messaging::threads::review_consent(pool, who.caller, who.ip, id, opted_out).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "assign_conversation")]
pub async fn assign_conversation(id: Uuid, assignee: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::AssignLeads, server};
    ctx::guarded(AssignLeads, |who, state| async move {
        server::messaging::threads::assign(&state.pool, who.caller, who.ip, id, &assignee).await
    })
    .await
}
