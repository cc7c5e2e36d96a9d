use leptos::prelude::*;
use leptos_router::components::A;

/// The settings pages, a tab each; the current one has `aria-current="page"`.
#[component]
pub fn SettingsTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Settings">
            <A href="/settings" exact=true>"Messaging"</A>
            <A href="/settings/ai" exact=true>"AI assistant"</A>
            <A href="/settings/ai/activity" exact=true>"AI activity"</A>
            <A href="/settings/calendar" exact=true>"Calendar"</A>
        </nav>
    }
}
