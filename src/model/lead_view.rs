use super::conversation::{CallView, ConversationRow};
use super::lead::{Assignee, Lead, LeadNote};
use serde::{Deserialize, Serialize};

/// The lead page: the lead, its notes, and what the viewer may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadView {
    pub lead: Lead,
    pub notes: Vec<LeadNote>,
    pub assignees: Vec<Assignee>,
    pub can_edit: bool,
    pub can_assign: bool,
    pub can_delete: bool,
    /// The timeline: the lead's conversations and calls.
    pub conversations: Vec<ConversationRow>,
    pub calls: Vec<CallView>,
}
