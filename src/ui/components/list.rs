//! The parts every list page is made of: its query read from the URL, a filter bar of
//! selects and inputs, a table, and a pager that keeps the filters. A list page is these
//! parts and its rows (see `pages/consent/review.rs`'s blocked sends for the shortest).

use crate::model::{Choice, ListQuery};
use crate::rules::url::{parse_query, query_string};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_location;
use serde::{de::DeserializeOwned, Serialize};

/// The page's query parameters as a typed value (`LeadQuery`, `InboxQuery`…), read
/// leniently (`rules::url::parse_query`).
pub fn use_url_query<Q>() -> Memo<Q>
where
    Q: DeserializeOwned + Default + PartialEq + Clone + Send + Sync + 'static,
{
    let search = use_location().search;
    Memo::new(move |_| search.with(|s| parse_query(s)))
}

/// `path?query`, or `path` alone when the query is empty.
pub fn href<Q: Serialize>(path: &str, query: &Q, cursor: Option<&str>) -> String {
    match query_string(query, cursor) {
        q if q.is_empty() => path.to_string(),
        q => format!("{path}?{q}"),
    }
}

/// The options of a select of an enum (`choices(LeadStatus::ALL)`), as (value, label).
pub fn choices<T: Choice>(all: &[T]) -> Vec<(String, String)> {
    all.iter()
        .map(|c| (c.as_str().to_string(), c.label().to_string()))
        .collect()
}

/// A list's filters: a GET form, so that a filtered list is a link to share.
#[component]
pub fn FilterBar(
    /// The unfiltered list, for "Clear".
    clear: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            {children()}
            <div class="field buttons">
                <button type="submit">"Apply"</button>
                <A href=clear>"Clear"</A>
            </div>
        </Form>
    }
}

/// A labelled select of a filter bar; `any` is a first, empty option ("Any").
#[component]
pub fn FilterSelect(
    /// The query parameter, also the select's id.
    name: &'static str,
    label: &'static str,
    /// (value, label) pairs; `choices(T::ALL)` for an enum.
    options: Vec<(String, String)>,
    selected: String,
    #[prop(optional)] any: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name>
                {any.map(|text| view! { <option value="">{text}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let chosen = value == selected;
                    view! { <option value=value selected=chosen>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A labelled text, search or date input of a filter bar.
#[component]
pub fn FilterInput(
    /// The query parameter, also the input's id.
    name: &'static str,
    label: &'static str,
    value: String,
    /// `search` (the default), `text` or `date`.
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    /// Takes the room left in the bar (the main search box).
    #[prop(optional)]
    grow: bool,
) -> impl IntoView {
    view! {
        <div class="field" class:grow=grow>
            <label for=name>{label}</label>
            <input id=name name=name type=kind.unwrap_or("search") value=value placeholder=placeholder/>
        </div>
    }
}

/// A table with column headings and one row per item, scrolling sideways on a phone; or,
/// with no items, the empty state that says why and what to do.
#[component]
pub fn DataTable<T, F, V>(
    columns: &'static [&'static str],
    rows: Vec<T>,
    /// One item's `<tr>`.
    row: F,
    /// What an empty list says.
    #[prop(into)]
    empty: String,
    #[prop(optional)] testid: Option<&'static str>,
) -> AnyView
where
    T: 'static,
    F: Fn(T) -> V + 'static,
    V: IntoView + 'static,
{
    if rows.is_empty() {
        return view! { <p class="empty-state" data-testid=testid.map(|t| format!("{t}-empty"))>{empty}</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap panel">
            <table data-testid=testid>
                <thead><tr>
                    {columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                </tr></thead>
                <tbody>{rows.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Links to the first page (when this is not it) and the next, keeping the filters.
#[component]
pub fn Pager<Q>(
    /// The list's path, such as `/leads`.
    path: &'static str,
    query: Q,
    next: Option<String>,
) -> impl IntoView
where
    Q: ListQuery + Send + Sync + 'static,
{
    let first = (!query.cursor().is_empty()).then(|| href(path, &query, None));
    let next = next.map(|c| href(path, &query, Some(&c)));
    view! {
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <A href=href>"← First page"</A> })}
            {next.map(|href| view! { <A href=href>"Next page →"</A> })}
        </nav>
    }
}
