//! The values the assistant reads and the limits it works within, shared by every part of
//! it (a file of their own so no part has to import the module root).

/// One line of the conversation, as the assistant may see it (system texts and codes are
/// never among them: `server::assistant::context` leaves them out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The customer wrote it; otherwise the store (a person or the assistant) did.
    pub customer: bool,
    pub text: String,
}

/// What the replies may say about the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub name: String,
    /// Opening hours as people read them ("Mon–Sat 9 am–7 pm").
    pub hours: String,
}

/// Below this confidence the autopilot hands the conversation to a person.
pub const CONFIDENCE_FLOOR: i16 = 50;

/// Assistant answers in a row without progress before a person takes over.
pub const MAX_TURNS_WITHOUT_PROGRESS: i32 = 3;
