//! Shared widgets.

mod field;
mod status_pages;

pub use field::{FieldError, FormMessage};
pub use status_pages::{ErrorPage, Forbidden, Guard, NotFound};
