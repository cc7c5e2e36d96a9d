//! "Something changed in this conversation": published with NOTIFY inside the writing
//! transaction (so only committed changes are announced, on every app server), fanned
//! out in-process, and streamed to open pages as server-sent events.

use crate::model::Role;
use crate::server::auth::Caller;
use crate::server::AppState;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::Stream;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;
use tower_sessions::Session;
use uuid::Uuid;

const CHANNEL: &str = "consentdesk_events";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub org_id: Uuid,
    pub conversation_id: Uuid,
    /// Whom the conversation's lead is assigned to now: agents hear only of theirs and of
    /// unassigned ones, as they see only those.
    pub assigned_to: Option<Uuid>,
}

impl Event {
    fn for_caller(&self, caller: Caller) -> bool {
        self.org_id == caller.org_id
            && (caller.role != Role::Agent
                || self.assigned_to.is_none_or(|user| user == caller.user_id))
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
pub fn spawn_listener(pool: PgPool, sender: broadcast::Sender<Event>) {
    tokio::spawn(async move {
        loop {
            match PgListener::connect_with(&pool).await {
                // A listener that could not LISTEN would wait for ever for nothing: it
                // starts again instead.
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => {
                        while let Ok(notification) = listener.recv().await {
                            if let Ok(event) = serde_json::from_str::<Event>(notification.payload())
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

/// `GET /events`: the caller's organisation's events as server-sent events. The stream
/// asks again whether its session still stands (signed out, deactivated, role changed)
/// every `events_recheck` (a minute), and ends when it does not.
pub async fn stream(
    State(state): State<AppState>,
    session: Session,
    caller: Caller,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let recheck = state.config.events_recheck;
    let receiver = state.events.subscribe();
    let mut every = tokio::time::interval_at(tokio::time::Instant::now() + recheck, recheck);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let start = (receiver, every, caller);
    let stream = futures_util::stream::unfold(
        start,
        move |(mut receiver, mut every, mut caller)| {
            let state = state.clone();
            let session = session.clone();
            async move {
                loop {
                    tokio::select! {
                        _ = every.tick() => match crate::server::auth::recheck(&state.pool, &session).await {
                            Ok(now) => caller = now,
                            Err(_) => return None,
                        },
                        received = receiver.recv() => match received {
                            Ok(event) if event.for_caller(caller) => {
                                let sse = SseEvent::default()
                                    .event("conversation")
                                    .data(event.conversation_id.to_string());
                                return Some((Ok(sse), (receiver, every, caller)));
                            }
                            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                    }
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            user_id: Uuid::from_u128(1),
            org_id: Uuid::from_u128(10),
            role,
        }
    }

    fn event(org: u128, assigned_to: Option<u128>) -> Event {
        Event {
            org_id: Uuid::from_u128(org),
            conversation_id: Uuid::from_u128(99),
            assigned_to: assigned_to.map(Uuid::from_u128),
        }
    }

    #[test]
    fn nobody_hears_of_another_organisation() {
        for role in Role::ALL {
            assert!(!event(11, None).for_caller(caller(role)));
        }
    }

    #[test]
    fn agents_hear_only_of_their_own_and_unassigned_conversations() {
        let agent = caller(Role::Agent);
        assert!(event(10, None).for_caller(agent));
        assert!(event(10, Some(1)).for_caller(agent));
        assert!(!event(10, Some(2)).for_caller(agent));
        assert!(event(10, Some(2)).for_caller(caller(Role::Manager)));
    }
}
