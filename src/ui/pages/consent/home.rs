//! `/consent`: find a number by its digits or its lead's name; the latest consent activity;
//! record an opt-out that arrived by e-mail or phone.

use super::forms::OptOutForm;
use super::number_href;
use crate::api::consent::search_consent;
use crate::model::{ConsentNumberRow, CurrentUser, E164};
use crate::rules::authz::Capability;
use crate::ui::components::{when, Guard, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConsentHomePage() -> AnyView {
    view! {
        <Title text="Consent"/>
        <Guard capability=Capability::ViewConsent>
            <ConsentHome/>
        </Guard>
    }
    .into_any()
}

#[component]
fn ConsentHome() -> AnyView {
    let user = expect_context::<CurrentUser>();
    let params = use_query_map();
    let q = Memo::new(move |_| params.with(|p| p.get("q").unwrap_or_default()));
    let found = Resource::new(move || q.get(), search_consent);
    let review = user.role.may(Capability::ReviewConsent);
    let links = review.then(|| {
        view! {
            <nav class="page-actions" aria-label="Compliance">
                <A href="/consent/review/ledger" attr:class="button">"Verify the ledger"</A>
                <A href="/consent/review/blocked" attr:class="button">"Blocked sends"</A>
                <A href="/consent/review/wording" attr:class="button">"Consent wording"</A>
                <a class="button" href=format!("/consent/{}", user.org_slug) rel="external">"Public consent form"</a>
            </nav>
        }
    });
    view! {
        <div class="page-head">
            <h1>"Consent"</h1>
            {links}
        </div>
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field grow">
                <label for="consent-q">"Phone number or lead name"</label>
                <input id="consent-q" name="q" type="search" value=move || q.get()
                    placeholder="e.g. 312 555 or Garcia"/>
            </div>
            <div class="field buttons"><button type="submit">"Search"</button></div>
        </Form>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Searching…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(rows) => view! { <Numbers rows searched=!q.get_untracked().trim().is_empty() review/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <section class="panel narrow" aria-labelledby="opt-out-heading">
            <h2 id="opt-out-heading">"Record an opt-out"</h2>
            <p class="hint">"A customer asked by e-mail, on the phone or in person to stop hearing from us. It takes effect at once, for every number's sends."</p>
            <OptOutForm phone=String::new()/>
        </section>
    }
    .into_any()
}

#[component]
fn Numbers(rows: Vec<ConsentNumberRow>, searched: bool, review: bool) -> impl IntoView {
    if rows.is_empty() {
        let message = match (searched, review) {
            (true, _) => "No number or lead matches. Try fewer digits, or part of the name.",
            (false, true) => "No consent has been recorded yet. Opt-ins from the public form, keywords and staff appear here.",
            (false, false) => "Search for the phone number or the name of one of your leads.",
        };
        return view! { <p class="empty-state">{message}</p> }.into_any();
    }
    let heading = if searched {
        "Matching numbers"
    } else {
        "Latest consent activity"
    };
    view! {
        <h2>{heading}</h2>
        <div class="table-wrap panel">
            <table>
                <thead><tr>
                    <th scope="col">"Number"</th>
                    <th scope="col">"Lead"</th>
                    <th scope="col">"Last event"</th>
                    <th scope="col">"Events"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let shown = E164::from_stored(row.phone.clone()).display();
                        view! {
                            <tr>
                                <td class="nowrap"><a href=number_href(&row.phone)>{shown}</a></td>
                                <td>{row.lead_name.unwrap_or_else(|| "—".into())}</td>
                                <td class="nowrap">{row.last_at.map(|t| when(t, When::Minute)).unwrap_or_else(|| "none yet".into())}</td>
                                <td>{row.events}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
