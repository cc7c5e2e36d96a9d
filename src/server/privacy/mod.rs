//! Privacy (data-subject) requests, retention and the audit log (SPEC §4, §5).

pub mod audit_log;
pub mod bundle;
pub mod correct;
pub mod erase;
pub mod execute;
pub mod http;
pub mod intake;
pub mod notify;
pub mod records;
pub mod requests;
pub mod restrict;
pub mod retention;
pub mod revoke;
pub mod settings;
pub mod store;
pub mod verify;
