//! Privacy (data-subject) requests, retention and the audit log (SPEC §4, §5).

pub mod audit_log;
pub mod bundle;
pub mod execute;
pub mod http;
pub mod intake;
pub mod notify;
pub mod requests;
pub mod retention;
pub mod settings;
pub mod verify;
