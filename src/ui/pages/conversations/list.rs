use crate::api::conversations::list_conversations;
use crate::model::{Channel, ConversationRow, ConversationStatus, InboxQuery};
use crate::rules::authz::Capability;
use crate::ui::components::{
    choices, use_url_query, when, FilterBar, FilterSelect, Guard, Loaded, Pager, When,
};
use crate::ui::live::Live;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn InboxPage() -> AnyView {
    view! {
        <Title text="Conversations"/>
        <Guard capability=Capability::ViewConversations>
            <Inbox/>
        </Guard>
    }
    .into_any()
}

#[component]
fn Inbox() -> AnyView {
    let query = use_url_query::<InboxQuery>();
    // New messages anywhere in the organisation refetch the list (see ui::live).
    let page = Resource::new(
        move || (query.get(), Live::tick()),
        |(q, _)| list_conversations(q),
    );
    view! {
        <div class="page-head"><h1>"Conversations"</h1></div>
        // Rebuilt from the URL, so "Clear" and the back button reset the selects too.
        {move || view! { <InboxFilters query=query.get()/> }}
        <Loaded resource=page loading="Loading conversations…" let:page>
            <InboxList rows=page.rows/>
            <Pager path="/conversations" query=query.get_untracked() next=page.next_cursor/>
        </Loaded>
    }
    .into_any()
}

#[component]
fn InboxFilters(query: InboxQuery) -> impl IntoView {
    let views = [("mine", "Mine"), ("unassigned", "Unassigned")]
        .map(|(value, label)| (value.to_string(), label.to_string()))
        .to_vec();
    view! {
        <FilterBar clear="/conversations">
            <FilterSelect name="view" label="Show" options=views selected=query.view any="Everything I can see"/>
            <FilterSelect name="status" label="Status" options=choices(ConversationStatus::ALL) selected=query.status any="Any"/>
            <FilterSelect name="channel" label="Channel" options=choices(Channel::ALL) selected=query.channel any="Any"/>
        </FilterBar>
    }
}

#[component]
fn InboxList(rows: Vec<ConversationRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty-state">"No conversations here. New texts, calls and chats appear as they arrive."</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|row| view! { <InboxRow row/> })
        .collect_view();
    view! { <ul class="inbox panel" data-testid="inbox">{rows}</ul> }.into_any()
}

#[component]
fn InboxRow(row: ConversationRow) -> AnyView {
    let unread = row.unread_count;
    view! {
        <li class:unread={unread > 0}>
            <a href=format!("/conversations/{}", row.id)>
                <span class="inbox-name">{row.lead_name}</span>
                <span class="badge">{row.channel.label()}</span>
                {(unread > 0).then(|| view! { <span class="unread-badge" aria-label=format!("{unread} unread")>{unread}</span> })}
                <span class="inbox-preview">{row.last_message.unwrap_or_default()}</span>
                <span class="inbox-meta">
                    {row.status.label()}" · "{row.assignee.unwrap_or_else(|| "unassigned".into())}" · "
                    {when(row.last_activity_at, When::Recent)}
                </span>
            </a>
        </li>
    }
    .into_any()
}
