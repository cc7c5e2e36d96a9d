//! `/privacy-requests`: open requests by due date, the late and the nearly late marked;
//! `/privacy-requests/new`: a request that came by e-mail, phone or in person.

use crate::api::privacy::{list_privacy_requests, LogPrivacyRequest};
use crate::model::{
    CurrentUser, DueState, PrivacyQuery, PrivacyRequestKind, PrivacyRequestList, DUE_SOON_DAYS,
};
use crate::rules::authz::Capability;
use crate::ui::components::{day, when, FieldError, FormMessage, Guard, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

pub fn due_label(due: DueState) -> String {
    match due {
        DueState::Overdue => "Overdue".into(),
        DueState::DueSoon => format!("Due within {DUE_SOON_DAYS} days"),
        DueState::OnTime => "On time".into(),
        DueState::Closed => "Closed".into(),
    }
}

#[component]
pub fn PrivacyRequestsPage() -> AnyView {
    let user = expect_context::<CurrentUser>();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| PrivacyQuery {
            show: p.get("show").unwrap_or_default(),
            kind: p.get("kind").unwrap_or_default(),
            cursor: p.get("cursor").unwrap_or_default(),
        })
    });
    let page = Resource::new(move || query.get(), list_privacy_requests);
    let settings = user.role.may(Capability::ViewPrivacyRequests);
    view! {
        <Title text="Privacy requests"/>
        <Guard capability=Capability::ViewPrivacyRequests>
            <div class="page-head">
                <h1>"Privacy requests"</h1>
                <div class="page-actions">
                    <A href="/privacy-requests/new" attr:class="button primary-link">"Log a request"</A>
                    {settings.then(|| view! { <A href="/privacy-requests/settings" attr:class="button">"Deadline and retention"</A> })}
                    <a class="button" href=format!("/privacy/{}", user.org_slug) rel="external">"Public request page"</a>
                    {user.role.may(Capability::ProcessPrivacyRequests).then(|| view! {
                        <A href="/privacy-requests/mail" attr:class="button">"Sent mail"</A>
                    })}
                </div>
            </div>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="show">"Show"</label>
                    <select id="show" name="show">
                        <option value="open" selected=move || query.get().show.is_empty() || query.get().show == "open">"Open, by due date"</option>
                        <option value="closed" selected=move || query.get().show == "closed">"Completed and rejected"</option>
                        <option value="all" selected=move || query.get().show == "all">"All"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="kind">"Kind"</label>
                    <select id="kind" name="kind">
                        <option value="">"Any"</option>
                        {PrivacyRequestKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=move || query.get().kind == k.as_str()>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field buttons"><button type="submit">"Apply"</button></div>
            </Form>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading requests…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Requests page query=query.get_untracked()/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
    .into_any()
}

#[component]
fn Requests(page: PrivacyRequestList, query: PrivacyQuery) -> impl IntoView {
    let policy = page.policy.clone();
    if page.rows.is_empty() {
        return view! {
            <p class="hint">{format!("Requests are due {policy} after they arrive.")}</p>
            <p class="empty-state">"No requests here. People file them on the public request page, or you log one that came by e-mail or phone."</p>
        }
        .into_any();
    }
    let next = page.next_cursor.map(|c| {
        format!(
            "/privacy-requests?show={}&kind={}&cursor={}",
            crate::rules::url::encode(&query.show),
            crate::rules::url::encode(&query.kind),
            crate::rules::url::encode(&c)
        )
    });
    view! {
        <p class="hint">{format!("Requests are due {policy} after they arrive.")}</p>
        <div class="table-wrap panel">
            <table data-testid="privacy-requests">
                <thead><tr>
                    <th scope="col">"Due"</th><th scope="col">"Kind"</th><th scope="col">"Person"</th>
                    <th scope="col">"Status"</th><th scope="col">"Assigned to"</th><th scope="col">"Received"</th>
                </tr></thead>
                <tbody>
                    {page.rows.into_iter().map(|r| view! {
                        <tr class=r.due.class()>
                            <td class="nowrap"><strong>{day(r.due_on)}</strong>
                                <span class="hint">" "{due_label(r.due)}</span></td>
                            <td>{r.kind.label()}</td>
                            <td><a href=format!("/privacy-requests/{}", r.id)>{r.requester_name}</a>
                                <span class="hint">" "{r.contact}</span></td>
                            <td>{r.status.label()}</td>
                            <td>{r.assignee.unwrap_or_else(|| "—".into())}</td>
                            <td class="nowrap">{when(r.received_at, When::Day)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">{next.map(|href| view! { <A href=href>"Next page →"</A> })}</nav>
    }
    .into_any()
}

#[component]
pub fn NewPrivacyRequestPage() -> AnyView {
    let log = ServerAction::<LogPrivacyRequest>::new();
    let error = Signal::derive(move || log.value().get().and_then(Result::err));
    let pending = log.pending();
    view! {
        <Title text="Log a privacy request"/>
        <Guard capability=Capability::ViewPrivacyRequests>
            <p class="breadcrumb"><A href="/privacy-requests">"← Privacy requests"</A></p>
            <h1>"Log a privacy request"</h1>
            <ActionForm action=log attr:class="panel stacked narrow">
                <p class="hint">"For a request that came by e-mail, phone or in person. Its due date is fixed now, and the person gets an acknowledgement."</p>
                <label for="pr-kind">"What they ask for"</label>
                <select id="pr-kind" name="input[kind]">
                    {PrivacyRequestKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
                <FieldError error field="kind"/>
                <label for="pr-via">"How it came"</label>
                <select id="pr-via" name="input[received_via]">
                    <option value="email">"E-mail"</option>
                    <option value="phone">"Phone"</option>
                    <option value="in_person">"In person"</option>
                </select>
                <FieldError error field="received_via"/>
                <label for="pr-name">"Their name"</label>
                <input id="pr-name" name="input[name]" type="text" required/>
                <FieldError error field="name"/>
                <div class="grid-2">
                    <div class="field">
                        <label for="pr-email">"E-mail"</label>
                        <input id="pr-email" name="input[email]" type="email"/>
                        <FieldError error field="email"/>
                    </div>
                    <div class="field">
                        <label for="pr-phone">"Phone"</label>
                        <input id="pr-phone" name="input[phone]" type="tel"/>
                        <FieldError error field="phone"/>
                    </div>
                </div>
                <label for="pr-details">"What they said (optional)"</label>
                <textarea id="pr-details" name="input[details]" rows="3"></textarea>
                <FieldError error field="details"/>
                <FormMessage error/>
                <button type="submit" class="primary" disabled=move || pending.get()>"Log the request"</button>
            </ActionForm>
        </Guard>
    }
    .into_any()
}
