use super::config::Config;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// Shared by every handler; handed to Leptos so server functions read it from context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
}
