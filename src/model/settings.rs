use serde::{Deserialize, Serialize};

/// What the messaging settings page shows: never a secret, only whether one is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    /// The organisation's short name in its public addresses.
    pub org_slug: String,
    pub provider: String,
    pub account_sid: String,
    pub has_auth_token: bool,
    pub api_base_url: String,
    pub phone_numbers: String,
    pub public_base_url: String,
    pub has_whatsapp_secret: bool,
    pub whatsapp_verify_token: String,
    /// WhatsApp sent through Meta's Cloud API directly: the phone number's id, whether an
    /// access token is stored, and the API's address (empty: Meta's).
    pub whatsapp_phone_number_id: String,
    pub has_whatsapp_access_token: bool,
    pub whatsapp_api_base_url: String,
    /// Public pages may text numbers of other countries.
    pub allow_foreign_numbers: bool,
}

/// The settings form as typed. An empty secret field keeps the stored secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    pub provider: String,
    pub account_sid: String,
    pub auth_token: String,
    pub api_base_url: String,
    pub phone_numbers: String,
    pub public_base_url: String,
    pub whatsapp_app_secret: String,
    pub whatsapp_verify_token: String,
    pub whatsapp_phone_number_id: String,
    pub whatsapp_access_token: String,
    pub whatsapp_api_base_url: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    pub allow_foreign_numbers: Option<String>,
}

/// One line of a web chat as the visitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatLine {
    pub from_visitor: bool,
    pub body: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The visitor's web chat: what was said since it began, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatView {
    pub lines: Vec<ChatLine>,
    /// The phone or e-mail the visitor typed, as they typed it (a claim until proven).
    pub claimed: Option<String>,
    /// The visitor proved the claim, or staff linked the chat to its person.
    pub verified: bool,
    /// The visitor ended the chat (a STOP before it was proven).
    pub ended: bool,
    /// A code is on its way to the claimed contact.
    pub code_sent: bool,
}
