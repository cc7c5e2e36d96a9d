//! Shared widgets.

mod assignee;
mod booking;
mod dates;
mod field;
mod insight;
mod list;
mod loaded;
mod status_pages;

pub use assignee::AssigneeSelect;
pub use booking::{use_picks, BookingPanel, Picker, Picks, SlotPicker};
pub use dates::{day, when, When};
pub use field::{error_of, FieldError, FormMessage};
pub use insight::{AcceptFacts, InsightPanel};
pub use list::{
    choices, href, use_url_query, DataTable, FilterBar, FilterInput, FilterSelect, Pager,
};
pub use loaded::Loaded;
pub use status_pages::{ErrorPage, Forbidden, Guard, NotFound};
