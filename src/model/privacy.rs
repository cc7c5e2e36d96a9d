//! Privacy (data-subject) requests, retention and the audit log as the pages see them.

use crate::text_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use uuid::Uuid;

text_enum!(
    PrivacyRequestKind,
    "privacy_request_kind",
    "Choose what the person asks for.",
    [
        Access = "access" / "Access (a copy of their data)",
        Portability = "portability" / "Portability (machine-readable export)",
        Correction = "correction" / "Correction",
        Deletion = "deletion" / "Deletion",
        Restriction = "restriction" / "Restriction of processing",
        MarketingOptOut = "marketing_opt_out" / "Opt-out of marketing",
    ]
);

text_enum!(
    PrivacyRequestStatus,
    "privacy_request_status",
    "Unknown status.",
    [
        Received = "received" / "Received",
        Verified = "verified" / "Identity verified",
        InProgress = "in_progress" / "In progress",
        Completed = "completed" / "Completed",
        Rejected = "rejected" / "Rejected",
    ]
);

impl PrivacyRequestStatus {
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            PrivacyRequestStatus::Completed | PrivacyRequestStatus::Rejected
        )
    }
}

/// Why a request is refused. The requester is told one of these fixed texts, never words
/// typed by staff: a rejection texts or mails a number or address anyone may have typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RejectionReason {
    NotVerified,
    Duplicate,
    NoData,
    Excessive,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 4] = [
        RejectionReason::NotVerified,
        RejectionReason::Duplicate,
        RejectionReason::NoData,
        RejectionReason::Excessive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectionReason::NotVerified => "not_verified",
            RejectionReason::Duplicate => "duplicate",
            RejectionReason::NoData => "no_data",
            RejectionReason::Excessive => "excessive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RejectionReason::NotVerified => "Identity could not be verified",
            RejectionReason::Duplicate => "Repeats a request already handled",
            RejectionReason::NoData => "No personal data matches",
            RejectionReason::Excessive => "Manifestly unfounded or excessive",
        }
    }

    /// What the requester is told, after "we cannot act on your privacy request:".
    pub fn text(self) -> &'static str {
        match self {
            RejectionReason::NotVerified => "we could not confirm that you are the person whose data you asked about. You may file a new request and verify it with the code we send.",
            RejectionReason::Duplicate => "it repeats a request of yours that we are already handling or have answered.",
            RejectionReason::NoData => "we hold no personal data that matches the contact details you gave.",
            RejectionReason::Excessive => "it is manifestly unfounded or excessive. You may complain to your data-protection authority.",
        }
    }
}

impl FromStr for RejectionReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RejectionReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| "Choose a reason from the list.".to_string())
    }
}

/// A request due within this many days is highlighted, like an overdue one.
pub const DUE_SOON_DAYS: i64 = 3;

/// How a request is doing against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DueState {
    Overdue,
    DueSoon,
    OnTime,
    Closed,
}

impl DueState {
    pub fn class(self) -> &'static str {
        match self {
            DueState::Overdue => "due overdue",
            DueState::DueSoon => "due soon",
            DueState::OnTime | DueState::Closed => "due",
        }
    }
}

/// One row of the requests page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequestRow {
    pub id: Uuid,
    pub kind: PrivacyRequestKind,
    pub requester_name: String,
    pub contact: String,
    pub status: PrivacyRequestStatus,
    pub assignee: Option<String>,
    pub received_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub due: DueState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequestList {
    #[serde(flatten)]
    pub page: super::Page<PrivacyRequestRow>,
    pub policy: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacyQuery {
    /// `open` (the default), `closed` or `all`.
    pub show: String,
    pub kind: String,
    pub cursor: String,
}

impl super::ListQuery for PrivacyQuery {
    fn cursor(&self) -> &str {
        &self.cursor
    }
}

/// One step in a request's history (from the audit log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RequestStep {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: Option<String>,
    pub detail: String,
}

/// What a request touches: the records found for the person, by e-mail and phone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecords {
    pub leads: Vec<super::LeadRef>,
    pub messages: i64,
    pub calls: i64,
    pub consent_events: i64,
}

/// A class of data and what a deletion or retention run did with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataClassCount {
    pub class: String,
    pub count: i64,
    /// Why it was kept, when it was.
    pub why: Option<String>,
}

/// The outcome of executing a request, shown on it and downloadable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionReport {
    pub summary: String,
    pub erased: Vec<DataClassCount>,
    pub kept: Vec<DataClassCount>,
    /// Files in an access or portability bundle.
    pub manifest: Vec<DataClassCount>,
}

/// Everything the request page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequestView {
    pub id: Uuid,
    pub kind: PrivacyRequestKind,
    pub requester_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub details: Option<String>,
    pub received_via: String,
    pub status: PrivacyRequestStatus,
    pub rejection_reason: Option<String>,
    pub assignee: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub received_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub due: DueState,
    pub completed_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub code_sent_to: Option<String>,
    pub code_expires_at: Option<DateTime<Utc>>,
    pub records: PersonRecords,
    pub report: Option<ExecutionReport>,
    pub has_bundle: bool,
    pub steps: Vec<RequestStep>,
    /// Compliance officers the request can be assigned to.
    pub officers: Vec<super::Assignee>,
    pub can_process: bool,
}

/// A request as staff enter it, or as a person files it on the public page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacyRequestInput {
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub details: String,
    /// `email`, `phone` or `in_person` for staff; the public page sends `web`.
    pub received_via: String,
}

/// A correction: the new values; empty fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CorrectionInput {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// The organisation's deadline and retention policies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacySettings {
    /// `calendar` or `business`.
    pub deadline_kind: String,
    pub deadline_days: String,
    /// `YYYY-MM-DD`, empty while the subscription runs.
    pub subscription_ends_on: String,
    /// Empty: communications are kept for the subscription plus 90 days.
    pub communications_max_age_days: String,
}

/// What a retention run purges (or, in a dry run, would purge).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionCounts {
    pub messages: i64,
    pub calls: i64,
    pub chat_visitors: i64,
    /// Copies of mail sent by the built-in mail provider.
    pub mail: i64,
    /// Data bundles of requests completed over 30 days ago.
    pub bundles: i64,
    pub user_accounts: i64,
    /// Uploaded import files older than 30 days.
    #[serde(default)]
    pub imports: i64,
    /// Audit events whose details carry personal data past the communications cut-off.
    #[serde(default)]
    pub audit_details: i64,
    /// Opt-out records: never purged, shown so the preview says so.
    pub opt_outs_kept: i64,
    /// Communications older than this are purged (none when `None`).
    pub communications_before: Option<DateTime<Utc>>,
}

/// One line of the audit log page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// A user's id.
    pub user: String,
    /// An action, or its start (`consent.` for every consent action).
    pub action: String,
    pub object: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
    pub cursor: String,
}

impl super::ListQuery for AuditQuery {
    fn cursor(&self) -> &str {
        &self.cursor
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditList {
    #[serde(flatten)]
    pub page: super::Page<AuditRow>,
    pub people: Vec<super::Assignee>,
}

/// What the public privacy page says of the organisation: its name, and the AI service
/// that reads messages for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPrivacyOrg {
    pub name: String,
    pub ai: super::AiProcessor,
}
