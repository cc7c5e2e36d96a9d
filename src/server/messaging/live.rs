//! `GET /events`: committed changes to conversations (`events.rs`), streamed to open
//! pages as server-sent events, each only to those who see that conversation.

use crate::server::auth::Caller;
use crate::server::AppState;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::Stream;
use std::convert::Infallible;
use tokio::sync::broadcast;
use tower_sessions::Session;

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
                            Ok(event) if event.in_scope(caller.scope()) => {
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
