//! Which AI service reads an organisation's messages, for its public privacy page: the
//! provider really in use (`AiConfig::provider`), so a fallback or a key that cannot be
//! opened shows the built-in assistant, as the messages go nowhere else then.

use super::settings;
use crate::model::{AiProcessor, AiProvider};
use crate::server::crypto::DataKey;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn processor(
    pool: &PgPool,
    key: Option<&DataKey>,
    org_id: Uuid,
) -> Result<AiProcessor, sqlx::Error> {
    let config = settings::load(pool, key, org_id).await?;
    let host = |base: &str| {
        let base = config.api_base_url.as_deref().unwrap_or(base);
        url::Url::parse(base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| base.to_string())
    };
    Ok(match config.provider() {
        AiProvider::Builtin => AiProcessor::BuiltIn,
        AiProvider::Anthropic => AiProcessor::Anthropic {
            via: config
                .api_base_url
                .as_ref()
                .map(|_| host(super::anthropic::BASE_URL))
                .filter(|h| h != "api.anthropic.com"),
        },
        AiProvider::Openai => AiProcessor::OpenAiCompatible {
            host: host(super::openai::BASE_URL),
        },
    })
}
