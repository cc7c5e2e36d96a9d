//! Lead queries. Every one is scoped by organisation and, for agents, to their own and
//! unassigned leads (`Scope`).

use super::scope::scoped;
use crate::model::{Assignee, Lead, LeadNote, LeadSource, LeadStatus, Vertical};
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

pub const PHONE_KEY: &str = "leads_phone_key";

pub use super::scope::visible;
pub use crate::rules::lead_form::LeadFields;
pub use crate::rules::scope::Scope;

/// Whether the scope sees the lead.
pub async fn is_visible<'e>(
    executor: impl PgExecutor<'e>,
    scope: Scope,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT EXISTS (SELECT 1 FROM leads l");
    scoped(&mut qb, scope);
    qb.push(" AND l.id = ").push_bind(id).push(")");
    qb.build_query_scalar().fetch_one(executor).await
}

pub const LEAD_COLUMNS: &str = "l.id, l.name, l.email, l.phone, l.source, l.status, l.assigned_to, u.name AS assignee,
    l.tags, l.time_zone, l.interest_year, l.interest_make, l.interest_model, l.interest_vin, l.owned_year,
    l.owned_make, l.owned_model, l.owned_vin, l.budget_min, l.budget_max, l.locations, l.property_type,
    l.timeline, l.created_at, l.updated_at";

/// A lead the scope can see; `None` for a missing lead and for anyone else's alike.
pub async fn get<'e>(
    executor: impl PgExecutor<'e>,
    scope: Scope,
    id: Uuid,
) -> Result<Option<Lead>, sqlx::Error> {
    let mut qb = QueryBuilder::new(format!(
        "SELECT {LEAD_COLUMNS} FROM leads l LEFT JOIN users u ON u.id = l.assigned_to"
    ));
    scoped(&mut qb, scope);
    qb.push(" AND l.id = ").push_bind(id);
    qb.build_query_as().fetch_optional(executor).await
}

pub async fn notes(
    pool: &PgPool,
    org_id: Uuid,
    lead_id: Uuid,
) -> Result<Vec<LeadNote>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.id, u.name AS author, n.body, n.created_at FROM lead_notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.org_id = $1 AND n.lead_id = $2 ORDER BY n.created_at DESC, n.id DESC",
    )
    .bind(org_id)
    .bind(lead_id)
    .fetch_all(pool)
    .await
}

/// Active managers and agents of the organisation: the people leads can be assigned to.
pub async fn assignees<'e>(
    executor: impl PgExecutor<'e>,
    org_id: Uuid,
) -> Result<Vec<Assignee>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM users WHERE org_id = $1 AND active AND role IN ('manager', 'agent') ORDER BY lower(name), id")
        .bind(org_id)
        .fetch_all(executor)
        .await
}

fn bind_fields<'a>(qb: &mut QueryBuilder<'a, Postgres>, f: &LeadFields) {
    let mut list = qb.separated(", ");
    list.push_bind(f.name.clone());
    list.push_bind(f.email.clone());
    list.push_bind(f.phone.clone());
    list.push_bind(f.tags.clone());
    list.push_bind(f.time_zone.clone());
    list.push_bind(f.interest_year);
    list.push_bind(f.interest_make.clone());
    list.push_bind(f.interest_model.clone());
    list.push_bind(f.interest_vin.clone());
    list.push_bind(f.owned_year);
    list.push_bind(f.owned_make.clone());
    list.push_bind(f.owned_model.clone());
    list.push_bind(f.owned_vin.clone());
    list.push_bind(f.budget_min);
    list.push_bind(f.budget_max);
    list.push_bind(f.locations.clone());
    list.push_bind(f.property_type.clone());
    list.push_bind(f.timeline.clone());
}

const FIELD_COLUMNS: &str =
    "name, email, phone, tags, time_zone, interest_year, interest_make, interest_model,
    interest_vin, owned_year, owned_make, owned_model, owned_vin, budget_min, budget_max, locations,
    property_type, timeline";

/// How a new lead meets one that already has its phone number (the number is unique
/// within an organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneTaken {
    /// The insert fails with the unique violation: a person typed a duplicate.
    Refuse,
    /// Nothing is inserted and the existing lead is the answer: a text from a number
    /// belongs to that number's lead.
    UseExisting,
}

/// The one way a lead is made: the lead form, imports, inbound texts and calls, web chat
/// and the demo seed all come here.
pub async fn insert(
    conn: &mut PgConnection,
    org_id: Uuid,
    source: LeadSource,
    assigned_to: Option<Uuid>,
    fields: &LeadFields,
    taken: PhoneTaken,
) -> Result<Uuid, sqlx::Error> {
    let mut qb = QueryBuilder::new(format!(
        "INSERT INTO leads (org_id, source, assigned_to, {FIELD_COLUMNS}) VALUES ("
    ));
    qb.push_bind(org_id)
        .push(", ")
        .push_bind(source)
        .push(", ")
        .push_bind(assigned_to)
        .push(", ");
    bind_fields(&mut qb, fields);
    qb.push(")");
    if taken == PhoneTaken::UseExisting {
        qb.push(" ON CONFLICT (org_id, phone) DO NOTHING");
    }
    qb.push(" RETURNING id");
    let created: Option<Uuid> = qb.build_query_scalar().fetch_optional(&mut *conn).await?;
    match (created, &fields.phone) {
        (Some(id), _) => Ok(id),
        (None, Some(phone)) => {
            sqlx::query_scalar("SELECT id FROM leads WHERE org_id = $1 AND phone = $2")
                .bind(org_id)
                .bind(phone)
                .fetch_one(conn)
                .await
        }
        (None, None) => Err(sqlx::Error::RowNotFound),
    }
}

/// Replaces the fields the lead form of a `vertical` edits, on a visible lead; `false`
/// when the scope cannot see it. The other verticals' fields (an import may have filled
/// them) stay as they are: the form does not show them, so it cannot mean to clear them.
pub async fn update<'e>(
    executor: impl PgExecutor<'e>,
    scope: Scope,
    id: Uuid,
    vertical: Vertical,
    f: &LeadFields,
) -> Result<bool, sqlx::Error> {
    let mut qb = QueryBuilder::new("UPDATE leads l SET updated_at = now()");
    qb.push(", name = ").push_bind(f.name.clone());
    qb.push(", email = ").push_bind(f.email.clone());
    qb.push(", phone = ").push_bind(f.phone.clone());
    qb.push(", tags = ").push_bind(f.tags.clone());
    qb.push(", time_zone = ").push_bind(f.time_zone.clone());
    match vertical {
        Vertical::Automotive => {
            qb.push(", interest_year = ").push_bind(f.interest_year);
            qb.push(", interest_make = ")
                .push_bind(f.interest_make.clone());
            qb.push(", interest_model = ")
                .push_bind(f.interest_model.clone());
            qb.push(", interest_vin = ")
                .push_bind(f.interest_vin.clone());
            qb.push(", owned_year = ").push_bind(f.owned_year);
            qb.push(", owned_make = ").push_bind(f.owned_make.clone());
            qb.push(", owned_model = ").push_bind(f.owned_model.clone());
            qb.push(", owned_vin = ").push_bind(f.owned_vin.clone());
        }
        Vertical::RealEstate => {
            qb.push(", budget_min = ").push_bind(f.budget_min);
            qb.push(", budget_max = ").push_bind(f.budget_max);
            qb.push(", locations = ").push_bind(f.locations.clone());
            qb.push(", property_type = ")
                .push_bind(f.property_type.clone());
            qb.push(", timeline = ").push_bind(f.timeline.clone());
        }
        Vertical::General => {}
    }
    scoped(&mut qb, scope);
    qb.push(" AND l.id = ").push_bind(id);
    Ok(qb.build().execute(executor).await?.rows_affected() == 1)
}

pub async fn set_status<'e>(
    executor: impl PgExecutor<'e>,
    scope: Scope,
    id: Uuid,
    status: LeadStatus,
) -> Result<Option<LeadStatus>, sqlx::Error> {
    let mut qb = QueryBuilder::new("UPDATE leads l SET updated_at = now(), status = ");
    qb.push_bind(status);
    qb.push(" FROM leads old");
    scoped(&mut qb, scope);
    qb.push(" AND old.id = l.id AND l.id = ")
        .push_bind(id)
        .push(" RETURNING old.status");
    qb.build_query_scalar().fetch_optional(executor).await
}

pub async fn assign<'e>(
    executor: impl PgExecutor<'e>,
    org_id: Uuid,
    id: Uuid,
    assignee: Option<Uuid>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE leads SET assigned_to = $3, updated_at = now() WHERE org_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(id)
    .bind(assignee)
    .execute(executor)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn delete<'e>(
    executor: impl PgExecutor<'e>,
    org_id: Uuid,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("DELETE FROM leads WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(executor)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn add_note<'e>(
    executor: impl PgExecutor<'e>,
    org_id: Uuid,
    lead_id: Uuid,
    author: Uuid,
    body: &str,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO lead_notes (org_id, lead_id, author_id, body) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(org_id)
        .bind(lead_id)
        .bind(author)
        .bind(body)
        .fetch_one(executor)
        .await
}
