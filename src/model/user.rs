use super::{Role, Vertical};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in person as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub org_name: String,
    /// The organisation's short name in its public addresses (`/chat/{slug}`).
    pub org_slug: String,
    pub vertical: Vertical,
    /// Open privacy requests due within three days or overdue: shown in the navigation.
    pub urgent_requests: i64,
    /// A manager chose the password: the person must choose their own before anything else.
    pub must_change_password: bool,
}

/// One row of the manager's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct UserSummary {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}
