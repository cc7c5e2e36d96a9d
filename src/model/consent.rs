//! The consent ledger as the pages see it (SPEC §3).

use super::{Channel, ConsentLevel, MessageCategory};
use crate::text_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use uuid::Uuid;

text_enum!(
    ChannelFamily,
    "channel_family",
    "Choose texts, calls or WhatsApp.",
    [
        Texts = "texts" / "Texts (SMS and web chat)",
        Calls = "calls" / "Calls",
        Whatsapp = "whatsapp" / "WhatsApp",
    ]
);

impl ChannelFamily {
    /// Consent is kept per channel family: texts (SMS and our web chat), calls, WhatsApp.
    pub fn of(channel: Channel) -> ChannelFamily {
        match channel {
            Channel::Sms | Channel::Chat => ChannelFamily::Texts,
            Channel::Voice => ChannelFamily::Calls,
            Channel::Whatsapp => ChannelFamily::Whatsapp,
        }
    }
}

text_enum!(
    ConsentMedium,
    "consent_medium",
    "Choose how the consent or opt-out was given.",
    [
        WebForm = "web_form" / "Web form",
        PaperForm = "paper_form" / "Paper form",
        InPerson = "in_person" / "In person",
        SmsKeyword = "sms_keyword" / "SMS keyword",
        VerbalCall = "verbal_call" / "Verbally on a call",
        Email = "email" / "Email",
        Import = "import" / "Import",
        ChatMessage = "chat_message" / "Web chat message",
    ]
);

impl ConsentMedium {
    /// What staff may record by hand (web forms and keywords record themselves).
    pub const STAFF: [ConsentMedium; 4] = [
        ConsentMedium::PaperForm,
        ConsentMedium::InPerson,
        ConsentMedium::VerbalCall,
        ConsentMedium::Email,
    ];
}

/// One ledger event with all of its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEventView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub phone: String,
    pub family: ChannelFamily,
    /// `None` for a revoke.
    pub level: Option<ConsentLevel>,
    pub categories: Vec<MessageCategory>,
    pub medium: ConsentMedium,
    pub language: Option<String>,
    pub language_sha256: Option<String>,
    pub campaign: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub person_name: Option<String>,
    /// The staff member who captured it; `None` when the system did (keyword, web form).
    pub captured_by: Option<String>,
    pub source_ref: Option<String>,
    pub hash: String,
    pub prev_hash: Option<String>,
}

impl ConsentEventView {
    pub fn is_grant(&self) -> bool {
        self.level.is_some()
    }

    /// "Express written consent" or "Opt-out", for lists.
    pub fn title(&self) -> String {
        match self.level {
            Some(level) => format!("{} consent", capitalised(level.label())),
            None if self.categories.len() < MessageCategory::ALL.len() => format!(
                "Opt-out of {}",
                self.categories
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "Opt-out".to_string(),
        }
    }
}

/// `text` with its first letter upper-case.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Whether one category may be sent on one channel family now, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentCell {
    pub family: ChannelFamily,
    pub category: MessageCategory,
    pub allowed: bool,
    pub why: String,
}

/// A lead that has the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LeadRef {
    pub id: Uuid,
    pub name: String,
}

/// The number page: its state per channel family and category, and its whole history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberConsent {
    pub phone: String,
    pub leads: Vec<LeadRef>,
    pub state: Vec<ConsentCell>,
    /// Newest first.
    pub events: Vec<ConsentEventView>,
    /// Consent wording staff may start from when recording a grant.
    pub wordings: Vec<ConsentWording>,
}

/// The organisation's consent language for one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentWording {
    pub category: MessageCategory,
    pub text: String,
    /// Hex SHA-256 of `text`: the form sends it back, so the text recorded is the text shown.
    pub sha256: String,
    /// `false` while the built-in default is in use.
    pub customised: bool,
}

/// What the public consent form shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicConsentForm {
    pub org_name: String,
    pub wordings: Vec<ConsentWording>,
    /// The number customers text (START, STOP), when the organisation has one.
    pub text_number: Option<String>,
}

/// One row of the consent search and of the recent events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ConsentNumberRow {
    pub phone: String,
    pub lead_name: Option<String>,
    pub last_at: Option<DateTime<Utc>>,
    pub events: i64,
}

/// The result of re-computing an organisation's hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub checked: i64,
    /// The first event whose stored hash or link does not match its content, and why.
    pub first_broken: Option<BrokenLink>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    pub seq: i64,
    pub phone: String,
    pub why: String,
}

/// One outbound message to the number, for the evidence packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PacketMessage {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub channel: Channel,
    pub category: Option<MessageCategory>,
    pub status: super::DeliveryStatus,
    pub status_reason: Option<String>,
    pub purpose: Option<super::Purpose>,
    pub body: String,
}

/// An opt-out and the one confirmation it called for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketOptOut {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub medium: ConsentMedium,
    pub confirmation_queued_at: Option<DateTime<Utc>>,
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    pub confirmation_status: Option<super::DeliveryStatus>,
}

/// Everything that proves what a number agreed to and what it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidencePacket {
    pub organisation: String,
    pub phone: String,
    pub generated_at: DateTime<Utc>,
    pub generated_by: String,
    pub leads: Vec<LeadRef>,
    pub state: Vec<ConsentCell>,
    /// Oldest first, with every evidence field.
    pub events: Vec<ConsentEventView>,
    pub opt_outs: Vec<PacketOptOut>,
    /// Every outbound message to the number, oldest first.
    pub messages: Vec<PacketMessage>,
    pub verification: Verification,
}

/// One refused send, for the compliance report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct BlockedSend {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    /// None for a system text addressed to a number (a code, "reply YES").
    pub conversation_id: Option<Uuid>,
    pub lead_name: String,
    pub phone: Option<String>,
    pub channel: Channel,
    pub category: Option<MessageCategory>,
    pub sender_name: Option<String>,
    pub reason: Option<String>,
}

/// A grant recorded by staff (paper, in person, on a call, by e-mail).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordConsentInput {
    pub phone: String,
    pub family: String,
    pub level: String,
    pub medium: String,
    pub language: String,
    pub person_name: String,
    pub source_ref: String,
    pub campaign: String,
}

/// An opt-out received by staff (e-mail, phone, in person).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordOptOutInput {
    pub phone: String,
    /// A family, or "all".
    pub family: String,
    /// "all" or "promotional".
    pub scope: String,
    pub medium: String,
    pub person_name: String,
    pub source_ref: String,
    /// What the person said, in their words where possible.
    pub language: String,
}

/// The public consent form as submitted. Checkboxes arrive only when ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicConsentInput {
    pub org: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub informational: Option<String>,
    pub promotional: Option<String>,
    /// The SHA-256 of each wording as it was shown.
    pub informational_sha256: String,
    pub promotional_sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_say_what_an_event_did() {
        let mut event = ConsentEventView {
            seq: 1,
            at: Utc::now(),
            phone: "+13125550100".into(),
            family: ChannelFamily::Texts,
            level: Some(ConsentLevel::ExpressWritten),
            categories: ConsentLevel::ExpressWritten.covers(),
            medium: ConsentMedium::WebForm,
            language: None,
            language_sha256: None,
            campaign: None,
            ip: None,
            user_agent: None,
            person_name: None,
            captured_by: None,
            source_ref: None,
            hash: String::new(),
            prev_hash: None,
        };
        assert_eq!(event.title(), "Express written consent");
        event.level = None;
        assert_eq!(event.title(), "Opt-out");
        event.categories = vec![MessageCategory::Promotional];
        assert_eq!(event.title(), "Opt-out of promotional");
    }

    #[test]
    fn chat_shares_the_texts_family() {
        assert_eq!(ChannelFamily::of(Channel::Chat), ChannelFamily::Texts);
        assert_eq!(ChannelFamily::of(Channel::Voice), ChannelFamily::Calls);
    }
}
