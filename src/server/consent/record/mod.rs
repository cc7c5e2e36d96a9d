//! Consent recorded by people rather than keywords: the public consent form, and staff
//! recording what a customer agreed to or refused on paper, in person, on a call or by
//! e-mail (SPEC §3.1, §3.8). Every record is one ledger event per channel family, with its
//! evidence, and an audit event.

mod staff;
mod web_form;

pub use staff::{grant, opt_out};
pub use web_form::{confirm_pending, kinds, public_form, FormOutcome, CONFIRM_DAYS};
