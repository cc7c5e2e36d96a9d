//! `/audit`: the append-only audit log, filtered by person, action, object and date, with
//! a CSV export of what the filters show (the export is itself audited).

use crate::api::privacy::list_audit_events;
use crate::model::{AuditFamily, AuditList, AuditQuery};
use crate::rules::authz::Capability;
use crate::rules::url::encode;
use crate::ui::components::{when, Guard, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

fn query_string(q: &AuditQuery, cursor: Option<&str>) -> String {
    format!(
        "user={}&action={}&object={}&from={}&to={}{}",
        encode(&q.user),
        encode(&q.action),
        encode(&q.object),
        encode(&q.from),
        encode(&q.to),
        cursor
            .map(|c| format!("&cursor={}", encode(c)))
            .unwrap_or_default()
    )
}

#[component]
pub fn AuditPage() -> AnyView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| AuditQuery {
            user: p.get("user").unwrap_or_default(),
            action: p.get("action").unwrap_or_default(),
            object: p.get("object").unwrap_or_default(),
            from: p.get("from").unwrap_or_default(),
            to: p.get("to").unwrap_or_default(),
            cursor: p.get("cursor").unwrap_or_default(),
        })
    });
    let page = Resource::new(move || query.get(), list_audit_events);
    view! {
        <Title text="Audit log"/>
        <Guard capability=Capability::ViewAuditLog>
            <div class="page-head">
                <h1>"Audit log"</h1>
                <div class="page-actions">
                    <a class="button" href=move || format!("/audit/export.csv?{}", query_string(&query.get(), None)) download rel="external">"Export CSV"</a>
                </div>
            </div>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the log…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Log page query=query.get_untracked()/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
    .into_any()
}

#[component]
fn Log(page: AuditList, query: AuditQuery) -> AnyView {
    let next = page
        .next_cursor
        .as_deref()
        .map(|c| format!("/audit?{}", query_string(&query, Some(c))));
    let rows = page
        .rows
        .into_iter()
        .map(|r| {
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
        })
        .collect_view();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="audit-user">"Person"</label>
                <select id="audit-user" name="user">
                    <option value="">"Anyone"</option>
                    {page.people.into_iter().map(|p| {
                        let id = p.id.to_string();
                        let chosen = id == query.user;
                        view! { <option value=id selected=chosen>{p.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action">
                    <option value="" selected=query.action.is_empty()>"Any action"</option>
                    {AuditFamily::ALL.iter().map(|family| view! {
                        <option value=family.prefix() selected={query.action == family.prefix()}>{family.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field grow">
                <label for="audit-object">"Object (id or type)"</label>
                <input id="audit-object" name="object" type="search" value=query.object.clone() placeholder="a lead's id, +1312…, privacy_request"/>
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=query.from.clone()/>
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" name="to" type="date" value=query.to.clone()/>
            </div>
            <div class="field buttons">
                <button type="submit">"Apply"</button>
                <A href="/audit">"Clear"</A>
            </div>
        </Form>
        <div class="table-wrap panel">
            <table data-testid="audit-log">
                <thead><tr>
                    <th scope="col">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"Action"</th>
                    <th scope="col">"Object"</th><th scope="col">"IP"</th><th scope="col">"Detail"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">{next.map(|href| view! { <A href=href>"Older →"</A> })}</nav>
    }
    .into_any()
}
