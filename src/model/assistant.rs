//! What the assistant's pages show: the insight on a lead, the AI settings (never the key,
//! only its last four characters), and the usage and autopilot log managers read.

use super::{AiProvider, Channel, Handoff, Insight};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A lead's insight as stored, with when it was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightView {
    pub lead_id: Uuid,
    pub insight: Insight,
    pub updated_at: DateTime<Utc>,
    /// The lead is restricted: the insight is frozen and the assistant reads nothing new.
    pub restricted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiSettingsView {
    pub provider: AiProvider,
    pub model: String,
    pub api_base_url: String,
    /// The stored key's last four characters; none when no key is stored.
    pub key_last4: Option<String>,
    pub autopilot_channels: Vec<Channel>,
    pub autopilot_after_minutes: i32,
    /// 1 (Monday) to 7.
    pub business_days: Vec<i16>,
    pub opens_at: i16,
    pub closes_at: i16,
    pub transfer_number: String,
    pub calls_recorded: bool,
    /// Why the organisation is on the built-in assistant after repeated failures.
    pub fallback_reason: Option<String>,
    pub fallback_at: Option<DateTime<Utc>>,
}

/// The AI settings form as typed. An empty key keeps the stored key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AiSettingsInput {
    pub provider: String,
    pub model: String,
    pub api_base_url: String,
    pub api_key: String,
    /// Channel names (`sms`, `whatsapp`, `chat`, `voice`) the autopilot answers.
    pub autopilot_channels: Vec<String>,
    pub autopilot_after_minutes: String,
    pub business_days: Vec<String>,
    pub opens_at: String,
    pub closes_at: String,
    pub transfer_number: String,
    pub calls_recorded: Option<String>,
}

/// AI calls of one day and purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AiUsageRow {
    pub day: NaiveDate,
    pub purpose: String,
    pub calls: i64,
    pub failures: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub mean_latency_ms: i64,
}

/// One thing the autopilot did: a message it sent, or a conversation it handed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AutopilotEntry {
    pub conversation_id: Uuid,
    pub lead_name: String,
    pub channel: Channel,
    pub at: DateTime<Utc>,
    /// Set for a handoff; none for a message.
    pub handoff: Option<Handoff>,
    /// The message as sent, or blocked and why.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiActivity {
    pub usage: Vec<AiUsageRow>,
    pub autopilot: Vec<AutopilotEntry>,
}
