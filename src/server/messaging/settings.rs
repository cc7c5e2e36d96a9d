//! An organisation's carrier settings. Secrets are sealed with the data key on the way in
//! and only ever opened on the server, to sign or check requests.

use crate::error::AppError;
use crate::model::{FieldErrors, SettingsInput, SettingsView, E164};
use crate::server::auth::Caller;
use crate::server::crypto::DataKey;
use crate::server::db::{self, audit::Event};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "messaging_provider", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Local,
    Twilio,
    Signalwire,
}

/// The settings as the server uses them, secrets opened.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub provider: Option<ProviderKind>,
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    pub api_base_url: Option<String>,
    pub phone_numbers: Vec<String>,
    pub public_base_url: Option<String>,
    pub whatsapp_app_secret: Option<String>,
    pub whatsapp_verify_token: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    provider: ProviderKind,
    account_sid: Option<String>,
    auth_token_enc: Option<Vec<u8>>,
    api_base_url: Option<String>,
    phone_numbers: Vec<String>,
    public_base_url: Option<String>,
    whatsapp_app_secret_enc: Option<Vec<u8>>,
    whatsapp_verify_token: Option<String>,
}

pub async fn load<'e>(
    executor: impl PgExecutor<'e>,
    key: Option<&DataKey>,
    org_id: Uuid,
) -> Result<Settings, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT provider, account_sid, auth_token_enc, api_base_url, phone_numbers, public_base_url,
                whatsapp_app_secret_enc, whatsapp_verify_token
         FROM messaging_settings WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else {
        return Ok(Settings::default());
    };
    let open = |sealed: Option<Vec<u8>>| sealed.and_then(|s| key?.open(&s));
    Ok(Settings {
        provider: Some(row.provider),
        account_sid: row.account_sid,
        auth_token: open(row.auth_token_enc),
        api_base_url: row.api_base_url,
        phone_numbers: row.phone_numbers,
        public_base_url: row.public_base_url,
        whatsapp_app_secret: open(row.whatsapp_app_secret_enc),
        whatsapp_verify_token: row.whatsapp_verify_token,
    })
}

pub async fn view(
    pool: &PgPool,
    key: Option<&DataKey>,
    org_id: Uuid,
) -> Result<SettingsView, AppError> {
    let s = load(pool, key, org_id).await?;
    let stored: Option<(bool, bool)> = sqlx::query_as(
        "SELECT auth_token_enc IS NOT NULL, whatsapp_app_secret_enc IS NOT NULL FROM messaging_settings WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(pool)
    .await?;
    let (has_auth_token, has_whatsapp_secret) = stored.unwrap_or_default();
    let (org_slug, allow_foreign_numbers): (String, bool) =
        sqlx::query_as("SELECT slug, allow_foreign_numbers FROM organisations WHERE id = $1")
            .bind(org_id)
            .fetch_one(pool)
            .await?;
    Ok(SettingsView {
        org_slug,
        provider: match s.provider.unwrap_or(ProviderKind::Local) {
            ProviderKind::Local => "local",
            ProviderKind::Twilio => "twilio",
            ProviderKind::Signalwire => "signalwire",
        }
        .into(),
        account_sid: s.account_sid.unwrap_or_default(),
        has_auth_token,
        api_base_url: s.api_base_url.unwrap_or_default(),
        phone_numbers: s.phone_numbers.join(", "),
        public_base_url: s.public_base_url.unwrap_or_default(),
        has_whatsapp_secret,
        whatsapp_verify_token: s.whatsapp_verify_token.unwrap_or_default(),
        allow_foreign_numbers,
    })
}

fn url(field: &str, value: &str, errors: &mut FieldErrors) -> Option<String> {
    let value = value.trim().trim_end_matches('/');
    if value.is_empty() {
        return None;
    }
    if !(value.starts_with("https://") || value.starts_with("http://"))
        || value.contains(char::is_whitespace)
    {
        errors.add(field, "Enter a full address starting with https://");
        return None;
    }
    Some(value.to_string())
}

pub async fn save(
    pool: &PgPool,
    key: Option<&DataKey>,
    allow_custom_urls: bool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: SettingsInput,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let provider = match input.provider.as_str() {
        "local" | "" => ProviderKind::Local,
        "twilio" => ProviderKind::Twilio,
        "signalwire" => ProviderKind::Signalwire,
        _ => {
            errors.add("provider", "Choose a provider from the list.");
            ProviderKind::Local
        }
    };
    let org = db::orgs::profile(pool, caller.org_id).await?;
    let mut numbers = Vec::new();
    for number in input
        .phone_numbers
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match E164::parse(number, &org.country) {
            Ok(n) => numbers.push(n.as_str().to_string()),
            Err(e) => errors.add("phone_numbers", format!("{number}: {e}")),
        }
    }
    let api_base_url = url("api_base_url", &input.api_base_url, &mut errors);
    if let Some(api) = &api_base_url {
        if !allow_custom_urls && !crate::rules::url::is_known_carrier_api(api) {
            errors.add(
                "api_base_url",
                "Use https://api.twilio.com or your SignalWire space (https://<space>.signalwire.com): the carrier's secret is sent there.",
            );
        }
    }
    let public_base_url = url("public_base_url", &input.public_base_url, &mut errors);
    let account_sid = Some(input.account_sid.trim().to_string()).filter(|s| !s.is_empty());
    if provider != ProviderKind::Local && account_sid.is_none() {
        errors.add(
            "account_sid",
            "Enter the account SID (or project ID) from the carrier.",
        );
    }
    let mut seal = |field: &str, secret: &str| -> Option<Vec<u8>> {
        let secret = secret.trim();
        if secret.is_empty() {
            return None;
        }
        match key {
            Some(key) => Some(key.seal(secret)),
            None => {
                errors.add(
                    field,
                    "The server has no DATA_KEY, so secrets cannot be stored safely.",
                );
                None
            }
        }
    };
    let token = seal("auth_token", &input.auth_token);
    let app_secret = seal("whatsapp_app_secret", &input.whatsapp_app_secret);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO messaging_settings (org_id, provider, account_sid, auth_token_enc, api_base_url, phone_numbers,
                                         public_base_url, whatsapp_app_secret_enc, whatsapp_verify_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (org_id) DO UPDATE SET provider = EXCLUDED.provider, account_sid = EXCLUDED.account_sid,
             auth_token_enc = coalesce(EXCLUDED.auth_token_enc, messaging_settings.auth_token_enc),
             api_base_url = EXCLUDED.api_base_url, phone_numbers = EXCLUDED.phone_numbers,
             public_base_url = EXCLUDED.public_base_url,
             whatsapp_app_secret_enc = coalesce(EXCLUDED.whatsapp_app_secret_enc, messaging_settings.whatsapp_app_secret_enc),
             whatsapp_verify_token = EXCLUDED.whatsapp_verify_token, updated_at = now()",
    )
    .bind(caller.org_id)
    .bind(provider)
    .bind(account_sid)
    .bind(token.as_ref())
    .bind(api_base_url)
    .bind(&numbers)
    .bind(public_base_url)
    .bind(app_secret.as_ref())
    .bind(Some(input.whatsapp_verify_token.trim()).filter(|t| !t.is_empty()))
    .execute(&mut *tx)
    .await?;
    let allow_foreign = input.allow_foreign_numbers.is_some();
    sqlx::query("UPDATE organisations SET allow_foreign_numbers = $2 WHERE id = $1")
        .bind(caller.org_id)
        .bind(allow_foreign)
        .execute(&mut *tx)
        .await?;
    let detail = json!({
        "provider": provider, "auth_token_changed": token.is_some(),
        "whatsapp_secret_changed": app_secret.is_some(), "allow_foreign_numbers": allow_foreign,
    });
    db::audit::record(
        &mut *tx,
        Event::by(
            caller,
            ip,
            "settings.messaging_updated",
            ("organisation", caller.org_id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
