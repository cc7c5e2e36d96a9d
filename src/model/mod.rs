//! Types shared by the server and the browser. Nothing here does I/O.

mod ai_processor;
mod appointment;
mod assistant;
mod audit;
mod choice;
mod consent;
mod consent_level;
mod conversation;
mod email;
mod form;
mod import;
mod insight;
mod lead;
mod lead_view;
mod org;
mod page;
mod phone;
mod privacy;
mod purpose;
mod role;
mod settings;
mod user;
mod vin;

pub use ai_processor::AiProcessor;
pub use appointment::{
    AppointmentSource, AppointmentStatus, AppointmentType, AppointmentTypeInput, AppointmentView,
    Attention, BookingInput, BookingOptions, BookingOutcome, CalendarEntry, CalendarFeed,
    CalendarQuery, CalendarSettings, CalendarSettingsView, CalendarView, PersonHours,
    ReminderState, ReminderView, SlotOffer, HOURS_FIELDS, WEEKDAYS,
};
pub use assistant::{
    AiActivity, AiSettingsInput, AiSettingsView, AiUsageRow, AutopilotEntry, InsightView,
};
pub use audit::{AuditAction, AuditFamily, AuditObject};
pub use choice::Choice;
pub use consent::{
    capitalised, BlockedSend, BrokenLink, ChannelFamily, ConsentCell, ConsentEventView,
    ConsentMedium, ConsentNumberRow, ConsentWording, EvidencePacket, LeadRef, NumberConsent,
    PacketMessage, PacketOptOut, PublicConsentForm, PublicConsentInput, RecordConsentInput,
    RecordOptOutInput, Verification,
};
pub use consent_level::ConsentLevel;
pub use conversation::{
    CallView, Channel, ChatClaim, ConversationRow, ConversationStatus, DeliveryStatus, Direction,
    InboxQuery, MessageCategory, MessageView, SendCheck, Sender, Thread,
};
pub use email::Email;
pub use form::FieldErrors;
pub use import::{ImportPreview, ImportReport, PreviewRow, RejectedRow, RowOutcome};
pub use insight::{AiProvider, Draft, Facts, Handoff, Insight, LeadIntent, ScoreReason};
pub use lead::{
    Assignee, Lead, LeadInput, LeadList, LeadNote, LeadQuery, LeadRow, LeadSource, LeadStatus,
};
pub use lead_view::LeadView;
pub use org::{OrgSlug, Vertical};
pub use page::{ListQuery, Page, PageQuery, PAGE_SIZE};
pub use phone::E164;
pub use privacy::{
    AuditList, AuditQuery, AuditRow, CorrectionInput, DataClassCount, DueState, ExecutionReport,
    PersonRecords, PrivacyQuery, PrivacyRequestInput, PrivacyRequestKind, PrivacyRequestList,
    PrivacyRequestRow, PrivacyRequestStatus, PrivacyRequestView, PrivacySettings, PublicPrivacyOrg,
    RejectionReason, RequestStep, RetentionCounts, DUE_SOON_DAYS,
};
pub use purpose::Purpose;
pub use role::Role;
pub use settings::{ChatLine, ChatView, SettingsInput, SettingsView};
pub use user::{CurrentUser, UserSummary};
pub use vin::Vin;
