//! An organisation's carrier settings. Secrets are sealed with the data key on the way in
//! and only ever opened on the server, to sign or check requests.

use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, FieldErrors, SettingsInput, SettingsView, E164};
use crate::server::auth::Caller;
use crate::server::crypto::DataKey;
use crate::server::db::{self, audit::AuditEvent};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgExecutor, PgPool};
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

impl ProviderKind {
    /// As the settings form names it; empty means the local provider.
    pub fn parse(value: &str) -> Option<ProviderKind> {
        match value {
            "local" | "" => Some(ProviderKind::Local),
            "twilio" => Some(ProviderKind::Twilio),
            "signalwire" => Some(ProviderKind::Signalwire),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Local => "local",
            ProviderKind::Twilio => "twilio",
            ProviderKind::Signalwire => "signalwire",
        }
    }
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
    pub whatsapp_phone_number_id: Option<String>,
    pub whatsapp_access_token: Option<String>,
    pub whatsapp_api_base_url: Option<String>,
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
    whatsapp_phone_number_id: Option<String>,
    whatsapp_access_token_enc: Option<Vec<u8>>,
    whatsapp_api_base_url: Option<String>,
}

pub async fn load<'e>(
    executor: impl PgExecutor<'e>,
    key: Option<&DataKey>,
    org_id: Uuid,
) -> Result<Settings, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT provider, account_sid, auth_token_enc, api_base_url, phone_numbers, public_base_url,
                whatsapp_app_secret_enc, whatsapp_verify_token, whatsapp_phone_number_id,
                whatsapp_access_token_enc, whatsapp_api_base_url
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
        whatsapp_phone_number_id: row.whatsapp_phone_number_id,
        whatsapp_access_token: open(row.whatsapp_access_token_enc),
        whatsapp_api_base_url: row.whatsapp_api_base_url,
    })
}

#[tracing::instrument(skip_all, fields(org = %org_id))]
pub async fn view(
    pool: &PgPool,
    key: Option<&DataKey>,
    org_id: Uuid,
) -> Result<SettingsView, AppError> {
    let s = load(pool, key, org_id).await?;
    let stored: Option<(bool, bool, bool)> = sqlx::query_as(
        "SELECT auth_token_enc IS NOT NULL, whatsapp_app_secret_enc IS NOT NULL, whatsapp_access_token_enc IS NOT NULL
         FROM messaging_settings WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(pool)
    .await?;
    let (has_auth_token, has_whatsapp_secret, has_whatsapp_access_token) =
        stored.unwrap_or_default();
    let (org_slug, allow_foreign_numbers): (String, bool) =
        sqlx::query_as("SELECT slug, allow_foreign_numbers FROM organisations WHERE id = $1")
            .bind(org_id)
            .fetch_one(pool)
            .await?;
    Ok(SettingsView {
        org_slug,
        provider: s.provider.unwrap_or(ProviderKind::Local).as_str().into(),
        account_sid: s.account_sid.unwrap_or_default(),
        has_auth_token,
        api_base_url: s.api_base_url.unwrap_or_default(),
        phone_numbers: s.phone_numbers.join(", "),
        public_base_url: s.public_base_url.unwrap_or_default(),
        has_whatsapp_secret,
        whatsapp_verify_token: s.whatsapp_verify_token.unwrap_or_default(),
        whatsapp_phone_number_id: s.whatsapp_phone_number_id.unwrap_or_default(),
        has_whatsapp_access_token,
        whatsapp_api_base_url: s.whatsapp_api_base_url.unwrap_or_default(),
        allow_foreign_numbers,
    })
}

fn url(field: &str, value: &str, errors: &mut FieldErrors) -> Option<String> {
    errors
        .check(field, crate::rules::url::web_address(value))
        .flatten()
}

/// The settings as a form sent them, checked, with secrets sealed (none when left blank,
/// which keeps the stored one).
struct Checked {
    provider: ProviderKind,
    account_sid: Option<String>,
    auth_token: Option<Vec<u8>>,
    api_base_url: Option<String>,
    phone_numbers: Vec<String>,
    public_base_url: Option<String>,
    whatsapp_app_secret: Option<Vec<u8>>,
    whatsapp_verify_token: Option<String>,
    whatsapp_phone_number_id: Option<String>,
    whatsapp_access_token: Option<Vec<u8>>,
    whatsapp_api_base_url: Option<String>,
    allow_foreign_numbers: bool,
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn save(
    pool: &PgPool,
    key: Option<&DataKey>,
    allow_custom_urls: bool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: SettingsInput,
) -> Result<(), AppError> {
    let country = db::orgs::profile(pool, caller.org_id).await?.country;
    let checked = check(&input, &country, key, allow_custom_urls)?;
    let mut tx = pool.begin().await?;
    store(&mut tx, caller.org_id, &checked).await?;
    let detail = json!({
        "provider": checked.provider, "auth_token_changed": checked.auth_token.is_some(),
        "whatsapp_secret_changed": checked.whatsapp_app_secret.is_some(),
        "whatsapp_token_changed": checked.whatsapp_access_token.is_some(),
        "allow_foreign_numbers": checked.allow_foreign_numbers,
    });
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::MessagingSettingsUpdated,
            (AuditObject::Organisation, caller.org_id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every field checked, each error beside its field; secrets sealed with the data key.
fn check(
    input: &SettingsInput,
    country: &str,
    key: Option<&DataKey>,
    allow_custom_urls: bool,
) -> Result<Checked, AppError> {
    let mut errors = FieldErrors::default();
    let provider = ProviderKind::parse(&input.provider).unwrap_or_else(|| {
        errors.add("provider", "Choose a provider from the list.");
        ProviderKind::Local
    });
    let phone_numbers = numbers(&input.phone_numbers, country, &mut errors);
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
    let auth_token = seal(key, "auth_token", &input.auth_token, &mut errors);
    let whatsapp_app_secret = seal(
        key,
        "whatsapp_app_secret",
        &input.whatsapp_app_secret,
        &mut errors,
    );
    let whatsapp = whatsapp_cloud(input, key, allow_custom_urls, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (whatsapp_phone_number_id, whatsapp_access_token, whatsapp_api_base_url) = whatsapp;
    Ok(Checked {
        whatsapp_phone_number_id,
        whatsapp_access_token,
        whatsapp_api_base_url,
        provider,
        account_sid,
        auth_token,
        api_base_url,
        phone_numbers,
        public_base_url,
        whatsapp_app_secret,
        whatsapp_verify_token: Some(input.whatsapp_verify_token.trim().to_string())
            .filter(|t| !t.is_empty()),
        allow_foreign_numbers: input.allow_foreign_numbers.is_some(),
    })
}

type Cloud = (Option<String>, Option<Vec<u8>>, Option<String>);

/// The WhatsApp Cloud API fields: the phone number's id (digits), its access token
/// (sealed), and an address other than Meta's only where the server allows it.
fn whatsapp_cloud(
    input: &SettingsInput,
    key: Option<&DataKey>,
    allow_custom_urls: bool,
    errors: &mut FieldErrors,
) -> Cloud {
    let id = Some(input.whatsapp_phone_number_id.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(id) = &id {
        if !(5..=20).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_digit()) {
            errors.add(
                "whatsapp_phone_number_id",
                "The phone number ID is the number Meta shows beside the phone number (digits only).",
            );
        }
    }
    let base = url(
        "whatsapp_api_base_url",
        &input.whatsapp_api_base_url,
        errors,
    );
    if let Some(api) = &base {
        if !allow_custom_urls && !crate::rules::url::is_known_whatsapp_api(api) {
            errors.add(
                "whatsapp_api_base_url",
                "Use https://graph.facebook.com/v21.0 (or leave it empty): the access token is sent there.",
            );
        }
    }
    let token = seal(
        key,
        "whatsapp_access_token",
        &input.whatsapp_access_token,
        errors,
    );
    (id, token, base)
}

/// The sending numbers, separated by commas, semicolons or lines, in E.164.
fn numbers(text: &str, country: &str, errors: &mut FieldErrors) -> Vec<String> {
    let mut numbers = Vec::new();
    for number in text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match E164::parse(number, country) {
            Ok(n) => numbers.push(n.as_str().to_string()),
            Err(e) => errors.add("phone_numbers", format!("{number}: {e}")),
        }
    }
    numbers
}

/// A secret sealed with the data key; none when left blank (or with no key to seal it).
fn seal(
    key: Option<&DataKey>,
    field: &str,
    secret: &str,
    errors: &mut FieldErrors,
) -> Option<Vec<u8>> {
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
}

async fn store(tx: &mut PgConnection, org_id: Uuid, s: &Checked) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO messaging_settings (org_id, provider, account_sid, auth_token_enc, api_base_url, phone_numbers,
                                         public_base_url, whatsapp_app_secret_enc, whatsapp_verify_token,
                                         whatsapp_phone_number_id, whatsapp_access_token_enc, whatsapp_api_base_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (org_id) DO UPDATE SET provider = EXCLUDED.provider, account_sid = EXCLUDED.account_sid,
             auth_token_enc = coalesce(EXCLUDED.auth_token_enc, messaging_settings.auth_token_enc),
             api_base_url = EXCLUDED.api_base_url, phone_numbers = EXCLUDED.phone_numbers,
             public_base_url = EXCLUDED.public_base_url,
             whatsapp_app_secret_enc = coalesce(EXCLUDED.whatsapp_app_secret_enc, messaging_settings.whatsapp_app_secret_enc),
             whatsapp_verify_token = EXCLUDED.whatsapp_verify_token,
             whatsapp_phone_number_id = EXCLUDED.whatsapp_phone_number_id,
             whatsapp_access_token_enc = coalesce(EXCLUDED.whatsapp_access_token_enc, messaging_settings.whatsapp_access_token_enc),
             whatsapp_api_base_url = EXCLUDED.whatsapp_api_base_url, updated_at = now()",
    )
    .bind(org_id)
    .bind(s.provider)
    .bind(&s.account_sid)
    .bind(s.auth_token.as_ref())
    .bind(&s.api_base_url)
    .bind(&s.phone_numbers)
    .bind(&s.public_base_url)
    .bind(s.whatsapp_app_secret.as_ref())
    .bind(&s.whatsapp_verify_token)
    .bind(&s.whatsapp_phone_number_id)
    .bind(s.whatsapp_access_token.as_ref())
    .bind(&s.whatsapp_api_base_url)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE organisations SET allow_foreign_numbers = $2 WHERE id = $1")
        .bind(org_id)
        .bind(s.allow_foreign_numbers)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
