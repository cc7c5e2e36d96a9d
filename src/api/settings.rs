use crate::error::AppError;
use crate::model::{SettingsInput, SettingsView};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "get_messaging_settings")]
pub async fn get_messaging_settings() -> Result<SettingsView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    let result = async {
        let caller = server::auth::require(ManageSettings).await?;
        ctx::once("get_messaging_settings".to_string(), async {
            let state = ctx::state()?;
            server::messaging::settings::view(
                &state.pool,
                state.config.data_key.as_ref(),
                caller.org_id,
            )
            .await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "save_messaging_settings")]
pub async fn save_messaging_settings(input: SettingsInput) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    let result = async {
        let caller = server::auth::require(ManageSettings).await?;
        let state = ctx::state()?;
        server::messaging::settings::save(
            &state.pool,
            state.config.data_key.as_ref(),
            state.config.allow_custom_carrier_urls,
            caller,
            ctx::ip(),
            input,
        )
        .await
    }
    .await;
    ctx::finish(result)
}
