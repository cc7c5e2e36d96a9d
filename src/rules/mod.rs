//! Pure domain rules: no I/O, heavily unit-tested.

pub mod account;
pub mod appointment;
pub mod assistant;
pub mod authz;
pub mod business_hours;
pub mod consent;
pub mod consent_capture;
pub mod consent_state;
pub mod intent;
#[cfg(feature = "ssr")]
pub mod lead_form;
pub mod lead_query;
#[cfg(feature = "ssr")]
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod ledger_chain;
pub mod limits;
pub mod privacy_request;
// Time-zone rules need the zone database, which only the server carries.
#[cfg(feature = "ssr")]
pub mod deadlines;
#[cfg(test)]
pub mod fixtures;
#[cfg(feature = "ssr")]
pub mod quiet_hours;
pub mod retention;
pub mod scope;
pub mod send_decision;
pub mod send_policy;
#[cfg(feature = "ssr")]
pub mod slots;
pub mod url;
pub mod whatsapp_window;
