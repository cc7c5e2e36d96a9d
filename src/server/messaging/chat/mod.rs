//! Web chat. A visitor leaves a name and a phone or e-mail and chats; they hold a random
//! token (an HttpOnly cookie) of which the database keeps only the SHA-256.
//!
//! What the visitor typed is a claim, not an identity (SPEC §3.11): every chat starts as a
//! conversation of its own, on a lead of its own with no contact, and never joins or takes
//! over anyone else's. Nothing typed in it touches a number's consent; a STOP ends the chat
//! and nothing more. It becomes the claimed person's when the visitor proves the claim (a
//! code sent to it) or a staff member links it by hand (audited): then it moves to that
//! person's lead, and from then on keywords typed in it count for their number.

mod code;
mod link;
mod messages;
mod visitor;

pub use self::code::{confirm_code, send_code, CODE_MINUTES};
pub use self::link::{link, link_by_staff, Proof};
pub use self::messages::{send, start, view};
pub use self::visitor::{Claim, COOKIE};
