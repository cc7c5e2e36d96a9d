//! Lead queries. Every one is scoped by organisation and, for agents, to their own and
//! unassigned leads (`Scope`).

use crate::model::{Assignee, Lead, LeadNote, LeadRow, LeadSource, LeadStatus, Vertical};
use crate::rules::lead_query::{
    Assigned, Cursor, CursorKey, LeadFilter, Search, Sort, COUNT_LIMIT, PAGE_SIZE,
};
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

pub const PHONE_KEY: &str = "leads_phone_key";

/// Which leads a caller can see at all.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub org_id: Uuid,
    pub user_id: Uuid,
    /// Agents see only leads assigned to them or to nobody.
    pub own_only: bool,
}

const ROW_COLUMNS: &str = "l.id, l.name, l.email, l.phone, l.source, l.status, u.name AS assignee, l.tags,
    nullif(concat_ws(' ', l.interest_year::text, l.interest_make, l.interest_model), '') AS vehicle, l.created_at";

fn scoped(qb: &mut QueryBuilder<'_, Postgres>, scope: Scope) {
    qb.push(" WHERE l.org_id = ").push_bind(scope.org_id);
    visible(qb, scope);
}

/// The one rule of who sees which lead, and so which conversation (a conversation is its
/// lead's: `l` is the lead of whatever the query lists): for agents, their own leads and
/// unassigned ones.
pub fn visible(qb: &mut QueryBuilder<'_, Postgres>, scope: Scope) {
    if scope.own_only {
        qb.push(" AND (l.assigned_to = ")
            .push_bind(scope.user_id)
            .push(" OR l.assigned_to IS NULL)");
    }
}

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

fn filtered(qb: &mut QueryBuilder<'_, Postgres>, scope: Scope, filter: &LeadFilter) {
    scoped(qb, scope);
    match &filter.search {
        None => {}
        Some(Search::Words { words, .. }) => {
            qb.push(" AND l.search_words @@ to_tsquery('simple', ")
                .push_bind(Search::tsquery(words))
                .push(")");
        }
        Some(Search::Anywhere(text)) => {
            let pattern = format!("%{text}%");
            qb.push(" AND (lower(l.name) LIKE ")
                .push_bind(pattern.clone());
            qb.push(" OR l.email LIKE ").push_bind(pattern).push(")");
        }
        Some(Search::PhoneDigits(digits)) => {
            qb.push(" AND l.phone LIKE ")
                .push_bind(format!("%{digits}%"));
        }
        Some(Search::Vin(vin)) => {
            qb.push(" AND (l.interest_vin = ").push_bind(vin.clone());
            qb.push(" OR l.owned_vin = ")
                .push_bind(vin.clone())
                .push(")");
        }
    }
    if let Some(status) = filter.status {
        qb.push(" AND l.status = ").push_bind(status);
    }
    if let Some(source) = filter.source {
        qb.push(" AND l.source = ").push_bind(source);
    }
    match filter.assigned {
        None => {}
        Some(Assigned::Me) => {
            qb.push(" AND l.assigned_to = ").push_bind(scope.user_id);
        }
        Some(Assigned::Unassigned) => {
            qb.push(" AND l.assigned_to IS NULL");
        }
        Some(Assigned::User(id)) => {
            qb.push(" AND l.assigned_to = ").push_bind(id);
        }
    }
    if let Some(tag) = &filter.tag {
        qb.push(" AND l.tags @> ARRAY[")
            .push_bind(tag.clone())
            .push("]::text[]");
    }
}

fn ordered(qb: &mut QueryBuilder<'_, Postgres>, filter: &LeadFilter) {
    let (key, dir, cmp) = match filter.sort {
        Sort::Newest => ("l.created_at", "DESC", "<"),
        Sort::Oldest => ("l.created_at", "ASC", ">"),
        Sort::Updated => ("l.updated_at", "DESC", "<"),
        Sort::Name => ("lower(l.name)", "ASC", ">"),
    };
    if let Some(Cursor {
        key: cursor_key,
        id,
    }) = &filter.cursor
    {
        qb.push(format!(" AND ({key}, l.id) {cmp} ("));
        match cursor_key {
            CursorKey::Time(at) => qb.push_bind(*at),
            CursorKey::Name(name) => qb.push_bind(name.clone()),
        };
        qb.push(", ").push_bind(*id).push(")");
    }
    qb.push(format!(" ORDER BY {key} {dir}, l.id {dir}"));
}

/// One page of the list, and the cursor of the next page if there is one.
pub async fn page(
    conn: &mut PgConnection,
    scope: Scope,
    filter: &LeadFilter,
) -> Result<(Vec<LeadRow>, Option<Cursor>), sqlx::Error> {
    let mut qb = QueryBuilder::new(format!(
        "SELECT {ROW_COLUMNS}, l.updated_at, lower(l.name) AS sort_name FROM leads l LEFT JOIN users u ON u.id = l.assigned_to"
    ));
    filtered(&mut qb, scope, filter);
    ordered(&mut qb, filter);
    qb.push(" LIMIT ").push_bind(PAGE_SIZE + 1);
    let rows: Vec<PageRow> = qb
        .build_query_as()
        .persistent(filter.may_prepare())
        .fetch_all(conn)
        .await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        let last = &rows[PAGE_SIZE as usize - 1];
        let key = match filter.sort {
            Sort::Newest | Sort::Oldest => CursorKey::Time(last.row.created_at),
            Sort::Updated => CursorKey::Time(last.updated_at),
            // PostgreSQL's lower(), not Rust's: the cursor must compare as the index does.
            Sort::Name => CursorKey::Name(last.sort_name.clone()),
        };
        Cursor {
            key,
            id: last.row.id,
        }
    });
    Ok((
        rows.into_iter()
            .take(PAGE_SIZE as usize)
            .map(|r| r.row)
            .collect(),
        next,
    ))
}

#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    row: LeadRow,
    updated_at: chrono::DateTime<chrono::Utc>,
    sort_name: String,
}

/// How many leads match, all of them (for the export's audit record).
pub async fn count_all(
    conn: &mut PgConnection,
    scope: Scope,
    filter: &LeadFilter,
) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT count(*) FROM leads l");
    filtered(&mut qb, scope, filter);
    qb.build_query_scalar()
        .persistent(false)
        .fetch_one(conn)
        .await
}

/// How many leads match, counting no further than `COUNT_LIMIT`.
pub async fn count(
    conn: &mut PgConnection,
    scope: Scope,
    filter: &LeadFilter,
) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM leads l");
    filtered(&mut qb, scope, filter);
    qb.push(" LIMIT ").push_bind(COUNT_LIMIT).push(") matching");
    qb.build_query_scalar()
        .persistent(filter.may_prepare())
        .fetch_one(conn)
        .await
}

/// Every matching lead, in list order, as they come from the database (the export
/// streams them: a store with a million leads does not fill the server's memory).
pub fn stream_all(
    pool: PgPool,
    scope: Scope,
    filter: LeadFilter,
) -> impl futures_util::Stream<Item = Result<Lead, sqlx::Error>> {
    use futures_util::StreamExt;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Lead, sqlx::Error>>(256);
    tokio::spawn(async move {
        let mut qb = QueryBuilder::new(format!(
            "SELECT {LEAD_COLUMNS} FROM leads l LEFT JOIN users u ON u.id = l.assigned_to"
        ));
        let filter = LeadFilter {
            cursor: None,
            ..filter
        };
        filtered(&mut qb, scope, &filter);
        ordered(&mut qb, &filter);
        let mut rows = qb.build_query_as::<Lead>().persistent(false).fetch(&pool);
        while let Some(row) = rows.next().await {
            // The client went away: stop reading.
            if sender.send(row).await.is_err() {
                return;
            }
        }
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|row| (row, receiver))
    })
}

const LEAD_COLUMNS: &str = "l.id, l.name, l.email, l.phone, l.source, l.status, l.assigned_to, u.name AS assignee,
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

/// The validated content of a lead form.
#[derive(Debug, Clone, Default)]
pub struct LeadFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    pub time_zone: Option<String>,
    pub interest_year: Option<i16>,
    pub interest_make: Option<String>,
    pub interest_model: Option<String>,
    pub interest_vin: Option<String>,
    pub owned_year: Option<i16>,
    pub owned_make: Option<String>,
    pub owned_model: Option<String>,
    pub owned_vin: Option<String>,
    pub budget_min: Option<i32>,
    pub budget_max: Option<i32>,
    pub locations: Option<String>,
    pub property_type: Option<String>,
    pub timeline: Option<String>,
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

pub async fn insert<'e>(
    executor: impl PgExecutor<'e>,
    org_id: Uuid,
    source: LeadSource,
    assigned_to: Option<Uuid>,
    fields: &LeadFields,
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
    qb.push(") RETURNING id");
    qb.build_query_scalar().fetch_one(executor).await
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
