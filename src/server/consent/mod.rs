//! The consent ledger (SPEC §3): hash-chained appends, a number's events, verification,
//! the inbound keywords (STOP, START, HELP) and the people (the public form, staff) that
//! write to it, and the compliance views that read it.

pub mod http;
pub mod keywords;
mod ledger;
mod read;
pub mod record;
mod verify;
pub mod views;
pub mod wording;

pub use crate::rules::ledger::hex;
pub use ledger::{append, lock_number_shared, use_key as ledger_key, Appended, NewEvent};
pub use read::{events_for, history, may_text_unasked};
pub use verify::{check_signed_head, signed_head, verify, SignedHead};
