//! The organisation's settings, for managers: messaging (`/settings`), the AI assistant
//! (`/settings/ai`), what the assistant did (`/settings/ai/activity`) and the calendar
//! (`/settings/calendar`).

mod ai;
mod ai_activity;
mod ai_form;
mod calendar;
mod messaging;
mod person_hours;
mod tabs;

pub use ai::AiSettingsPage;
pub use ai_activity::AiActivityPage;
pub use calendar::CalendarSettingsPage;
pub use messaging::SettingsPage;
