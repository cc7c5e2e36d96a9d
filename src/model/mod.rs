//! Types shared by the server and the browser. Nothing here does I/O.

mod email;
mod form;
mod org;
mod role;
mod user;

pub use email::Email;
pub use form::FieldErrors;
pub use org::{OrgSlug, Vertical};
pub use role::Role;
pub use user::{CurrentUser, UserSummary};
