//! `/consent/review/blocked`: every message the consent rules refused, newest first.

use super::number_href;
use crate::api::consent::blocked_sends;
use crate::model::{BlockedSend, PageQuery};
use crate::rules::authz::Capability;
use crate::ui::components::{use_url_query, when, DataTable, Guard, Loaded, Pager, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

const COLUMNS: &[&str] = &[
    "When",
    "Lead",
    "Channel",
    "Category",
    "Sent by",
    "Why it was blocked",
];

#[component]
pub fn BlockedSendsPage() -> AnyView {
    let query = use_url_query::<PageQuery>();
    let page = Resource::new(move || query.get().cursor, blocked_sends);
    view! {
        <Title text="Blocked sends"/>
        <Guard capability=Capability::ReviewConsent>
            <p class="breadcrumb"><A href="/consent">"← Consent"</A></p>
            <h1>"Blocked sends"</h1>
            <p class="hint">"Every message the consent rules refused, with the rule that refused it. None of these reached the customer."</p>
            <Loaded resource=page loading="Loading blocked sends…" let:page>
                <DataTable columns=COLUMNS rows=page.rows row=|row| view! { <BlockedRow row/> }
                    empty="No send has been blocked." testid="blocked-sends"/>
                <Pager path="/consent/review/blocked" query=query.get_untracked() next=page.next_cursor/>
            </Loaded>
        </Guard>
    }
    .into_any()
}

#[component]
fn BlockedRow(row: BlockedSend) -> impl IntoView {
    let lead = match row.conversation_id {
        Some(id) => view! { <a href=format!("/conversations/{id}")>{row.lead_name}</a> }.into_any(),
        None => view! { <span>{row.lead_name}</span> }.into_any(),
    };
    view! {
        <tr>
            <td class="nowrap">{when(row.created_at, When::Minute)}</td>
            <td>{lead}{row.phone.map(|p| view! { " · "<a href=number_href(&p)>"consent"</a> })}</td>
            <td>{row.channel.label()}</td>
            <td>{row.category.map(|c| c.as_str()).unwrap_or_default()}</td>
            <td>{row.sender_name.unwrap_or_else(|| "system".into())}</td>
            <td>{row.reason.unwrap_or_default()}</td>
        </tr>
    }
}
