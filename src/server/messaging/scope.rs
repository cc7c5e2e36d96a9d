//! Which conversations a caller can see: those of leads assigned to them or to nobody for
//! an agent, all of the organisation's for the others; another organisation's conversation
//! does not exist.

use crate::model::ConversationRow;
use crate::server::auth::Caller;
use crate::server::db;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

/// The columns of an inbox row (`ConversationRow`).
pub const ROW: &str = "c.id, c.lead_id, l.name AS lead_name, c.channel, c.status, l.assigned_to, u.name AS assignee,
    c.unread_count, c.last_activity_at,
    (SELECT m.body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_message";
pub const FROM: &str = " FROM conversations c JOIN leads l ON l.id = c.lead_id LEFT JOIN users u ON u.id = l.assigned_to";

/// Limits a query over `conversations c JOIN leads l` to what the caller can see.
pub fn scoped(qb: &mut QueryBuilder<'_, Postgres>, caller: Caller) {
    qb.push(" WHERE c.org_id = ").push_bind(caller.org_id);
    db::leads::visible(qb, caller.scope());
}

/// One conversation's inbox row, if the caller can see it.
pub async fn row(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
) -> Result<Option<ConversationRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(format!("SELECT {ROW}{FROM}"));
    scoped(&mut qb, caller);
    qb.push(" AND c.id = ").push_bind(id);
    qb.build_query_as().fetch_optional(conn).await
}
