use crate::error::AppError;
use crate::model::{
    AuditAction, AuditObject, LeadInput, LeadList, LeadQuery, LeadSource, LeadStatus, LeadView,
    Role, Vertical,
};
use crate::rules::authz::Capability;
use crate::rules::lead_form;
use crate::rules::lead_query::LeadFilter;
use crate::server::auth::Caller;
use crate::server::db::leads::{PhoneTaken, Scope};
use crate::server::db::{self, audit::AuditEvent};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

pub fn scope(caller: Caller) -> Scope {
    caller.scope()
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn list(pool: &PgPool, caller: Caller, query: &LeadQuery) -> Result<LeadList, AppError> {
    let mut filter = LeadFilter::parse(query);
    let scope = scope(caller);
    // One connection for the page's few queries: the pool checks a connection with a
    // round trip each time it takes one back.
    let mut conn = pool.acquire().await?;
    let mut page = db::lead_list::page(&mut conn, scope, &filter).await?;
    if let (true, Some(loose)) = (page.rows.is_empty(), filter.loosened()) {
        page = db::lead_list::page(&mut conn, scope, &loose).await?;
        filter = loose;
    }
    // A first page that is not full is the whole answer: no need to count.
    let total = match (&filter.cursor, &page.next_cursor) {
        (None, None) => page.rows.len() as i64,
        _ => db::lead_list::count(&mut conn, scope, &filter).await?,
    };
    let assignees = db::leads::assignees(&mut *conn, caller.org_id).await?;
    Ok(LeadList {
        page,
        total,
        assignees,
    })
}

/// The lead page. Viewing personal data is audited.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn view(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
) -> Result<LeadView, AppError> {
    let lead = db::leads::get(pool, scope(caller), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notes = db::leads::notes(pool, caller.org_id, id).await?;
    let can_assign = caller.role.may(Capability::AssignLeads);
    let assignees = if can_assign {
        db::leads::assignees(pool, caller.org_id).await?
    } else {
        Vec::new()
    };
    db::audit::record(
        pool,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadViewed,
            (AuditObject::Lead, id.to_string()),
            json!({}),
        ),
    )
    .await?;
    let (conversations, calls) =
        crate::server::messaging::threads::for_lead(pool, caller, id).await?;
    Ok(LeadView {
        conversations,
        calls,
        lead,
        notes,
        assignees,
        can_edit: caller.role.may(Capability::EditLeads),
        can_assign,
        can_delete: caller.role.may(Capability::DeleteLeads),
    })
}

/// The form's fields checked, and the organisation's vertical (which fields it edits).
async fn validated(
    conn: &mut PgConnection,
    caller: Caller,
    input: &LeadInput,
) -> Result<(db::leads::LeadFields, Vertical), AppError> {
    let org = db::orgs::profile(&mut *conn, caller.org_id).await?;
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    let fields = lead_form::lead(input, &org.country, this_year).map_err(AppError::Validation)?;
    Ok((fields, org.vertical))
}

fn phone_taken(error: sqlx::Error) -> AppError {
    if db::is_unique_violation(&error, db::leads::PHONE_KEY) {
        AppError::field("phone", "Another lead already has this phone number.")
    } else {
        error.into()
    }
}

/// Creates a lead; an agent's new lead is assigned to them.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn create(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    input: &LeadInput,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let (fields, _) = validated(&mut tx, caller, input).await?;
    let source = match input.source.trim() {
        "" => LeadSource::Manual,
        other => other
            .parse()
            .map_err(|e: String| AppError::field("source", e))?,
    };
    let assignee = (caller.role == Role::Agent).then_some(caller.user_id);
    let id = db::leads::insert(
        &mut tx,
        caller.org_id,
        source,
        assignee,
        &fields,
        PhoneTaken::Refuse,
    )
    .await
    .map_err(phone_taken)?;
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadCreated,
            (AuditObject::Lead, id.to_string()),
            json!({ "source": source }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn update(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    input: &LeadInput,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (fields, vertical) = validated(&mut tx, caller, input).await?;
    if !db::leads::update(&mut *tx, scope(caller), id, vertical, &fields)
        .await
        .map_err(phone_taken)?
    {
        return Err(AppError::NotFound);
    }
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadUpdated,
            (AuditObject::Lead, id.to_string()),
            json!({}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn set_status(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    status: &str,
) -> Result<(), AppError> {
    let status: LeadStatus = status
        .parse()
        .map_err(|e: String| AppError::field("status", e))?;
    let mut tx = pool.begin().await?;
    let previous = db::leads::set_status(&mut *tx, scope(caller), id, status)
        .await?
        .ok_or(AppError::NotFound)?;
    let detail = json!({ "from": previous, "to": status });
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadStatusChanged,
            (AuditObject::Lead, id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns to an active manager or agent of the same organisation, or to nobody ("").
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn assign(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    assignee: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let assignee = match assignee.trim() {
        "" => None,
        text => {
            let allowed = db::leads::assignees(&mut *tx, caller.org_id).await?;
            let id = text
                .parse::<Uuid>()
                .ok()
                .filter(|id| allowed.iter().any(|a| a.id == *id));
            Some(id.ok_or_else(|| AppError::field("assignee", "Choose someone from the list."))?)
        }
    };
    if !db::leads::assign(&mut *tx, caller.org_id, id, assignee).await? {
        return Err(AppError::NotFound);
    }
    // Its conversations go with it: open inboxes regroup.
    crate::server::messaging::events::notify_lead(&mut tx, caller.org_id, id).await?;
    let detail = json!({ "assignee": assignee });
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadAssigned,
            (AuditObject::Lead, id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn delete(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    // Deleting the lead would take its messages with it, among them the STOP and its one
    // confirmation that the consent evidence points at (SPEC §3.9). Such a lead is erased
    // through a deletion request instead, which keeps the evidence and says so.
    let evidence: Option<bool> = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM consent_events e WHERE e.org_id = l.org_id AND e.phone = l.phone)
         FROM leads l WHERE l.org_id = $1 AND l.id = $2",
    )
    .bind(caller.org_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if evidence == Some(true) {
        return Err(AppError::Conflict(
            "This lead's number has consent records (an opt-in or an opt-out), which are kept as evidence, with the texts they point at. To remove the person's data, log a deletion privacy request: it erases everything else and keeps the evidence.".into(),
        ));
    }
    if !db::leads::delete(&mut *tx, caller.org_id, id).await? {
        return Err(AppError::NotFound);
    }
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadDeleted,
            (AuditObject::Lead, id.to_string()),
            json!({}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn add_note(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    body: &str,
) -> Result<(), AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "Write the note first."));
    }
    if body.chars().count() > 5000 {
        return Err(AppError::field(
            "body",
            "Keep a note under 5,000 characters.",
        ));
    }
    let mut tx = pool.begin().await?;
    db::leads::get(&mut *tx, scope(caller), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let note = db::leads::add_note(&mut *tx, caller.org_id, id, caller.user_id, body).await?;
    let detail = json!({ "note": note });
    db::audit::record(
        &mut *tx,
        AuditEvent::by(
            caller,
            ip,
            AuditAction::LeadNoteAdded,
            (AuditObject::Lead, id.to_string()),
            detail,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
