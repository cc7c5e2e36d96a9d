use crate::api::auth::{signed_in_user, Logout};
use crate::model::{CurrentUser, DUE_SOON_DAYS};
use crate::rules::authz::areas_for;
use crate::ui::components::ErrorPage;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};

/// The signed-in frame: navigation for the user's role, who is signed in, sign-out.
#[component]
pub fn Layout() -> AnyView {
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
            // Not reactive (no `move ||`): the signed-in user does not change under an open
            // page, and a closure that ran again when the resource settled built the page
            // (and fetched its data) up to three times per request.
            {Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) if user.must_change_password => view! { <Redirect path="/account/password"/> }.into_any(),
                    Ok(Some(user)) => view! { <SignedIn user/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn SignedIn(user: CurrentUser) -> AnyView {
    provide_context(user.clone());
    crate::ui::live::provide_live_updates();
    let logout = ServerAction::<Logout>::new();
    let urgent = user.urgent_requests;
    let links = areas_for(user.role)
        .map(|(label, href)| {
            // Requests near or past their deadline are counted wherever one looks.
            let badge = (href == "/privacy-requests" && urgent > 0).then(|| {
                view! {
                    " "<span class="badge urgent" data-testid="urgent-requests"
                        title=format!("Due within {DUE_SOON_DAYS} days or overdue")>{urgent}</span>
                }
            });
            view! { <li><A href=href>{label}{badge}</A></li> }
        })
        .collect_view();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"ConsentDesk"</a>
            <nav aria-label="Main">
                <ul>{links}</ul>
            </nav>
            <div class="who">
                <span class="who-name" data-testid="user-name">{user.name.clone()}</span>
                <span class="who-meta">
                    <span data-testid="user-role">{user.role.label()}</span>
                    " · "
                    <span data-testid="org-name">{user.org_name.clone()}</span>
                </span>
                <A href="/account/password" attr:class="link-button">"Password"</A>
                <ActionForm action=logout>
                    <button type="submit" class="link-button">"Sign out"</button>
                </ActionForm>
            </div>
        </header>
        <main class="content">
            {crate::ui::outlet::page_outlet()}
        </main>
    }
    .into_any()
}
