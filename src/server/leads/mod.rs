//! Leads: the operations people perform, and their audit trail.

pub mod csv_io;
pub mod http;
pub mod import;
mod ops;

pub use ops::*;
