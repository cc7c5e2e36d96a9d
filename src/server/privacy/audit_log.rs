//! The audit log page: every sign-in, role change, view of personal data, export, consent
//! action, privacy-request step and retention run, filtered by person, action, object and
//! date, newest first.

use crate::error::AppError;
use crate::model::{AuditAction, AuditList, AuditObject, AuditQuery, AuditRow, Page};
use crate::rules::lead_query::{Cursor, CursorKey};
use crate::server::auth::Caller;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

/// An export holds at most this many lines; narrow the filters for more.
pub const EXPORT_LIMIT: i64 = 100_000;

/// A date from the filters; one the database could not hold is no filter at all.
fn day(text: &str) -> Option<NaiveDate> {
    text.trim()
        .parse()
        .ok()
        .filter(|d: &NaiveDate| (1970..=9999).contains(&chrono::Datelike::year(d)))
}

fn filtered(qb: &mut QueryBuilder<'_, Postgres>, caller: Caller, q: &AuditQuery) {
    qb.push(
        "SELECT a.id, a.at, a.actor_kind, u.name AS actor, a.action, a.object_type, a.object_id,
                host(a.ip) AS ip, a.detail::text AS detail
         FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id WHERE a.org_id = ",
    )
    .push_bind(caller.org_id);
    if let Ok(user) = q.user.trim().parse::<Uuid>() {
        qb.push(" AND a.actor_id = ").push_bind(user);
    }
    let action = q.action.trim();
    if let Some(family) = action.strip_suffix('.') {
        // "consent." lists every consent action; a whole name lists that one.
        qb.push(" AND a.action LIKE ").push_bind(format!(
            "{}.%",
            crate::rules::lead_query::like_escape(family)
        ));
    } else if !action.is_empty() {
        qb.push(" AND a.action = ").push_bind(action.to_string());
    }
    let object = q.object.trim();
    if !object.is_empty() {
        qb.push(" AND (a.object_id = ")
            .push_bind(object.to_string())
            .push(" OR a.object_type = ")
            .push_bind(object.to_string())
            .push(")");
    }
    if let Some(from) = day(&q.from) {
        qb.push(" AND a.at >= ")
            .push_bind(from.and_hms_opt(0, 0, 0).map(|d| d.and_utc()));
    }
    if let Some(to) = day(&q.to) {
        qb.push(" AND a.at < ").push_bind(
            to.succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc()),
        );
    }
}

/// One page, newest first, and the cursor of the next.
#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn page(pool: &PgPool, caller: Caller, q: &AuditQuery) -> Result<AuditList, AppError> {
    let mut qb = QueryBuilder::new("");
    filtered(&mut qb, caller, q);
    if let Some(Cursor {
        key: CursorKey::Time(at),
        id,
    }) = Cursor::decode(&q.cursor)
    {
        let id: i64 = id.as_u128() as i64;
        qb.push(" AND (a.at, a.id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    qb.push(" ORDER BY a.at DESC, a.id DESC LIMIT ")
        .push_bind(Page::<AuditRow>::FETCH);
    let rows = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let page = Page::cut(rows, |last: &AuditRow| cursor(last.at, last.id));
    let mut conn = pool.acquire().await?;
    crate::server::db::audit::record_view(
        &mut conn,
        crate::server::db::audit::AuditEvent::by(
            caller,
            None,
            AuditAction::AuditViewed,
            (AuditObject::AuditLog, "filtered".into()),
            serde_json::json!({ "filters": q }),
        ),
    )
    .await?;
    let people =
        sqlx::query_as("SELECT id, name FROM users WHERE org_id = $1 ORDER BY lower(name), id")
            .bind(caller.org_id)
            .fetch_all(pool)
            .await?;
    Ok(AuditList { page, people })
}

/// Audit ids are numbers; the shared cursor carries them in a UUID's place.
fn cursor(at: DateTime<Utc>, id: i64) -> String {
    Cursor {
        key: CursorKey::Time(at),
        id: Uuid::from_u128(id as u128),
    }
    .encode()
}

/// Every matching line, for the CSV export.
pub async fn all(pool: &PgPool, caller: Caller, q: &AuditQuery) -> Result<Vec<AuditRow>, AppError> {
    let mut qb = QueryBuilder::new("");
    filtered(&mut qb, caller, q);
    qb.push(" ORDER BY a.at DESC, a.id DESC LIMIT ")
        .push_bind(EXPORT_LIMIT);
    Ok(qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?)
}

pub fn csv(rows: &[AuditRow]) -> Result<Vec<u8>, csv::Error> {
    use crate::server::leads::csv_io::inert;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "at",
        "actor_kind",
        "actor",
        "action",
        "object_type",
        "object_id",
        "ip",
        "detail",
    ])?;
    for r in rows {
        out.write_record([
            r.at.to_rfc3339(),
            r.actor_kind.clone(),
            inert(r.actor.as_deref().unwrap_or_default()),
            r.action.clone(),
            r.object_type.clone().unwrap_or_default(),
            r.object_id.clone().unwrap_or_default(),
            r.ip.clone().unwrap_or_default(),
            inert(&r.detail),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}
