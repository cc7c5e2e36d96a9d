use super::config::Config;
use super::messaging::events::{self, ConversationEvent};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::broadcast;

/// Shared by every handler; handed to Leptos so server functions read it from context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    /// Committed changes to conversations, from every app server (LISTEN/NOTIFY).
    pub events: broadcast::Sender<ConversationEvent>,
    /// What the assistant needs when a request (a call, a suggested reply) asks it.
    pub ai: Arc<super::assistant::runtime::Runtime>,
}

impl AppState {
    /// Builds the state and starts listening for events (needs a Tokio runtime).
    pub fn start(pool: PgPool, leptos_options: LeptosOptions, config: Config) -> AppState {
        if let Some(key) = &config.ledger_key {
            super::consent::ledger_key(key.clone());
        }
        let (sender, _) = broadcast::channel(1024);
        events::spawn_listener(pool.clone(), sender.clone());
        let ai = super::assistant::runtime::Runtime {
            pool: pool.clone(),
            key: config.data_key.clone(),
            http: reqwest::Client::builder()
                .user_agent(concat!("ConsentDesk/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_default(),
        };
        AppState {
            ai: Arc::new(ai),
            pool,
            leptos_options,
            config: Arc::new(config),
            events: sender,
        }
    }
}
