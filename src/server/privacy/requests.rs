//! Privacy requests after receipt (SPEC §4): the list and the request page, assignment,
//! rejection. Every step is an audit event on the request, which is also its history.
//! Receipt itself is `intake`.

use super::notify;
use super::records::records;
use super::store::{load, policy, step, By};
use crate::error::AppError;
use crate::model::Purpose;
use crate::model::{
    AuditAction, AuditObject, DueState, Page, PrivacyQuery, PrivacyRequestKind, PrivacyRequestList,
    PrivacyRequestRow, PrivacyRequestStatus, PrivacyRequestView, RejectionReason, RequestStep,
    Role,
};
use crate::rules::authz::Capability;
use crate::rules::deadlines;
use crate::rules::lead_query::{Cursor, CursorKey};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// Where the request stands against its due date today.
pub fn due_state(status: PrivacyRequestStatus, due_on: NaiveDate, zone: chrono_tz::Tz) -> DueState {
    deadlines::due_state(status, due_on, Utc::now(), zone)
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: Uuid,
    kind: PrivacyRequestKind,
    requester_name: String,
    email: Option<String>,
    phone: Option<String>,
    status: PrivacyRequestStatus,
    assignee: Option<String>,
    received_at: DateTime<Utc>,
    due_on: NaiveDate,
}

impl ListRow {
    fn into_row(self, zone: chrono_tz::Tz) -> PrivacyRequestRow {
        PrivacyRequestRow {
            id: self.id,
            kind: self.kind,
            contact: self.email.or(self.phone).unwrap_or_default(),
            requester_name: self.requester_name,
            status: self.status,
            assignee: self.assignee,
            received_at: self.received_at,
            due: due_state(self.status, self.due_on, zone),
            due_on: self.due_on,
        }
    }
}

/// Which requests the page shows: `closed`, `all`, or else the open ones.
fn shown(show: &str) -> &'static str {
    match show {
        "closed" => "closed",
        "all" => "all",
        _ => "open",
    }
}

/// One page of requests and the first of the next, if any. Keyset on (due_on, id)
/// ascending for open requests, (received_at, id) descending otherwise; the cursor
/// carries a due date as that day's midnight UTC.
async fn page_rows(
    conn: &mut PgConnection,
    org_id: Uuid,
    show: &str,
    kind: Option<PrivacyRequestKind>,
    cursor: Option<Cursor>,
) -> Result<Vec<ListRow>, sqlx::Error> {
    let after_time = cursor.as_ref().and_then(|c| match c.key {
        CursorKey::Time(t) => Some(t),
        CursorKey::Name(_) | CursorKey::Score(_) => None,
    });
    let after_day = after_time.map(|t| t.date_naive());
    let after_id = cursor.as_ref().map(|c| c.id);
    sqlx::query_as(
        "SELECT r.id, r.kind, r.requester_name, r.email, r.phone, r.status, u.name AS assignee, r.received_at, r.due_on
         FROM privacy_requests r LEFT JOIN users u ON u.id = r.assignee
         WHERE r.org_id = $1
           AND ($2 = 'all' OR ($2 = 'open') = (r.status NOT IN ('completed', 'rejected')))
           AND ($3::privacy_request_kind IS NULL OR r.kind = $3)
           AND ($5::uuid IS NULL OR
                CASE WHEN $2 = 'open' THEN (r.due_on, r.id) > ($6::date, $5)
                     ELSE (r.received_at, r.id) < ($4::timestamptz, $5) END)
         ORDER BY CASE WHEN $2 = 'open' THEN r.due_on END ASC,
                  CASE WHEN $2 = 'open' THEN r.id END ASC,
                  CASE WHEN $2 <> 'open' THEN r.received_at END DESC,
                  CASE WHEN $2 <> 'open' THEN r.id END DESC
         LIMIT $7",
    )
    .bind(org_id)
    .bind(show)
    .bind(kind)
    .bind(after_time)
    .bind(after_id)
    .bind(after_day)
    .bind(Page::<ListRow>::FETCH)
    .fetch_all(conn)
    .await
}

/// The next page's cursor after `last`: open requests page by due day, closed ones by
/// when they arrived.
fn cursor_after(last: &ListRow, show: &str) -> String {
    {
        let key = if show == "open" {
            last.due_on
                .and_hms_opt(0, 0, 0)
                .map_or(last.received_at, |d| d.and_utc())
        } else {
            last.received_at
        };
        Cursor {
            key: CursorKey::Time(key),
            id: last.id,
        }
        .encode()
    }
}

/// The requests page: open ones by due date, soonest first; closed ones newest first.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id))]
pub async fn list(
    pool: &PgPool,
    caller: Caller,
    query: &PrivacyQuery,
) -> Result<PrivacyRequestList, AppError> {
    let mut conn = pool.acquire().await?;
    let (policy, zone) = policy(&mut conn, caller.org_id).await?;
    let show = shown(query.show.as_str());
    let kind = query.kind.parse::<PrivacyRequestKind>().ok();
    let cursor = Cursor::decode(&query.cursor);
    let rows = page_rows(&mut conn, caller.org_id, show, kind, cursor).await?;
    db::audit::record_view(
        &mut conn,
        AuditEvent::by(
            caller,
            None,
            AuditAction::PrivacyListViewed,
            (AuditObject::PrivacyRequests, "list".into()),
            json!({ "show": show }),
        ),
    )
    .await?;
    let page = Page::cut(rows, |last| cursor_after(last, show));
    Ok(PrivacyRequestList {
        page: page.map(|r| r.into_row(zone)),
        policy: policy.describe(),
    })
}

/// The request page; reading the requester's details is audited.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, request = %id))]
pub async fn view(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
) -> Result<PrivacyRequestView, AppError> {
    let mut conn = pool.acquire().await?;
    let r = load(&mut conn, caller.org_id, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, zone) = policy(&mut conn, caller.org_id).await?;
    let records = records(
        &mut conn,
        caller.org_id,
        r.email.as_deref(),
        r.phone.as_deref(),
    )
    .await?;
    let steps: Vec<RequestStep> = sqlx::query_as(
        "SELECT a.at, a.action, u.name AS actor, a.detail::text AS detail
         FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.org_id = $1 AND a.object_type = 'privacy_request' AND a.object_id = $2
         ORDER BY a.at, a.id",
    )
    .bind(caller.org_id)
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let officers = sqlx::query_as(
        "SELECT id, name FROM users WHERE org_id = $1 AND active AND role = 'compliance' ORDER BY lower(name), id",
    )
    .bind(caller.org_id)
    .fetch_all(&mut *conn)
    .await?;
    db::audit::record_view(
        &mut conn,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::PrivacyViewed,
            (AuditObject::PrivacyRequest, id.to_string()),
            json!({}),
        ),
    )
    .await?;
    Ok(PrivacyRequestView {
        id: r.id,
        kind: r.kind,
        requester_name: r.requester_name,
        email: r.email,
        phone: r.phone,
        details: r.details,
        received_via: r.received_via,
        due: due_state(r.status, r.due_on, zone),
        status: r.status,
        rejection_reason: r.rejection_reason,
        assignee: r.assignee,
        assignee_name: r.assignee_name,
        received_at: r.received_at,
        due_on: r.due_on,
        completed_at: r.completed_at,
        verified_at: r.verified_at,
        code_sent_to: r.code_sent_to,
        code_expires_at: r.code_expires_at,
        records,
        report: r.result.and_then(|v| serde_json::from_value(v).ok()),
        has_bundle: r.has_bundle,
        steps,
        officers,
        can_process: caller.role.may(Capability::ProcessPrivacyRequests),
    })
}

/// Assigns to a compliance officer of the organisation; the request is then in progress
/// once verified.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, request = %id))]
pub async fn assign(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    assignee: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let r = load(&mut tx, caller.org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let officer = match assignee.trim() {
        "" => None,
        text => {
            let id = text.parse::<Uuid>().ok();
            let role: Option<Role> = match id {
                Some(id) => {
                    sqlx::query_scalar(
                        "SELECT role FROM users WHERE id = $1 AND org_id = $2 AND active",
                    )
                    .bind(id)
                    .bind(caller.org_id)
                    .fetch_optional(&mut *tx)
                    .await?
                }
                None => None,
            };
            if role != Some(Role::Compliance) {
                return Err(AppError::field(
                    "assignee",
                    "Choose a compliance officer from the list.",
                ));
            }
            id
        }
    };
    let status = match r.status {
        PrivacyRequestStatus::Verified if officer.is_some() => PrivacyRequestStatus::InProgress,
        other => other,
    };
    sqlx::query(
        "UPDATE privacy_requests SET assignee = $3, status = $4 WHERE org_id = $1 AND id = $2",
    )
    .bind(caller.org_id)
    .bind(id)
    .bind(officer)
    .bind(status)
    .execute(&mut *tx)
    .await?;
    step(
        &mut tx,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        AuditAction::PrivacyAssigned,
        json!({ "assignee": officer, "status": status }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Rejects an open request for one of the fixed reasons, which is what the requester is
/// told: staff never type the words that go to a contact someone else may have entered.
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, request = %id))]
pub async fn reject(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    let reason: RejectionReason = reason
        .parse()
        .map_err(|e: String| AppError::field("reason", e))?;
    let mut tx = pool.begin().await?;
    let r = load(&mut tx, caller.org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if !r.status.is_open() {
        return Err(AppError::Conflict("This request is already closed.".into()));
    }
    sqlx::query("UPDATE privacy_requests SET status = 'rejected', rejection_reason = $3, completed_at = now() WHERE org_id = $1 AND id = $2")
        .bind(caller.org_id)
        .bind(id)
        .bind(reason.label())
        .execute(&mut *tx)
        .await?;
    let org = db::orgs::profile(&mut *tx, caller.org_id).await?.name;
    let text = format!(
        "{org}: we cannot act on your privacy request: {}",
        reason.text()
    );
    let told = notify::tell(
        &mut tx,
        caller.org_id,
        r.email.as_deref(),
        r.phone.as_deref(),
        "Your privacy request",
        &text,
        Purpose::PrivacyNotice,
    )
    .await?;
    step(
        &mut tx,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        AuditAction::PrivacyRejected,
        json!({ "reason": reason.as_str(), "told": told.channel() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
