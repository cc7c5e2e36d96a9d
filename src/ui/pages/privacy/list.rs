//! `/privacy-requests`: open requests by due date, the late and the nearly late marked;
//! `/privacy-requests/new`: a request that came by e-mail, phone or in person.

use crate::api::privacy::{list_privacy_requests, LogPrivacyRequest};
use crate::model::{
    CurrentUser, DueState, PrivacyQuery, PrivacyRequestKind, PrivacyRequestRow, DUE_SOON_DAYS,
};
use crate::rules::authz::Capability;
use crate::ui::components::{
    choices, day, use_url_query, when, DataTable, FieldError, FilterBar, FilterSelect, FormMessage,
    Guard, Loaded, Pager, When,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

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
    let query = use_url_query::<PrivacyQuery>();
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
            // Rebuilt from the URL, so "Clear" and the back button reset the selects too.
            {move || view! {
                <FilterBar clear="/privacy-requests">
                    <FilterSelect name="show" label="Show" options=shows() selected=query.get().show/>
                    <FilterSelect name="kind" label="Kind" options=choices(PrivacyRequestKind::ALL) selected=query.get().kind any="Any"/>
                </FilterBar>
            }}
            <Loaded resource=page loading="Loading requests…" let:page>
                <p class="hint">{format!("Requests are due {} after they arrive.", page.policy)}</p>
                <DataTable columns=COLUMNS rows=page.page.rows row=|row| view! { <RequestRow row/> } testid="privacy-requests"
                    empty="No requests here. People file them on the public request page, or you log one that came by e-mail or phone."/>
                <Pager path="/privacy-requests" query=query.get_untracked() next=page.page.next_cursor/>
            </Loaded>
        </Guard>
    }
    .into_any()
}

fn shows() -> Vec<(String, String)> {
    [
        ("open", "Open, by due date"),
        ("closed", "Completed and rejected"),
        ("all", "All"),
    ]
    .map(|(value, label)| (value.to_string(), label.to_string()))
    .to_vec()
}

const COLUMNS: &[&str] = &["Due", "Kind", "Person", "Status", "Assigned to", "Received"];

#[component]
fn RequestRow(row: PrivacyRequestRow) -> impl IntoView {
    let r = row;
    view! {
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
    }
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
