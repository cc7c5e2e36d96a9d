//! Who may do what (SPEC §1). The server asks `Role::may` through one helper
//! (`server::auth::require`); the UI asks it only to hide what would be refused anyway.

use crate::model::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capability {
    /// Any signed-in member of the organisation.
    SignedIn,
    /// Change one's own password: the one thing an account that must choose its own
    /// password may do.
    ChangeOwnPassword,
    ViewLeads,
    /// Create and edit leads, change their status, add notes.
    EditLeads,
    AssignLeads,
    DeleteLeads,
    ImportLeads,
    ViewConversations,
    /// Reply to customers. Compliance officers never send messages.
    SendMessages,
    /// The calendar: every role sees it (an agent, the appointments of their leads and
    /// their own).
    ViewCalendar,
    /// Book, move, cancel and mark appointments. Compliance officers only look.
    BookAppointments,
    ViewConsent,
    /// Record consent a customer gave on paper, in person, on a call or by e-mail.
    RecordConsent,
    /// Record an opt-out received by e-mail, phone or in person: every role may, at once.
    RecordOptOut,
    /// Organisation-wide consent review: every number, ledger verification, blocked sends.
    ReviewConsent,
    /// The consent language of the public consent form.
    EditConsentWording,
    /// Bulk exports (CSV, evidence packets) and deleting data.
    ExportData,
    ViewPrivacyRequests,
    ProcessPrivacyRequests,
    ViewAuditLog,
    ManageUsers,
    ManageSettings,
    ManageRetention,
}

impl Role {
    pub fn may(self, capability: Capability) -> bool {
        use Capability::*;
        match self {
            Role::Manager => !matches!(capability, ProcessPrivacyRequests | ManageRetention),
            Role::Compliance => !matches!(
                capability,
                SendMessages
                    | BookAppointments
                    | ManageUsers
                    | ManageSettings
                    | EditLeads
                    | AssignLeads
                    | DeleteLeads
                    | ImportLeads
            ),
            Role::Agent => matches!(
                capability,
                SignedIn
                    | ChangeOwnPassword
                    | ViewLeads
                    | EditLeads
                    | ViewConversations
                    | SendMessages
                    | ViewCalendar
                    | BookAppointments
                    | ViewConsent
                    | RecordConsent
                    | RecordOptOut
            ),
        }
    }
}

/// The dashboard's areas, in navigation order, with what it takes to open each.
pub const AREAS: [(&str, &str, Capability); 8] = [
    ("Leads", "/leads", Capability::ViewLeads),
    (
        "Conversations",
        "/conversations",
        Capability::ViewConversations,
    ),
    ("Calendar", "/calendar", Capability::ViewCalendar),
    ("Consent", "/consent", Capability::ViewConsent),
    (
        "Privacy requests",
        "/privacy-requests",
        Capability::ViewPrivacyRequests,
    ),
    ("Audit log", "/audit", Capability::ViewAuditLog),
    ("Users", "/users", Capability::ManageUsers),
    ("Settings", "/settings", Capability::ManageSettings),
];

/// The areas a role sees in the navigation.
pub fn areas_for(role: Role) -> impl Iterator<Item = (&'static str, &'static str)> {
    AREAS
        .into_iter()
        .filter(move |(_, _, capability)| role.may(*capability))
        .map(|(label, href, _)| (label, href))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Capability::*;

    fn labels(role: Role) -> Vec<&'static str> {
        areas_for(role).map(|(label, _)| label).collect()
    }

    #[test]
    fn managers_see_every_area() {
        assert_eq!(
            labels(Role::Manager),
            [
                "Leads",
                "Conversations",
                "Calendar",
                "Consent",
                "Privacy requests",
                "Audit log",
                "Users",
                "Settings"
            ]
        );
    }

    #[test]
    fn compliance_sees_everything_but_user_admin() {
        assert_eq!(
            labels(Role::Compliance),
            [
                "Leads",
                "Conversations",
                "Calendar",
                "Consent",
                "Privacy requests",
                "Audit log"
            ]
        );
    }

    #[test]
    fn agents_see_only_their_working_areas() {
        assert_eq!(
            labels(Role::Agent),
            ["Leads", "Conversations", "Calendar", "Consent"]
        );
    }

    #[test]
    fn compliance_sees_the_calendar_but_books_nothing() {
        assert!(Role::Compliance.may(ViewCalendar));
        assert!(!Role::Compliance.may(BookAppointments));
        assert!(Role::Agent.may(BookAppointments));
        assert!(Role::Manager.may(BookAppointments));
    }

    #[test]
    fn compliance_never_sends_messages() {
        assert!(!Role::Compliance.may(SendMessages));
        assert!(Role::Agent.may(SendMessages));
        assert!(Role::Manager.may(SendMessages));
    }

    #[test]
    fn agents_have_no_export_admin_or_audit() {
        for capability in [
            ExportData,
            ManageUsers,
            ManageSettings,
            ViewAuditLog,
            ViewPrivacyRequests,
            ManageRetention,
        ] {
            assert!(!Role::Agent.may(capability), "{capability:?}");
        }
    }

    #[test]
    fn only_managers_administer_users_and_settings() {
        for role in Role::ALL {
            assert_eq!(role.may(ManageUsers), role == Role::Manager);
            assert_eq!(role.may(ManageSettings), role == Role::Manager);
        }
    }

    #[test]
    fn privacy_requests_are_processed_by_compliance_and_read_by_managers() {
        assert!(Role::Compliance.may(ProcessPrivacyRequests));
        assert!(!Role::Manager.may(ProcessPrivacyRequests));
        assert!(Role::Manager.may(ViewPrivacyRequests));
        assert!(Role::Compliance.may(ManageRetention));
    }

    #[test]
    fn compliance_reads_leads_but_never_changes_them() {
        assert!(Role::Compliance.may(ViewLeads));
        assert!(Role::Compliance.may(ExportData));
        for capability in [EditLeads, AssignLeads, DeleteLeads, ImportLeads] {
            assert!(!Role::Compliance.may(capability), "{capability:?}");
        }
    }

    #[test]
    fn agents_edit_leads_but_only_managers_assign_delete_and_import() {
        assert!(Role::Agent.may(EditLeads));
        for capability in [AssignLeads, DeleteLeads, ImportLeads] {
            assert!(!Role::Agent.may(capability), "{capability:?}");
            assert!(Role::Manager.may(capability), "{capability:?}");
        }
    }

    #[test]
    fn every_role_records_opt_outs_but_only_managers_and_compliance_review_the_ledger() {
        for role in Role::ALL {
            assert!(role.may(RecordOptOut), "{role:?}");
            assert!(role.may(RecordConsent), "{role:?}");
            assert_eq!(role.may(ReviewConsent), role != Role::Agent);
            assert_eq!(role.may(EditConsentWording), role != Role::Agent);
        }
    }

    #[test]
    fn every_role_is_signed_in_and_changes_its_own_password() {
        assert!(Role::ALL.into_iter().all(|role| role.may(SignedIn)));
        assert!(Role::ALL
            .into_iter()
            .all(|role| role.may(ChangeOwnPassword)));
    }
}
