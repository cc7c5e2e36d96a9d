use crate::rules::authz::Capability;
use crate::ui::components::Guard;
use leptos::prelude::*;
use leptos_meta::Title;

/// An area that exists in the navigation but is not built yet. It says so plainly.
#[component]
pub fn ComingSoon(
    title: &'static str,
    capability: Capability,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Title text=title/>
        <Guard capability>
            <h1>{title}</h1>
            <p class="empty-state">{children()}</p>
        </Guard>
    }
}
