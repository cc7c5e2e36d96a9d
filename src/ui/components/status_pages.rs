use crate::error::AppError;
use crate::model::CurrentUser;
use crate::rules::authz::Capability;
use leptos::prelude::*;
use leptos_meta::Title;

#[cfg(feature = "ssr")]
fn set_status(code: u16) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
}

#[cfg(not(feature = "ssr"))]
fn set_status(_code: u16) {}

#[component]
pub fn NotFound() -> AnyView {
    set_status(404);
    view! {
        <Title text="Not found"/>
        <main class="status-page">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have been moved or deleted."</p>
            <a href="/">"Go to the dashboard"</a>
        </main>
    }
    .into_any()
}

#[component]
pub fn Forbidden() -> AnyView {
    set_status(403);
    view! {
        <Title text="Not allowed"/>
        <section class="status-page">
            <h1>"You do not have access to this page"</h1>
            <p>"Your role does not include this area. Ask a manager if you need it."</p>
        </section>
    }
    .into_any()
}

#[component]
pub fn ErrorPage(error: AppError) -> AnyView {
    set_status(error.status());
    view! {
        <Title text="Error"/>
        <section class="status-page">
            <h1>"Something went wrong"</h1>
            <p>{error.to_string()}</p>
        </section>
    }
    .into_any()
}

/// Renders its children only for a signed-in user whose role allows `capability`.
/// The data behind the page is checked again by its server functions.
#[component]
pub fn Guard(capability: Capability, children: ChildrenFn) -> impl IntoView {
    let allowed = use_context::<CurrentUser>().is_some_and(|user| user.role.may(capability));
    if allowed {
        children().into_any()
    } else {
        view! { <Forbidden/> }.into_any()
    }
}
