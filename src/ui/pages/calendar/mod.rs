//! `/calendar`: the week (or one day) of appointments per store or per person, the front
//! desk's day list with "shown" and "no-show" at hand, what needs a person, and the private
//! feed that puts one's own appointments in Google Calendar, Outlook or Apple Calendar.
//! `/calendar/:id`: one appointment, its reminders, and what can be done with it.

mod detail;
mod feed;
mod week;

pub use detail::AppointmentPage;
pub use week::CalendarPage;
