//! The organisation's settings, for managers: messaging (`/settings`), the AI assistant
//! (`/settings/ai`) and what the assistant did (`/settings/ai/activity`).

mod ai;
mod ai_activity;
mod ai_form;
mod messaging;
mod tabs;

pub use ai::AiSettingsPage;
pub use ai_activity::AiActivityPage;
pub use messaging::SettingsPage;
