//! The consent ledger (SPEC §3): hash-chained appends, a number's events, verification,
//! the inbound keywords (STOP, START, HELP) and the people (the public form, staff) that
//! write to it, and the compliance views that read it.

pub mod http;
pub mod keywords;
mod ledger;
pub mod record;
pub mod views;
pub mod wording;

pub use ledger::{
    append, check_signed_head, events_for, hex, history, lock_number_shared, may_text_unasked,
    signed_head, use_key as ledger_key, verify, Appended, NewEvent, SignedHead,
};
