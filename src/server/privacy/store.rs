//! A privacy request as stored, loaded under the organisation's scope, and its history:
//! every step taken on a request is an audit event on it.

use crate::model::{AuditAction, AuditObject, PrivacyRequestKind, PrivacyRequestStatus};
use crate::rules::deadlines::DeadlinePolicy;
use crate::rules::privacy_request::Contact;
use crate::server::auth::Caller;
use crate::server::db::{self, audit::Actor, audit::AuditEvent};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use std::net::IpAddr;
use uuid::Uuid;

/// Who the step was taken by: a signed-in person, or the requester on the public page.
#[derive(Debug, Clone, Copy)]
pub enum By {
    Staff(Caller),
    Requester,
}

impl By {
    fn actor(self) -> Actor {
        match self {
            By::Staff(caller) => Actor::User(caller.user_id),
            By::Requester => Actor::Anonymous,
        }
    }
}

/// Records one step of a request in the audit log (its history).
pub async fn step(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    by: By,
    ip: Option<IpAddr>,
    action: AuditAction,
    detail: Value,
) -> Result<(), sqlx::Error> {
    db::audit::record(
        conn,
        AuditEvent {
            org_id: Some(org_id),
            actor: by.actor(),
            action,
            object: Some((AuditObject::PrivacyRequest, id.to_string())),
            ip,
            detail,
        },
    )
    .await
}

/// The organisation's deadline policy and zone.
pub async fn policy(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<(DeadlinePolicy, chrono_tz::Tz), sqlx::Error> {
    let (kind, days, zone): (String, i32, String) = sqlx::query_as(
        "SELECT request_deadline_kind, request_deadline_days, time_zone FROM organisations WHERE id = $1",
    )
    .bind(org_id)
    .fetch_one(conn)
    .await?;
    Ok((
        DeadlinePolicy::from_settings(&kind, days).unwrap_or_default(),
        zone.parse().unwrap_or(chrono_tz::Tz::UTC),
    ))
}

#[derive(sqlx::FromRow)]
pub struct Stored {
    pub id: Uuid,
    pub org_id: Uuid,
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
    pub completed_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub code_sent_to: Option<String>,
    pub code_expires_at: Option<DateTime<Utc>>,
    pub result: Option<Value>,
    pub has_bundle: bool,
}

impl Stored {
    /// The contact the requester proved (the code went there). Records are matched by it
    /// alone: nobody reaches another person's data by adding that person's number.
    pub fn proven(&self) -> (Option<&str>, Option<&str>) {
        match self.code_sent_to.as_deref().map(Contact::of_sent_to) {
            Some(Contact::Phone) => (None, self.phone.as_deref()),
            Some(Contact::Email) => (self.email.as_deref(), None),
            None => (None, None),
        }
    }
}

/// A request of the organisation; `None` for another organisation's, as for a missing one.
pub async fn load(
    conn: &mut PgConnection,
    org_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<Option<Stored>, sqlx::Error> {
    let sql = format!(
        "SELECT r.id, r.org_id, r.kind, r.requester_name, r.email, r.phone, r.details, r.received_via, r.status,
                r.rejection_reason, r.assignee, u.name AS assignee_name, r.received_at, r.due_on, r.completed_at,
                r.verified_at, r.code_sent_to, r.code_expires_at, r.result, r.bundle IS NOT NULL AS has_bundle
         FROM privacy_requests r LEFT JOIN users u ON u.id = r.assignee
         WHERE r.org_id = $1 AND r.id = $2{}",
        if lock { " FOR UPDATE OF r" } else { "" }
    );
    sqlx::query_as(&sql)
        .bind(org_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}
