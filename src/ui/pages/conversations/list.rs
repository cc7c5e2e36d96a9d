use crate::api::conversations::list_conversations;
use crate::model::{Channel, ConversationRow, ConversationStatus, InboxList as Page, InboxQuery};
use crate::rules::authz::Capability;
use crate::rules::url::encode;
use crate::ui::components::{when, Guard, When};
use crate::ui::live::Live;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

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
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| InboxQuery {
            view: p.get("view").unwrap_or_default(),
            status: p.get("status").unwrap_or_default(),
            channel: p.get("channel").unwrap_or_default(),
            cursor: p.get("cursor").unwrap_or_default(),
        })
    });
    // New messages anywhere in the organisation refetch the list (see ui::live).
    let page = Resource::new(
        move || (query.get(), Live::tick()),
        |(q, _)| list_conversations(q),
    );
    view! {
        <div class="page-head"><h1>"Conversations"</h1></div>
        <InboxFilters query=query.get_untracked()/>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading conversations…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <InboxList page query=query.get_untracked()/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn InboxFilters(query: InboxQuery) -> AnyView {
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="view">"Show"</label>
                <select id="view" name="view">
                    <option value="" selected={query.view.is_empty()}>"Everything I can see"</option>
                    <option value="mine" selected={query.view == "mine"}>"Mine"</option>
                    <option value="unassigned" selected={query.view == "unassigned"}>"Unassigned"</option>
                </select>
            </div>
            <div class="field">
                <label for="status">"Status"</label>
                <select id="status" name="status">
                    <option value="">"Any"</option>
                    {ConversationStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected={query.status == s.as_str()}>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="channel">"Channel"</label>
                <select id="channel" name="channel">
                    <option value="">"Any"</option>
                    {Channel::ALL.iter().map(|c| view! {
                        <option value=c.as_str() selected={query.channel == c.as_str()}>{c.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field buttons">
                <button type="submit">"Apply"</button>
                <A href="/conversations">"Clear"</A>
            </div>
        </Form>
    }
    .into_any()
}

#[component]
fn InboxList(page: Page, query: InboxQuery) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p class="empty-state">"No conversations here. New texts, calls and chats appear as they arrive."</p> }.into_any();
    }
    let next = page.next_cursor.map(|cursor| {
        format!(
            "/conversations?view={}&status={}&channel={}&cursor={}",
            encode(&query.view),
            encode(&query.status),
            encode(&query.channel),
            encode(&cursor)
        )
    });
    let rows = page
        .rows
        .into_iter()
        .map(|row| view! { <InboxRow row/> })
        .collect_view();
    view! {
        <ul class="inbox panel" data-testid="inbox">{rows}</ul>
        <nav class="pager" aria-label="Pages">
            {(!query.cursor.is_empty()).then(|| view! { <A href="/conversations">"← Newest"</A> })}
            {next.map(|href| view! { <A href=href>"Older →"</A> })}
        </nav>
    }
    .into_any()
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
