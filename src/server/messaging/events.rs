//! "Something changed in this conversation": published with NOTIFY inside the writing
//! transaction (so only committed changes are announced, on every app server), fanned
//! out in-process, and streamed to open pages as server-sent events.

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
use uuid::Uuid;

const CHANNEL: &str = "consentdesk_events";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub org_id: Uuid,
    pub conversation_id: Uuid,
}

pub async fn notify(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation_id: Uuid,
) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_string(&Event {
        org_id,
        conversation_id,
    })
    .unwrap_or_default();
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

/// Listens for NOTIFY and re-broadcasts in this process; reconnects if the link drops.
pub fn spawn_listener(pool: PgPool, sender: broadcast::Sender<Event>) {
    tokio::spawn(async move {
        loop {
            match PgListener::connect_with(&pool).await {
                Ok(mut listener) => {
                    if let Err(error) = listener.listen(CHANNEL).await {
                        tracing::warn!(%error, "LISTEN failed");
                    }
                    while let Ok(notification) = listener.recv().await {
                        if let Ok(event) = serde_json::from_str::<Event>(notification.payload()) {
                            let _ = sender.send(event);
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "event listener cannot connect"),
            }
            if pool.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

/// `GET /events`: the caller's organisation's events as server-sent events.
pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let receiver = state.events.subscribe();
    let stream = futures_util::stream::unfold(receiver, move |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) if event.org_id == caller.org_id => {
                    let sse = SseEvent::default()
                        .event("conversation")
                        .data(event.conversation_id.to_string());
                    return Some((Ok(sse), receiver));
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
