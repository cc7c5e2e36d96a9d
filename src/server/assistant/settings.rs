//! An organisation's AI settings: the provider (its key sealed with `DATA_KEY`, shown only
//! by its last four characters), the autopilot and the voice agent, and the fallback to the
//! built-in assistant after repeated provider failures.

use crate::error::AppError;
use crate::model::{
    AiProvider, AiSettingsInput, AiSettingsView, AuditAction, AuditObject, Channel,
};
use crate::server::auth::Caller;
use crate::server::crypto::DataKey;
use crate::server::db::{self, audit::AuditEvent};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

mod check;

use check::check;

/// Failures in a row after which the organisation falls back to the built-in assistant.
pub const FALLBACK_AFTER: i32 = 3;

/// The settings as the server uses them, the key opened.
#[derive(Debug, Clone)]
pub struct AiConfig {
    /// What the manager chose.
    pub chosen: AiProvider,
    pub model: Option<String>,
    pub api_base_url: Option<String>,
    pub api_key: Option<String>,
    pub autopilot_channels: Vec<Channel>,
    pub after_minutes: i32,
    pub business_days: Vec<i16>,
    pub opens_at: i16,
    pub closes_at: i16,
    pub transfer_number: Option<String>,
    pub calls_recorded: bool,
    pub fallback_reason: Option<String>,
    pub fallback_at: Option<DateTime<Utc>>,
    key_last4: Option<String>,
}

impl Default for AiConfig {
    fn default() -> Self {
        AiConfig {
            chosen: AiProvider::Builtin,
            model: None,
            api_base_url: None,
            api_key: None,
            autopilot_channels: Vec::new(),
            after_minutes: 5,
            business_days: vec![1, 2, 3, 4, 5, 6],
            opens_at: 9,
            closes_at: 19,
            transfer_number: None,
            calls_recorded: false,
            fallback_reason: None,
            fallback_at: None,
            key_last4: None,
        }
    }
}

impl AiConfig {
    /// The provider in use: the built-in one while fallen back, or when a remote one has
    /// no key (or `DATA_KEY` changed and the key cannot be opened).
    pub fn provider(&self) -> AiProvider {
        match self.chosen {
            _ if self.fallback_reason.is_some() => AiProvider::Builtin,
            AiProvider::Builtin => AiProvider::Builtin,
            remote if self.api_key.is_some() => remote,
            _ => AiProvider::Builtin,
        }
    }

    pub fn autopilot_on(&self, channel: Channel) -> bool {
        self.autopilot_channels.contains(&channel)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    provider: AiProvider,
    model: Option<String>,
    api_base_url: Option<String>,
    api_key_enc: Option<Vec<u8>>,
    api_key_last4: Option<String>,
    autopilot_channels: Vec<String>,
    autopilot_after_minutes: i32,
    business_days: Vec<i16>,
    opens_at: i16,
    closes_at: i16,
    transfer_number: Option<String>,
    calls_recorded: bool,
    fallback_reason: Option<String>,
    fallback_at: Option<DateTime<Utc>>,
}

pub async fn load<'e>(
    executor: impl PgExecutor<'e>,
    key: Option<&DataKey>,
    org_id: Uuid,
) -> Result<AiConfig, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT provider, model, api_base_url, api_key_enc, api_key_last4,
                autopilot_channels::text[] AS autopilot_channels, autopilot_after_minutes,
                business_days, opens_at, closes_at, transfer_number, calls_recorded,
                fallback_reason, fallback_at
         FROM ai_settings WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else {
        return Ok(AiConfig::default());
    };
    Ok(AiConfig {
        chosen: row.provider,
        model: row.model,
        api_base_url: row.api_base_url,
        api_key: row.api_key_enc.and_then(|sealed| key?.open(&sealed)),
        autopilot_channels: row
            .autopilot_channels
            .iter()
            .filter_map(|c| c.parse().ok())
            .collect(),
        after_minutes: row.autopilot_after_minutes,
        business_days: row.business_days,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        transfer_number: row.transfer_number,
        calls_recorded: row.calls_recorded,
        fallback_reason: row.fallback_reason,
        fallback_at: row.fallback_at,
        key_last4: row.api_key_last4,
    })
}

pub async fn view(
    pool: &PgPool,
    key: Option<&DataKey>,
    org_id: Uuid,
) -> Result<AiSettingsView, AppError> {
    let c = load(pool, key, org_id).await?;
    Ok(AiSettingsView {
        provider: c.chosen,
        model: c.model.unwrap_or_default(),
        api_base_url: c.api_base_url.unwrap_or_default(),
        key_last4: c.key_last4,
        autopilot_channels: c.autopilot_channels,
        autopilot_after_minutes: c.after_minutes,
        business_days: c.business_days,
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        transfer_number: c.transfer_number.unwrap_or_default(),
        calls_recorded: c.calls_recorded,
        fallback_reason: c.fallback_reason,
        fallback_at: c.fallback_at,
    })
}

/// Saves the settings; saving also clears a fallback, so a fixed key is tried again.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn save(
    pool: &PgPool,
    key: Option<&DataKey>,
    allow_custom_urls: bool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: AiSettingsInput,
) -> Result<(), AppError> {
    let country = db::orgs::profile(pool, caller.org_id).await?.country;
    let has_key = load(pool, key, caller.org_id).await?.api_key.is_some();
    let c = check(&input, &country, key, allow_custom_urls, has_key)?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO ai_settings (org_id, provider, model, api_base_url, api_key_enc, api_key_last4,
             autopilot_channels, autopilot_after_minutes, business_days, opens_at, closes_at,
             transfer_number, calls_recorded)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text[]::channel[], $8, $9, $10, $11, $12, $13)
         ON CONFLICT (org_id) DO UPDATE SET provider = EXCLUDED.provider, model = EXCLUDED.model,
             api_base_url = EXCLUDED.api_base_url,
             api_key_enc = coalesce(EXCLUDED.api_key_enc, ai_settings.api_key_enc),
             api_key_last4 = coalesce(EXCLUDED.api_key_last4, ai_settings.api_key_last4),
             autopilot_channels = EXCLUDED.autopilot_channels,
             autopilot_after_minutes = EXCLUDED.autopilot_after_minutes,
             business_days = EXCLUDED.business_days, opens_at = EXCLUDED.opens_at,
             closes_at = EXCLUDED.closes_at, transfer_number = EXCLUDED.transfer_number,
             calls_recorded = EXCLUDED.calls_recorded,
             consecutive_failures = 0, fallback_reason = NULL, fallback_at = NULL, updated_at = now()",
    )
    .bind(caller.org_id)
    .bind(c.provider)
    .bind(&c.model)
    .bind(&c.api_base_url)
    .bind(c.api_key.as_ref().map(|(sealed, _)| sealed))
    .bind(c.api_key.as_ref().map(|(_, last4)| last4))
    .bind(&c.channels)
    .bind(c.after_minutes)
    .bind(&c.days)
    .bind(c.opens_at)
    .bind(c.closes_at)
    .bind(&c.transfer_number)
    .bind(c.calls_recorded)
    .execute(&mut *tx)
    .await?;
    let detail = json!({
        "provider": c.provider.as_str(), "key_changed": c.api_key.is_some(),
        "autopilot_channels": c.channels, "after_minutes": c.after_minutes,
    });
    let object = (AuditObject::Organisation, caller.org_id.to_string());
    let event = AuditEvent::by(caller, ip, AuditAction::AiSettingsUpdated, object, detail);
    db::audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Counts a provider failure; the third in a row switches the organisation to the
/// built-in assistant until a manager saves the settings again.
pub async fn record_failure(pool: &PgPool, org_id: Uuid, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE ai_settings SET consecutive_failures = consecutive_failures + 1,
             fallback_reason = CASE WHEN fallback_reason IS NULL AND consecutive_failures + 1 >= $2
                                    THEN $3 ELSE fallback_reason END,
             fallback_at = CASE WHEN fallback_at IS NULL AND consecutive_failures + 1 >= $2
                                THEN now() ELSE fallback_at END
         WHERE org_id = $1",
    )
    .bind(org_id)
    .bind(FALLBACK_AFTER)
    .bind(format!(
        "{FALLBACK_AFTER} failures in a row, the last: {reason}"
    ))
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn record_success(pool: &PgPool, org_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE ai_settings SET consecutive_failures = 0 WHERE org_id = $1 AND consecutive_failures > 0")
        .bind(org_id)
        .execute(pool)
        .await?;
    Ok(())
}
