//! What the audit log records: every action and the kinds of object it is about. The
//! server writes only these; the audit page's filter lists their families.

use serde::{Deserialize, Serialize};

macro_rules! audit_actions {
    ($($variant:ident = $text:literal,)+) => {
        /// One kind of line in the append-only audit log.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum AuditAction { $($variant),+ }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),+];

            /// The name stored in `audit_events.action`: `family.what`.
            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$variant => $text),+ }
            }
        }
    };
}

audit_actions! {
    SignIn = "auth.sign_in",
    SignInFailed = "auth.sign_in_failed",
    SignOut = "auth.sign_out",
    UserCreated = "user.created",
    UserRoleChanged = "user.role_changed",
    UserDeactivated = "user.deactivated",
    UserReactivated = "user.reactivated",
    PasswordChanged = "user.password_changed",
    PasswordResetSent = "user.password_reset_sent",
    PasswordReset = "user.password_reset",
    OrgCreated = "org.created",
    LeadCreated = "lead.created",
    LeadViewed = "lead.viewed",
    LeadUpdated = "lead.updated",
    LeadStatusChanged = "lead.status_changed",
    LeadAssigned = "lead.assigned",
    LeadNoteAdded = "lead.note_added",
    LeadInsightAccepted = "lead.insight_accepted",
    LeadDeleted = "lead.deleted",
    LeadsImported = "leads.imported",
    LeadsExported = "leads.exported",
    ConversationViewed = "conversation.viewed",
    ConversationAssigned = "conversation.assigned",
    AiAssistedReply = "conversation.ai_assisted_reply",
    AutopilotReplied = "conversation.autopilot_replied",
    AutopilotHandedOff = "conversation.autopilot_handoff",
    AutopilotResumed = "conversation.autopilot_resumed",
    ChatLinked = "chat.linked",
    AppointmentBooked = "appointment.booked",
    AppointmentRescheduled = "appointment.rescheduled",
    AppointmentCancelled = "appointment.cancelled",
    AppointmentMarked = "appointment.marked",
    AppointmentConfirmed = "appointment.confirmed",
    CalendarSettingsChanged = "settings.calendar_updated",
    CalendarFeedChanged = "user.calendar_feed_changed",
    ConsentViewed = "consent.viewed",
    ConsentRecorded = "consent.recorded",
    OptOutRecorded = "consent.opt_out_recorded",
    ConsentReviewed = "consent.reviewed",
    ConsentWebForm = "consent.web_form",
    ConsentWebFormConfirmed = "consent.web_form_confirmed",
    ConsentWebFormRefused = "consent.web_form_refused",
    ConsentWordingChanged = "consent.wording_changed",
    ConsentPacketExported = "consent.packet_exported",
    LedgerVerified = "consent.ledger_verified",
    LedgerHeadSigned = "consent.head_signed",
    PrivacyReceived = "privacy.received",
    PrivacyCodeSent = "privacy.code_sent",
    PrivacyCodeRefused = "privacy.code_refused",
    PrivacyVerified = "privacy.verified",
    PrivacyAssigned = "privacy.assigned",
    PrivacyViewed = "privacy.viewed",
    PrivacyListViewed = "privacy.list_viewed",
    PrivacyExecuted = "privacy.executed",
    PrivacyCorrected = "privacy.corrected",
    PrivacyRejected = "privacy.rejected",
    PrivacyRestrictionLifted = "privacy.restriction_lifted",
    PrivacyBundleDownloaded = "privacy.bundle_downloaded",
    PrivacyReportDownloaded = "privacy.report_downloaded",
    PrivacyMailViewed = "privacy.mail_viewed",
    PrivacySettingsChanged = "privacy.settings_changed",
    RetentionRun = "retention.run",
    MessagingSettingsUpdated = "settings.messaging_updated",
    AiSettingsUpdated = "settings.ai_updated",
    AuditViewed = "audit.viewed",
    AuditExported = "audit.exported",
}

impl AuditAction {
    pub fn family(self) -> AuditFamily {
        let prefix = self.as_str().split('.').next().unwrap_or_default();
        AuditFamily::ALL
            .iter()
            .copied()
            .find(|f| f.prefix().trim_end_matches('.') == prefix)
            .unwrap_or(AuditFamily::Org)
    }
}

/// The groups the audit page filters by (an action's name starts with its prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditFamily {
    Auth,
    User,
    Lead,
    Leads,
    Conversation,
    Chat,
    Appointment,
    Consent,
    Privacy,
    Retention,
    Settings,
    Audit,
    Org,
}

impl AuditFamily {
    pub const ALL: [AuditFamily; 13] = [
        AuditFamily::Auth,
        AuditFamily::User,
        AuditFamily::Lead,
        AuditFamily::Leads,
        AuditFamily::Conversation,
        AuditFamily::Chat,
        AuditFamily::Appointment,
        AuditFamily::Consent,
        AuditFamily::Privacy,
        AuditFamily::Retention,
        AuditFamily::Settings,
        AuditFamily::Audit,
        AuditFamily::Org,
    ];

    /// The filter's value: every action whose name starts with it.
    pub fn prefix(self) -> &'static str {
        match self {
            AuditFamily::Auth => "auth.",
            AuditFamily::User => "user.",
            AuditFamily::Lead => "lead.",
            AuditFamily::Leads => "leads.",
            AuditFamily::Conversation => "conversation.",
            AuditFamily::Chat => "chat.",
            AuditFamily::Appointment => "appointment.",
            AuditFamily::Consent => "consent.",
            AuditFamily::Privacy => "privacy.",
            AuditFamily::Retention => "retention.",
            AuditFamily::Settings => "settings.",
            AuditFamily::Audit => "audit.",
            AuditFamily::Org => "org.",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditFamily::Auth => "Sign-ins and sign-outs",
            AuditFamily::User => "User and role changes",
            AuditFamily::Lead => "Leads (views, edits)",
            AuditFamily::Leads => "Lead imports and exports",
            AuditFamily::Conversation => "Conversations",
            AuditFamily::Chat => "Web chats linked to a person",
            AuditFamily::Appointment => "Appointments",
            AuditFamily::Consent => "Consent",
            AuditFamily::Privacy => "Privacy requests",
            AuditFamily::Retention => "Retention runs",
            AuditFamily::Settings => "Settings (carrier, AI, calendar)",
            AuditFamily::Audit => "Audit log exports",
            AuditFamily::Org => "Organisation",
        }
    }
}

/// What an audit line is about (`audit_events.object_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditObject {
    Organisation,
    User,
    Lead,
    LeadImport,
    Conversation,
    Appointment,
    ConsentEvent,
    ConsentConfirmation,
    PhoneNumbers,
    /// One phone number's consent record.
    Phone,
    PrivacyRequest,
    /// A list as a whole (an export, a filtered view).
    Leads,
    PrivacyRequests,
    AuditLog,
    OutboundMail,
}

impl AuditObject {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditObject::Organisation => "organisation",
            AuditObject::User => "user",
            AuditObject::Lead => "lead",
            AuditObject::LeadImport => "lead_import",
            AuditObject::Conversation => "conversation",
            AuditObject::Appointment => "appointment",
            AuditObject::ConsentEvent => "consent_event",
            AuditObject::ConsentConfirmation => "consent_confirmation",
            AuditObject::PhoneNumbers => "phone_numbers",
            AuditObject::Phone => "phone",
            AuditObject::PrivacyRequest => "privacy_request",
            AuditObject::Leads => "leads",
            AuditObject::PrivacyRequests => "privacy_requests",
            AuditObject::AuditLog => "audit_log",
            AuditObject::OutboundMail => "outbound_mail",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_belongs_to_the_family_its_name_starts_with() {
        for action in AuditAction::ALL {
            let family = action.family();
            assert!(
                action.as_str().starts_with(family.prefix()),
                "{action:?} in {family:?}"
            );
        }
    }

    #[test]
    fn action_names_are_unique() {
        let mut names: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
    }
}
