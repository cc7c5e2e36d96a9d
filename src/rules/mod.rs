//! Pure domain rules: no I/O, heavily unit-tested.

pub mod account;
pub mod authz;
pub mod consent;
pub mod keywords;
pub mod lead_query;
#[cfg(feature = "ssr")]
pub mod ledger;
pub mod limits;
// Time-zone rules need the zone database, which only the server carries.
#[cfg(feature = "ssr")]
pub mod deadlines;
#[cfg(feature = "ssr")]
pub mod quiet_hours;
pub mod send_decision;
pub mod send_policy;
pub mod url;
