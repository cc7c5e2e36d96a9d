use crate::text_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use uuid::Uuid;

text_enum!(
    Channel,
    "channel",
    "Choose SMS, voice, chat or WhatsApp.",
    [
        Sms = "sms" / "SMS",
        Voice = "voice" / "Voice",
        Chat = "chat" / "Web chat",
        Whatsapp = "whatsapp" / "WhatsApp",
    ]
);

text_enum!(
    ConversationStatus,
    "conversation_status",
    "Choose open, pending or resolved.",
    [
        Open = "open" / "Open",
        Pending = "pending" / "Pending",
        Resolved = "resolved" / "Resolved",
    ]
);

text_enum!(
    Direction,
    "message_direction",
    "Choose inbound or outbound.",
    [
        Inbound = "inbound" / "Inbound",
        Outbound = "outbound" / "Outbound",
    ]
);

text_enum!(
    Sender,
    "message_sender",
    "Unknown sender.",
    [
        Customer = "customer" / "Customer",
        Agent = "agent" / "Agent",
        Ai = "ai" / "AI",
        System = "system" / "System",
    ]
);

text_enum!(
    MessageCategory,
    "message_category",
    "Choose conversational, informational or promotional.",
    [
        Conversational = "conversational" / "Conversational (a reply)",
        Informational = "informational" / "Informational (reminders, updates)",
        Promotional = "promotional" / "Promotional (offers)",
    ]
);

text_enum!(
    DeliveryStatus,
    "delivery_status",
    "Unknown delivery status.",
    [
        Received = "received" / "Received",
        Queued = "queued" / "Queued",
        // The outbox worker is handing it to the carrier now.
        Sending = "sending" / "Sending",
        // The worker stopped while the carrier had it: never sent again (decision 13).
        Unknown = "unknown" / "Not known whether the carrier sent it",
        Sent = "sent" / "Sent",
        Delivered = "delivered" / "Delivered",
        Failed = "failed" / "Failed",
        Blocked = "blocked" / "Blocked",
    ]
);

/// One row of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ConversationRow {
    pub id: Uuid,
    pub lead_id: Uuid,
    pub lead_name: String,
    pub channel: Channel,
    pub status: ConversationStatus,
    pub assigned_to: Option<Uuid>,
    pub assignee: Option<String>,
    pub unread_count: i32,
    pub last_activity_at: DateTime<Utc>,
    pub last_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MessageView {
    pub id: Uuid,
    pub direction: Direction,
    pub body: String,
    pub media_count: i32,
    pub sender: Sender,
    pub sender_name: Option<String>,
    pub category: Option<MessageCategory>,
    pub status: DeliveryStatus,
    pub status_reason: Option<String>,
    pub simulated: bool,
    /// Written by the assistant, or drafted by it and sent by a person.
    pub ai_assisted: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CallView {
    pub id: Uuid,
    pub from_number: String,
    pub to_number: String,
    pub direction: Direction,
    pub started_at: DateTime<Utc>,
    pub duration_secs: Option<i32>,
    pub status: String,
    pub transcript: Option<String>,
}

/// Whether a message of a category may go to this conversation now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendCheck {
    pub category: MessageCategory,
    pub allowed: bool,
    pub reason: Option<String>,
}

/// The conversation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub conversation: ConversationRow,
    pub lead_phone: Option<String>,
    pub lead_email: Option<String>,
    pub lead_status: crate::model::LeadStatus,
    pub lead_vehicle: Option<String>,
    pub messages: Vec<MessageView>,
    pub calls: Vec<CallView>,
    pub checks: Vec<SendCheck>,
    /// A recent text may have been an opt-out: a person decides (SPEC §3.3).
    pub consent_review: bool,
    pub can_reply: bool,
    pub can_assign: bool,
    pub assignees: Vec<crate::model::Assignee>,
    /// For a web chat: what the visitor claimed and whether it was proven.
    pub chat: Option<ChatClaim>,
    /// A cursor to the messages before these, when there are more.
    pub earlier: Option<String>,
    /// Why the assistant handed this conversation to a person, if it did.
    pub ai_handoff: Option<super::Handoff>,
}

/// A web chat's claim: the phone or e-mail the visitor typed, which proves nothing until
/// they confirm a code sent to it or staff link the chat to its person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatClaim {
    pub claimed: Option<String>,
    /// `code` (the visitor proved it) or `staff` (linked by hand); none while unproven.
    pub verified_how: Option<String>,
    pub ended: bool,
}

/// The inbox filters as they appear in the URL; empty means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    /// `mine`, `unassigned` or empty for everything the caller may see.
    pub view: String,
    pub status: String,
    pub channel: String,
    pub cursor: String,
}

impl super::ListQuery for InboxQuery {
    fn cursor(&self) -> &str {
        &self.cursor
    }
}
