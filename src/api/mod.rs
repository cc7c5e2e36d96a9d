//! Server functions, one file per area. Each is a public endpoint: it enters through
//! `ctx::guarded` (the caller, through `server::auth::require`, must hold a capability)
//! or `ctx::public` (anonymous), then calls the server layer.

pub mod appointments;
pub mod assistant;
pub mod auth;
pub mod chat;
pub mod consent;
pub mod conversations;
pub mod leads;
pub mod privacy;
pub mod settings;
pub mod users;

#[cfg(feature = "ssr")]
pub(crate) mod ctx;
