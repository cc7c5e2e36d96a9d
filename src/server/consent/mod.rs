//! The consent ledger (SPEC §3): hash-chained appends, a number's events, verification,
//! and the inbound keywords (STOP, START, HELP) that write to it.

pub mod keywords;
mod ledger;

pub use ledger::{
    append, events_for, hex, history, lock_number_shared, verify, Appended, NewEvent,
};
