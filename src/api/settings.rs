use crate::error::AppError;
use crate::model::{SettingsInput, SettingsView};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "get_messaging_settings")]
pub async fn get_messaging_settings() -> Result<SettingsView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        ctx::once("get_messaging_settings".to_string(), async {
            let key = state.config.data_key.as_ref();
            server::messaging::settings::view(&state.pool, key, who.caller.org_id).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_messaging_settings")]
pub async fn save_messaging_settings(input: SettingsInput) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        server::messaging::settings::save(
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
