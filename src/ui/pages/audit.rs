//! `/audit`: the append-only audit log, filtered by person, action, object and date, with
//! a CSV export of what the filters show (the export is itself audited).

use crate::api::privacy::list_audit_events;
use crate::model::{Assignee, AuditFamily, AuditQuery, AuditRow};
use crate::rules::authz::Capability;
use crate::ui::components::{
    href, use_url_query, when, DataTable, FilterBar, FilterInput, FilterSelect, Guard, Loaded,
    Pager, When,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AuditPage() -> AnyView {
    let query = use_url_query::<AuditQuery>();
    let page = Resource::new(move || query.get(), list_audit_events);
    view! {
        <Title text="Audit log"/>
        <Guard capability=Capability::ViewAuditLog>
            <div class="page-head">
                <h1>"Audit log"</h1>
                <div class="page-actions">
                    <a class="button" href=move || href("/audit/export.csv", &query.get(), None) download rel="external">"Export CSV"</a>
                </div>
            </div>
            <Loaded resource=page loading="Loading the log…" let:page>
                <Filters query=query.get_untracked() people=page.people/>
                <DataTable columns=COLUMNS rows=page.page.rows row=|row| view! { <AuditLine row/> }
                    empty="Nothing in the log matches these filters." testid="audit-log"/>
                <Pager path="/audit" query=query.get_untracked() next=page.page.next_cursor/>
            </Loaded>
        </Guard>
    }
    .into_any()
}

const COLUMNS: &[&str] = &["When (UTC)", "Who", "Action", "Object", "IP", "Detail"];

#[component]
fn Filters(query: AuditQuery, people: Vec<Assignee>) -> impl IntoView {
    let people = people
        .into_iter()
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    let families = AuditFamily::ALL
        .iter()
        .map(|f| (f.prefix().to_string(), f.label().to_string()))
        .collect();
    view! {
        <FilterBar clear="/audit">
            <FilterSelect name="user" label="Person" options=people selected=query.user any="Anyone"/>
            <FilterSelect name="action" label="Action" options=families selected=query.action any="Any action"/>
            <FilterInput name="object" label="Object (id or type)" value=query.object grow=true
                placeholder="a lead's id, +1312…, privacy_request"/>
            <FilterInput name="from" label="From" value=query.from kind="date"/>
            <FilterInput name="to" label="To" value=query.to kind="date"/>
        </FilterBar>
    }
}

#[component]
fn AuditLine(row: AuditRow) -> impl IntoView {
    let r = row;
    let who = r.actor.clone().unwrap_or_else(|| r.actor_kind.clone());
    let object = match (r.object_type.clone(), r.object_id.clone()) {
        (Some(t), Some(id)) => format!("{t} {id}"),
        (Some(t), None) => t,
        _ => String::new(),
    };
    view! {
        <tr>
            <td class="nowrap">{when(r.at, When::SecondNoZone)}</td>
            <td>{who}</td>
            <td><code>{r.action}</code></td>
            <td class="wrap">{object}</td>
            <td>{r.ip.unwrap_or_default()}</td>
            <td class="wrap hint">{r.detail}</td>
        </tr>
    }
}
