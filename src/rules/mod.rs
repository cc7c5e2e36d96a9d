//! Pure domain rules: no I/O, heavily unit-tested.

pub mod account;
pub mod authz;
pub mod consent;
pub mod keywords;
pub mod lead_query;
pub mod login_limit;
pub mod send_policy;
pub mod url;
