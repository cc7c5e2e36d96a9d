use crate::api::leads::list_leads;
use crate::model::{Assignee, CurrentUser, LeadList, LeadQuery, LeadSource, LeadStatus, E164};
use crate::rules::authz::Capability;
use crate::rules::lead_query::{Sort, COUNT_LIMIT};
use crate::rules::url::lead_query_string;
use crate::ui::components::{when, Guard, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

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

fn current_query() -> Memo<LeadQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        params.with(|p| LeadQuery {
            q: p.get("q").unwrap_or_default(),
            status: p.get("status").unwrap_or_default(),
            source: p.get("source").unwrap_or_default(),
            assigned: p.get("assigned").unwrap_or_default(),
            tag: p.get("tag").unwrap_or_default(),
            sort: p.get("sort").unwrap_or_default(),
            cursor: p.get("cursor").unwrap_or_default(),
        })
    })
}

#[component]
fn LeadList() -> AnyView {
    let user = expect_context::<CurrentUser>();
    let query = current_query();
    let leads = Resource::new(move || query.get(), list_leads);
    let export = move || {
        format!(
            "/leads/export.csv?{}",
            lead_query_string(&query.get(), None)
        )
    };
    let list = move || {
        Suspend::new(async move {
            match leads.await {
                Ok(page) => view! {
                    <Filters query=query.get_untracked() people=page.assignees.clone()/>
                    <LeadTable page query=query.get_untracked()/>
                }
                .into_any(),
                Err(error) => {
                    view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
                }
            }
        })
    };
    // In the browser the list follows the query (filters, pages); on the server the closure
    // would run again when the data arrives and build the table twice per request, so the
    // server renders its one result (the same HTML).
    #[cfg(feature = "ssr")]
    let list = list();
    view! {
        <div class="page-head">
            <h1>"Leads"</h1>
            <div class="page-actions">
                {user.role.may(Capability::ExportData).then(|| view! {
                    <a class="button" href=export download rel="external">"Export CSV"</a>
                })}
                {user.role.may(Capability::ImportLeads).then(|| view! { <A href="/leads/import" attr:class="button">"Import CSV"</A> })}
                {user.role.may(Capability::EditLeads).then(|| view! { <A href="/leads/new" attr:class="button primary-link">"New lead"</A> })}
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading leads…"</p> }>
            {list}
        </Transition>
    }
    .into_any()
}

#[component]
fn Filters(query: LeadQuery, people: Vec<Assignee>) -> AnyView {
    let q = query;
    let selected = |current: &str, value: &str| current == value;
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field grow">
                <label for="q">"Search"</label>
                <input id="q" name="q" type="search" value=q.q.clone() placeholder="Name, email, phone digits or VIN"/>
            </div>
            <div class="field">
                <label for="status">"Status"</label>
                <select id="status" name="status">
                    <option value="">"Any"</option>
                    {LeadStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=selected(&q.status, s.as_str())>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="source">"Source"</label>
                <select id="source" name="source">
                    <option value="">"Any"</option>
                    {LeadSource::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=selected(&q.source, s.as_str())>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="assigned">"Assigned"</label>
                <select id="assigned" name="assigned">
                    <option value="">"Anyone"</option>
                    <option value="me" selected=selected(&q.assigned, "me")>"Me"</option>
                    <option value="unassigned" selected=selected(&q.assigned, "unassigned")>"Nobody"</option>
                    {people.into_iter().map(|a| {
                        let id = a.id.to_string();
                        let chosen = id == q.assigned;
                        view! { <option value=id selected=chosen>{a.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="tag">"Tag"</label>
                <input id="tag" name="tag" type="text" value=q.tag.clone() size="10"/>
            </div>
            <div class="field">
                <label for="sort">"Sort"</label>
                <select id="sort" name="sort">
                    {Sort::ALL.iter().map(|(_, key, label)| view! {
                        <option value=*key selected=selected(&q.sort, key)>{*label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field buttons">
                <button type="submit">"Apply"</button>
                <A href="/leads">"Clear"</A>
            </div>
        </Form>
    }
    .into_any()
}

#[component]
fn LeadTable(page: LeadList, query: LeadQuery) -> impl IntoView {
    let filtered = LeadQuery {
        cursor: String::new(),
        sort: String::new(),
        ..query.clone()
    } != LeadQuery::default();
    let count = match page.total {
        0 => String::new(),
        n if n >= COUNT_LIMIT => format!("{},{:03}+ leads", COUNT_LIMIT / 1000, COUNT_LIMIT % 1000),
        1 => "1 lead".to_string(),
        n => format!("{n} leads"),
    };
    if page.rows.is_empty() {
        let message = if filtered {
            "No leads match these filters. Clear them to see every lead."
        } else {
            "No leads yet. Create one, or import a CSV file from your old system."
        };
        return view! { <p class="empty-state" data-testid="leads-empty">{message}</p> }.into_any();
    }
    let next = page
        .next_cursor
        .as_deref()
        .map(|c| format!("/leads?{}", lead_query_string(&query, Some(c))));
    let first =
        (!query.cursor.is_empty()).then(|| format!("/leads?{}", lead_query_string(&query, None)));
    let rows = page
        .rows
        .into_iter()
        .map(|lead| {
            let phone = lead.phone.map(|p| E164::from_stored(p).display()).unwrap_or_default();
            view! {
                <tr>
                    <td><a href=format!("/leads/{}", lead.id)>{lead.name}</a></td>
                    <td class="nowrap">{phone}</td>
                    <td>{lead.email.unwrap_or_default()}</td>
                    <td><span class=format!("badge status-{}", lead.status.as_str())>{lead.status.label()}</span></td>
                    <td>{lead.source.label()}</td>
                    <td>{lead.assignee.unwrap_or_else(|| "—".into())}</td>
                    <td>{lead.vehicle.unwrap_or_default()}</td>
                    <td>{lead.tags.join(", ")}</td>
                    <td class="nowrap">{when(lead.created_at, When::Day)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="count" data-testid="lead-count">{count}</p>
        <div class="table-wrap panel">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Phone"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Assigned to"</th>
                        <th scope="col">"Vehicle"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <A href=href>"← First page"</A> })}
            {next.map(|href| view! { <A href=href>"Next page →"</A> })}
        </nav>
    }
    .into_any()
}
