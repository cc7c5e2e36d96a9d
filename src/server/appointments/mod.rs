//! Appointments (SPEC §9, decision 18): types, working hours, booking through one slot
//! function (`rules::slots`) with overlaps refused by the database, the calendar,
//! reminders as idempotent jobs checked by `may_send`, customers' C / R replies, and a
//! private iCalendar feed per user.

pub mod availability;
pub mod book;
pub mod calendar;
pub mod change;
pub mod facts;
pub mod feed;
pub mod hours;
pub mod notice;
pub mod person_hours;
pub mod reminders;
pub mod replies;
pub mod tool;
pub mod types;
