use crate::api::leads::list_leads;
use crate::model::{Assignee, CurrentUser, LeadQuery, LeadRow, LeadSource, LeadStatus, E164};
use crate::rules::authz::Capability;
use crate::rules::lead_query::{Sort, COUNT_LIMIT, SCORE_FLOORS};
use crate::ui::components::{
    choices, href, use_url_query, when, DataTable, FilterBar, FilterInput, FilterSelect, Guard,
    Loaded, Pager, When,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn LeadsPage() -> AnyView {
    view! {
        <Title text="Leads"/>
        <Guard capability=Capability::ViewLeads>
            <LeadList/>
        </Guard>
    }
    .into_any()
}

#[component]
fn LeadList() -> AnyView {
    let user = expect_context::<CurrentUser>();
    let query = use_url_query::<LeadQuery>();
    let leads = Resource::new(move || query.get(), list_leads);
    view! {
        <div class="page-head">
            <h1>"Leads"</h1>
            <div class="page-actions">
                {user.role.may(Capability::ExportData).then(|| view! {
                    <a class="button" href=move || href("/leads/export.csv", &query.get(), None) download rel="external">"Export CSV"</a>
                })}
                {user.role.may(Capability::ImportLeads).then(|| view! { <A href="/leads/import" attr:class="button">"Import CSV"</A> })}
                {user.role.may(Capability::EditLeads).then(|| view! { <A href="/leads/new" attr:class="button primary-link">"New lead"</A> })}
            </div>
        </div>
        <Loaded resource=leads loading="Loading leads…" let:list>
            <Filters query=query.get_untracked() people=list.assignees/>
            <p class="count" data-testid="lead-count">{count(list.total)}</p>
            <DataTable columns=COLUMNS rows=list.page.rows row=|lead| view! { <LeadLine lead/> }
                empty=empty(&query.get_untracked()) testid="leads"/>
            <Pager path="/leads" query=query.get_untracked() next=list.page.next_cursor/>
        </Loaded>
    }
    .into_any()
}

#[component]
fn Filters(query: LeadQuery, people: Vec<Assignee>) -> impl IntoView {
    let q = query;
    let assigned = [("me", "Me"), ("unassigned", "Nobody")]
        .into_iter()
        .map(|(value, label)| (value.to_string(), label.to_string()))
        .chain(people.into_iter().map(|a| (a.id.to_string(), a.name)))
        .collect();
    let sorts = Sort::ALL
        .iter()
        .map(|(_, key, label)| (key.to_string(), label.to_string()))
        .collect();
    let floors = SCORE_FLOORS
        .iter()
        .map(|floor| (floor.to_string(), format!("{floor}+")))
        .collect();
    view! {
        <FilterBar clear="/leads">
            <FilterInput name="q" label="Search" value=q.q grow=true placeholder="Name, email, phone digits or VIN"/>
            <FilterSelect name="status" label="Status" options=choices(LeadStatus::ALL) selected=q.status any="Any"/>
            <FilterSelect name="source" label="Source" options=choices(LeadSource::ALL) selected=q.source any="Any"/>
            <FilterSelect name="assigned" label="Assigned" options=assigned selected=q.assigned any="Anyone"/>
            <FilterInput name="tag" label="Tag" value=q.tag kind="text"/>
            <FilterSelect name="score" label="Score at least" options=floors selected=q.score any="Any"/>
            <FilterSelect name="sort" label="Sort" options=sorts selected=q.sort/>
        </FilterBar>
    }
}

/// "1,000+ leads" past the count's limit (see `COUNT_LIMIT`).
fn count(total: i64) -> String {
    match total {
        0 => String::new(),
        n if n >= COUNT_LIMIT => format!("{},{:03}+ leads", COUNT_LIMIT / 1000, COUNT_LIMIT % 1000),
        1 => "1 lead".to_string(),
        n => format!("{n} leads"),
    }
}

fn empty(query: &LeadQuery) -> &'static str {
    let filtered = LeadQuery {
        cursor: String::new(),
        sort: String::new(),
        ..query.clone()
    } != LeadQuery::default();
    if filtered {
        "No leads match these filters. Clear them to see every lead."
    } else {
        "No leads yet. Create one, or import a CSV file from your old system."
    }
}

const COLUMNS: &[&str] = &[
    "Name",
    "Phone",
    "Email",
    "Status",
    "Score",
    "Source",
    "Assigned to",
    "Vehicle",
    "Tags",
    "Created",
];

#[component]
fn LeadLine(lead: LeadRow) -> impl IntoView {
    let phone = lead
        .phone
        .map(|p| E164::from_stored(p).display())
        .unwrap_or_default();
    view! {
        <tr>
            <td><a href=format!("/leads/{}", lead.id)>{lead.name}</a></td>
            <td class="nowrap">{phone}</td>
            <td>{lead.email.unwrap_or_default()}</td>
            <td><span class=format!("badge status-{}", lead.status.as_str())>{lead.status.label()}</span></td>
            <td class="nowrap">{lead.ai_score.map(|s| s.to_string())}</td>
            <td>{lead.source.label()}</td>
            <td>{lead.assignee.unwrap_or_else(|| "—".into())}</td>
            <td>{lead.vehicle.unwrap_or_default()}</td>
            <td>{lead.tags.join(", ")}</td>
            <td class="nowrap">{when(lead.created_at, When::Day)}</td>
        </tr>
    }
}
