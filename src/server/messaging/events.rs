//! "Something changed in this conversation": published with NOTIFY inside the writing
//! transaction (so only committed changes are announced, on every app server), fanned
//! out in-process, and streamed to open pages as server-sent events.

use crate::rules::scope::Scope;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

const CHANNEL: &str = "consentdesk_events";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationEvent {
    pub org_id: Uuid,
    pub conversation_id: Uuid,
    /// Whom the conversation's lead is assigned to now: agents hear only of theirs and of
    /// unassigned ones, as they see only those.
    pub assigned_to: Option<Uuid>,
}

impl ConversationEvent {
    /// Whether the event may reach someone who sees `scope` (their conversations only).
    pub fn in_scope(&self, scope: Scope) -> bool {
        scope.sees(self.org_id, self.assigned_to)
    }
}

pub async fn notify(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT pg_notify($1, json_build_object('org_id', $2::uuid, 'conversation_id', $3::uuid,
             'assigned_to', (SELECT l.assigned_to FROM conversations c JOIN leads l ON l.id = c.lead_id
                             WHERE c.id = $3))::text)",
    )
    .bind(CHANNEL)
    .bind(org_id)
    .bind(conversation_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Announces every conversation of a lead (its assignment changed: inboxes regroup).
pub async fn notify_lead(
    conn: &mut PgConnection,
    org_id: Uuid,
    lead_id: Uuid,
) -> Result<(), sqlx::Error> {
    let conversations: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM conversations WHERE org_id = $1 AND lead_id = $2")
            .bind(org_id)
            .bind(lead_id)
            .fetch_all(&mut *conn)
            .await?;
    for conversation in conversations {
        notify(&mut *conn, org_id, conversation).await?;
    }
    Ok(())
}

/// Listens for NOTIFY and re-broadcasts in this process; reconnects if the link drops.
pub fn spawn_listener(pool: PgPool, sender: broadcast::Sender<ConversationEvent>) {
    tokio::spawn(async move {
        loop {
            match PgListener::connect_with(&pool).await {
                // A listener that could not LISTEN would wait for ever for nothing: it
                // starts again instead.
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => {
                        while let Ok(notification) = listener.recv().await {
                            if let Ok(event) =
                                serde_json::from_str::<ConversationEvent>(notification.payload())
                            {
                                let _ = sender.send(event);
                            }
                        }
                        tracing::warn!("event listener lost its connection; reconnecting");
                    }
                    Err(error) => tracing::warn!(%error, "LISTEN failed; reconnecting"),
                },
                Err(error) => tracing::warn!(%error, "event listener cannot connect"),
            }
            if pool.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn caller(role: Role) -> Scope {
        Scope::of(Uuid::from_u128(10), Uuid::from_u128(1), role)
    }

    fn event(org: u128, assigned_to: Option<u128>) -> ConversationEvent {
        ConversationEvent {
            org_id: Uuid::from_u128(org),
            conversation_id: Uuid::from_u128(99),
            assigned_to: assigned_to.map(Uuid::from_u128),
        }
    }

    #[test]
    fn nobody_hears_of_another_organisation() {
        for role in Role::ALL {
            assert!(!event(11, None).in_scope(caller(role)));
        }
    }

    #[test]
    fn agents_hear_only_of_their_own_and_unassigned_conversations() {
        let agent = caller(Role::Agent);
        assert!(event(10, None).in_scope(agent));
        assert!(event(10, Some(1)).in_scope(agent));
        assert!(!event(10, Some(2)).in_scope(agent));
        assert!(event(10, Some(2)).in_scope(caller(Role::Manager)));
    }
}
