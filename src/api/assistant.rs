use crate::error::AppError;
use crate::model::{AiActivity, AiSettingsInput, AiSettingsView, Draft, InsightView};
use leptos::prelude::*;
use uuid::Uuid;

/// The assistant's insight on a lead the caller can see; none before its first reading.
#[server(prefix = "/api", endpoint = "lead_insight")]
pub async fn lead_insight(lead: Uuid) -> Result<Option<InsightView>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewLeads, server};
    ctx::guarded(ViewLeads, |who, state| async move {
        ctx::once(format!("lead_insight/{lead}"), async {
            let mut conn = state.pool.acquire().await?;
            server::assistant::insight::for_lead(&mut conn, who.caller, lead).await
        })
        .await
    })
    .await
}

/// A draft reply for a person to edit and send (never promotional).
#[server(prefix = "/api", endpoint = "suggest_reply")]
pub async fn suggest_reply(conversation: Uuid) -> Result<Draft, AppError> {
    use crate::{api::ctx, rules::authz::Capability::SendMessages, server};
    ctx::guarded(SendMessages, |who, state| async move {
        server::assistant::suggest::suggest(&state.ai, who.caller, conversation).await
    })
    .await
}

/// Moves one of the assistant's facts (`vehicle`, `budget`, `timeline`, `trade_in`,
/// `preferred_time`) into the lead.
#[server(prefix = "/api", endpoint = "accept_insight_fact")]
pub async fn accept_insight_fact(lead: Uuid, fact: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    ctx::guarded(EditLeads, |who, state| async move {
        server::assistant::accept::accept(&state.pool, who.caller, who.ip, lead, &fact).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_ai_settings")]
pub async fn get_ai_settings() -> Result<AiSettingsView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        ctx::once("get_ai_settings".to_string(), async {
            let key = state.config.data_key.as_ref();
            server::assistant::settings::view(&state.pool, key, who.caller.org_id).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_ai_settings")]
pub async fn save_ai_settings(input: AiSettingsInput) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        server::assistant::settings::save(
            &state.pool,
            state.config.data_key.as_ref(),
            state.config.allow_custom_carrier_urls,
            who.caller,
            who.ip,
            input,
        )
        .await
    })
    .await
}

/// AI usage per day and purpose, and the autopilot's messages and handoffs.
#[server(prefix = "/api", endpoint = "get_ai_activity")]
pub async fn get_ai_activity() -> Result<AiActivity, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        ctx::once("ai_activity".to_string(), async {
            server::assistant::activity::activity(&state.pool, who.caller.org_id).await
        })
        .await
    })
    .await
}

/// Gives a conversation the assistant handed to a person back to the autopilot.
#[server(prefix = "/api", endpoint = "resume_autopilot")]
pub async fn resume_autopilot(conversation: Uuid) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::SendMessages, server};
    ctx::guarded(SendMessages, |who, state| async move {
        server::assistant::autopilot::resume(&state.pool, who.caller, who.ip, conversation).await
    })
    .await
}
