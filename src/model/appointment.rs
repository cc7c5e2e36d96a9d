//! Appointments (SPEC §2, §9): what the calendar, the booking form and the settings show.
//! Times travel in UTC; the server formats them in the location's zone (`*_label`), since
//! only the server carries the zone database.

use crate::model::Assignee;
use crate::text_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use uuid::Uuid;

/// The days of the week from Monday, as forms and messages name them.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The hours form's fields, a day each from Monday; each error names its day's field.
pub const HOURS_FIELDS: [&str; 7] = [
    "hours0", "hours1", "hours2", "hours3", "hours4", "hours5", "hours6",
];

text_enum!(
    AppointmentStatus,
    "appointment_status",
    "Choose a status from the list.",
    [
        Scheduled = "scheduled" / "Scheduled",
        Confirmed = "confirmed" / "Confirmed",
        Shown = "shown" / "Shown",
        NoShow = "no_show" / "No-show",
        Cancelled = "cancelled" / "Cancelled",
        Rescheduled = "rescheduled" / "Rescheduled",
    ]
);

impl AppointmentStatus {
    /// Still ahead of everyone: it holds its slot, and its reminders may go.
    pub fn live(self) -> bool {
        matches!(self, Self::Scheduled | Self::Confirmed)
    }
}

text_enum!(
    AppointmentSource,
    "appointment_source",
    "Unknown source.",
    [
        Staff = "staff" / "Booked by staff",
        Assistant = "assistant" / "Booked by the assistant",
        CustomerLink = "customer_link" / "Booked by the customer",
    ]
);

text_enum!(
    Attention,
    "appointment_attention",
    "Unknown flag.",
    [
        RescheduleRequested = "reschedule_requested" / "The customer asked to reschedule",
        OptedOut = "opted_out" / "The customer opted out of texts; the visit still stands",
    ]
);

text_enum!(
    ReminderState,
    "reminder_state",
    "Unknown reminder state.",
    [
        Scheduled = "scheduled" / "Scheduled",
        Sent = "sent" / "Sent",
        Skipped = "skipped" / "Skipped",
    ]
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AppointmentType {
    pub id: Uuid,
    pub name: String,
    pub duration_minutes: i32,
    pub needs_confirmation: bool,
    pub reminder_offsets: Vec<i32>,
    pub reminder_template: String,
    pub active: bool,
}

/// A type as typed in settings; `id` empty for a new one. An unticked box is absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppointmentTypeInput {
    pub id: String,
    pub name: String,
    pub duration_minutes: String,
    /// "yes" when the customer is asked to confirm.
    pub needs_confirmation: String,
    /// Reminders before the start, e.g. "24h, 2h" or "30m".
    pub reminders: String,
    pub reminder_template: String,
    /// "yes" to offer it when booking.
    pub active: String,
}

/// The store's calendar settings as the form shows them: one "09:00-19:00" (or empty for
/// closed) per weekday from Monday, closed days one per line ("2026-12-25 Christmas").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarSettings {
    pub hours: Vec<String>,
    pub closed_days: String,
    pub no_show_after_minutes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSettingsView {
    pub settings: CalendarSettings,
    pub types: Vec<AppointmentType>,
    pub zone: String,
    pub people: Vec<PersonHours>,
}

/// One bookable person's own hours and zone (none: the store's hours apply), as the form
/// shows and sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonHours {
    pub user: String,
    pub name: String,
    /// IANA zone; empty for the store's.
    pub time_zone: String,
    pub hours: Vec<String>,
}

/// One appointment as the calendar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CalendarEntry {
    pub id: Uuid,
    pub lead_id: Uuid,
    pub lead_name: String,
    pub type_id: Uuid,
    pub type_name: String,
    pub assignee_id: Uuid,
    pub assignee_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub source: AppointmentSource,
    pub attention: Option<Attention>,
    /// "Tue 8 Dec, 10:00 am" in the location's zone.
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub when_label: String,
    /// "10:00 am" in the location's zone.
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub time_label: String,
    /// The location's date, for placing it in a day column.
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub local_date: Option<NaiveDate>,
}

/// The calendar's filters, as they sit in its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarQuery {
    /// "day" or "week" (default).
    pub view: String,
    /// The day shown, or a day of the week shown (YYYY-MM-DD); today when empty.
    pub date: String,
    pub assignee: String,
    #[serde(rename = "type")]
    pub type_id: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    pub zone: String,
    pub days: Vec<NaiveDate>,
    pub today: NaiveDate,
    pub entries: Vec<CalendarEntry>,
    /// More appointments than one view shows: the page asks for a filter.
    pub truncated: bool,
    /// Live appointments that need a person (asked to reschedule, opted out).
    pub attention: Vec<CalendarEntry>,
    pub assignees: Vec<Assignee>,
    pub types: Vec<AppointmentType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotOffer {
    pub starts_at: DateTime<Utc>,
    pub label: String,
}

/// What the booking form offers: the types, who can be booked, and the free slots of the
/// chosen type and person from the chosen day on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingOptions {
    pub types: Vec<AppointmentType>,
    pub assignees: Vec<Assignee>,
    pub type_id: Option<Uuid>,
    pub assignee: Option<Uuid>,
    pub slots: Vec<SlotOffer>,
    pub zone: String,
}

/// A booking as submitted: every field raw, validated on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingInput {
    pub lead: String,
    /// The conversation it is booked from, if any: its texts go there.
    pub conversation: String,
    pub type_id: String,
    pub assignee: String,
    /// RFC 3339, one of the offered slots.
    pub starts_at: String,
    pub notes: String,
    /// "yes" to text the customer a confirmation (within consent).
    pub notify: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderView {
    pub offset_label: String,
    pub due_label: String,
    /// "scheduled", "sent", "delivered", "failed" or "skipped".
    pub state: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    pub entry: CalendarEntry,
    pub notes: String,
    pub zone: String,
    pub conversation_id: Option<Uuid>,
    pub reminders: Vec<ReminderView>,
    pub rescheduled_to: Option<Uuid>,
    /// The caller may change it (book, move, cancel, mark).
    pub can_edit: bool,
}

/// The caller's calendar feed: the address only right after it is made (it is stored
/// hashed), and whether one is active.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeed {
    pub active: bool,
    pub url: Option<String>,
}

/// A booking, move or cancellation done; `told` says whether the customer was texted and,
/// when the text was refused, why (shown to the person who did it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingOutcome {
    pub id: Uuid,
    pub told: Option<Result<(), String>>,
}
