//! The scope rule (`rules::scope`) as SQL: every query of leads, and of what hangs off a
//! lead (conversations, consent, exports), filters through here.

use crate::rules::scope::Scope;
use sqlx::{Postgres, QueryBuilder};

pub fn scoped(qb: &mut QueryBuilder<'_, Postgres>, scope: Scope) {
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
