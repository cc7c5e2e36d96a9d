//! What the assistant needs besides the database: the data key (to open a provider's key)
//! and one HTTP client, shared by the worker and by requests that ask it (a call, a draft).

use crate::server::crypto::DataKey;
use sqlx::PgPool;

pub struct Runtime {
    pub pool: PgPool,
    pub key: Option<DataKey>,
    pub http: reqwest::Client,
}
