//! The values the rules' unit tests are built from: a consent grant, a STOP, and a
//! conversation the customer started. One copy, so a test reads like the rule it checks.

use crate::model::{Channel, ConsentLevel, MessageCategory};
use crate::rules::consent::Event;
use crate::rules::send_policy::SendFacts;

/// A grant of `level`, covering what that level covers.
pub fn grant(level: ConsentLevel) -> Event {
    Event {
        grant: Some(level),
        categories: level.covers(),
        summary: format!("{} grant", level.label()),
    }
}

/// Express written consent, as the web form records it.
pub fn written() -> Event {
    grant(ConsentLevel::ExpressWritten)
}

/// An opt-out of everything.
pub fn stop() -> Event {
    Event {
        grant: None,
        categories: MessageCategory::ALL.to_vec(),
        summary: "STOP".into(),
    }
}

/// A text conversation the customer started, with nothing on the ledger.
pub fn started() -> SendFacts {
    SendFacts {
        channel: Channel::Sms,
        customer_initiated: true,
        has_address: true,
        ledger: Vec::new(),
        review: false,
        restricted: false,
        ended: false,
        window_open: true,
    }
}
