//! Everything that only runs on the server: configuration, database access,
//! authentication, the HTTP router and the command line.

pub mod appointments;
pub mod assets;
pub mod assistant;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod consent;
pub mod crypto;
pub mod csrf;
pub mod db;
pub mod health;
pub mod hooks;
pub mod leads;
pub mod mail;
pub mod memo;
pub mod messaging;
pub mod metrics;
pub mod orgs;
pub mod privacy;
pub mod rate_limit;
pub mod router;
pub mod security_headers;
pub mod seed;
pub mod serve;
pub mod state;
pub mod users;

pub use state::AppState;
