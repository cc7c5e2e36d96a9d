//! `/settings/ai`: which AI answers for the organisation, the autopilot, business hours and
//! the voice agent. A plain form: it saves without JavaScript too.

use super::ai_form::AiForm;
use super::tabs::SettingsTabs;
use crate::api::assistant::{get_ai_settings, SaveAiSettings};
use crate::model::AiSettingsView;
use crate::rules::authz::Capability;
use crate::ui::components::{when, Guard, Loaded, When};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AiSettingsPage() -> AnyView {
    view! {
        <Title text="AI assistant"/>
        <Guard capability=Capability::ManageSettings>
            <AiSettings/>
        </Guard>
    }
    .into_any()
}

#[component]
fn AiSettings() -> AnyView {
    let save = ServerAction::<SaveAiSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_ai_settings());
    view! {
        <h1>"Settings"</h1>
        <SettingsTabs/>
        <Loaded resource=settings loading="Loading the AI settings…" let:current>
            {fallback_warning(&current)}
            <AiForm current save/>
        </Loaded>
    }
    .into_any()
}

/// Shown while repeated provider failures keep the organisation on the built-in assistant.
fn fallback_warning(current: &AiSettingsView) -> Option<impl IntoView> {
    let reason = current.fallback_reason.clone()?;
    let at = current
        .fallback_at
        .map(|at| format!(" at {}", when(at, When::Minute)))
        .unwrap_or_default();
    let text = format!(
        "The assistant fell back to the built-in model{at}: {reason}. Save the settings to try the provider again."
    );
    Some(view! { <p class="warning" role="alert" data-testid="ai-fallback">{text}</p> })
}
