use crate::api::chat::LinkChat;
use crate::api::conversations::{
    get_thread, AssignConversation, ReviewConsent, SendReply, SetConversationStatus,
};
use crate::error::AppError;
use crate::model::{
    ConversationStatus, DeliveryStatus, Direction, MessageCategory, MessageView, Thread, E164,
};
use crate::rules::authz::Capability;
use crate::ui::components::{ErrorPage, FieldError, FormMessage, Guard, NotFound};
use crate::ui::live::Live;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[component]
pub fn ThreadPage() -> AnyView {
    view! {
        <Guard capability=Capability::ViewConversations>
            <ThreadLoader/>
        </Guard>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Actions {
    reply: ServerAction<SendReply>,
    status: ServerAction<SetConversationStatus>,
    assign: ServerAction<AssignConversation>,
    review: ServerAction<ReviewConsent>,
    link: ServerAction<LinkChat>,
}

#[component]
fn ThreadLoader() -> AnyView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let before = Memo::new(move |_| query.with(|q| q.get("before").unwrap_or_default()));
    let actions = Actions {
        reply: ServerAction::new(),
        status: ServerAction::new(),
        assign: ServerAction::new(),
        review: ServerAction::new(),
        link: ServerAction::new(),
    };
    let mine = Live::counter_for(id);
    let draft = Draft {
        body: RwSignal::new(String::new()),
        category: RwSignal::new(MessageCategory::Conversational),
    };
    // A reply that went out (or was stored as blocked) leaves an empty box behind.
    Effect::new(move |_| {
        if matches!(actions.reply.value().get(), Some(Ok(_))) {
            draft.body.set(String::new());
        }
    });
    let thread = Resource::new(
        move || {
            (
                id.get(),
                before.get(),
                mine.get(),
                actions.reply.version().get(),
                actions.status.version().get(),
                actions.assign.version().get(),
                actions.review.version().get(),
                actions.link.version().get(),
            )
        },
        |(id, before, ..)| async move {
            match id {
                Some(id) => get_thread(id, before).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading conversation…"</p> }>
            {move || Suspend::new(async move {
                match thread.await {
                    Ok(thread) => view! { <ThreadView thread actions draft/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// What is being typed, kept outside the view that live updates rebuild.
#[derive(Clone, Copy)]
struct Draft {
    body: RwSignal<String>,
    category: RwSignal<MessageCategory>,
}

#[component]
fn ThreadView(thread: Thread, actions: Actions, draft: Draft) -> AnyView {
    let Thread {
        conversation,
        lead_phone,
        lead_email,
        lead_status,
        lead_vehicle,
        messages,
        calls,
        checks,
        consent_review,
        can_reply,
        can_assign,
        assignees,
        chat,
        earlier,
    } = thread;
    let earlier_link = earlier.map(|cursor| {
        let href = format!(
            "/conversations/{}?before={}",
            conversation.id,
            crate::rules::url::encode(&cursor)
        );
        view! { <p class="hint"><A href=href>"← Earlier messages"</A></p> }
    });
    let chat_panel =
        chat.map(|claim| view! { <ChatClaimPanel id=conversation.id claim action=actions.link/> });
    let id = conversation.id.to_string();
    let side_error = Signal::derive(move || {
        actions
            .status
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.assign.value().get().and_then(Result::err))
    });
    let status_id = id.clone();
    let status_forms = can_reply.then(move || {
        let id = status_id;
        let moves: &[(ConversationStatus, &str)] = match conversation.status {
            ConversationStatus::Open => &[
                (ConversationStatus::Pending, "Mark pending"),
                (ConversationStatus::Resolved, "Resolve"),
            ],
            ConversationStatus::Pending => &[
                (ConversationStatus::Open, "Reopen"),
                (ConversationStatus::Resolved, "Resolve"),
            ],
            ConversationStatus::Resolved => &[(ConversationStatus::Open, "Reopen")],
        };
        moves
            .iter()
            .map(|(next, label)| {
                let id = id.clone();
                view! {
                    <ActionForm action=actions.status attr:class="inline">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="status" value=next.as_str()/>
                        <button type="submit">{*label}</button>
                    </ActionForm>
                }
            })
            .collect_view()
    });
    let assign_id = id.clone();
    let assign_form = can_assign.then(|| {
        let id = assign_id;
        let current = conversation.assigned_to;
        view! {
            <ActionForm action=actions.assign attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <label for="conversation-assignee">"Assigned to"</label>
                <select id="conversation-assignee" name="assignee">
                    <option value="">"Nobody"</option>
                    {assignees.into_iter().map(|a| view! {
                        <option value=a.id.to_string() selected={Some(a.id) == current}>{a.name}</option>
                    }).collect_view()}
                </select>
                <button type="submit">"Assign"</button>
            </ActionForm>
        }
    });
    let items = messages
        .into_iter()
        .map(|m| view! { <MessageItem message=m/> })
        .collect_view();
    let call_items = calls
        .into_iter()
        .map(|call| {
            let minutes = call.duration_secs.map(|s| format!("{}:{:02}", s / 60, s % 60)).unwrap_or_else(|| "—".into());
            view! {
                <li class="call">
                    <p><strong>{format!("{} call", call.direction.label())}</strong>" · "{call.started_at.format("%d %b %H:%M").to_string()}
                        " · "{minutes}" · "{call.status}</p>
                    {call.transcript.map(|t| view! { <blockquote class="transcript">{t}</blockquote> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=conversation.lead_name.clone()/>
        <p class="breadcrumb"><A href="/conversations">"← Conversations"</A></p>
        <div class="page-head">
            <div>
                <h1>{conversation.lead_name.clone()}</h1>
                <p class="hint">{conversation.channel.label()}" · "{conversation.status.label()}" · assigned to "
                    {conversation.assignee.clone().unwrap_or_else(|| "nobody".into())}</p>
            </div>
        </div>
        <div class="toolbar">{status_forms}{assign_form}</div>
        {chat_panel}
        {consent_review.then(|| {
            let (yes_id, no_id) = (id.clone(), id.clone());
            view! {
                <section class="form-error review" role="alert" data-testid="consent-review">
                    <p><strong>"The customer's last text may ask to stop."</strong>
                        " Promotional messages wait until someone decides. Did it ask to stop?"</p>
                    <div class="row-actions">
                        <ActionForm action=actions.review attr:class="inline">
                            <input type="hidden" name="id" value=yes_id/>
                            <input type="hidden" name="opt_out" value="yes"/>
                            <button type="submit" class="danger">"Yes: record the opt-out"</button>
                        </ActionForm>
                        <ActionForm action=actions.review attr:class="inline">
                            <input type="hidden" name="id" value=no_id/>
                            <input type="hidden" name="opt_out" value="no"/>
                            <button type="submit">"No: it does not"</button>
                        </ActionForm>
                    </div>
                </section>
            }
        })}
        <FormMessage error=side_error/>
        <div class="two-column">
            <section class="panel" aria-label="Messages">
                {earlier_link}
                <ol class="thread" data-testid="thread">{items}</ol>
                {(!call_items.is_empty()).then(|| view! { <h2>"Calls"</h2><ul class="calls">{call_items}</ul> })}
                {can_reply.then(|| view! { <ReplyBox id=id checks action=actions.reply draft/> })}
            </section>
            <aside class="panel" aria-label="Lead">
                <h2>"Lead"</h2>
                <dl class="facts">
                    <dt>"Name"</dt><dd><A href=format!("/leads/{}", conversation.lead_id)>{conversation.lead_name.clone()}</A></dd>
                    <dt>"Phone"</dt><dd>{lead_phone.map(|p| E164::from_stored(p).display()).unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Email"</dt><dd>{lead_email.unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Status"</dt><dd>{lead_status.label()}</dd>
                    <dt>"Vehicle"</dt><dd>{lead_vehicle.unwrap_or_else(|| "—".into())}</dd>
                </dl>
            </aside>
        </div>
    }
    .into_any()
}

/// Who a web-chat visitor says they are is a claim: shown as such, with a way for staff
/// who know the person to link the chat to them.
#[component]
fn ChatClaimPanel(
    id: Uuid,
    claim: crate::model::ChatClaim,
    action: ServerAction<LinkChat>,
) -> AnyView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let claimed = claim.claimed.clone().unwrap_or_default();
    let status = match (claim.verified_how.as_deref(), claim.ended) {
        (_, true) => "The visitor ended this chat.".to_string(),
        (Some("code"), _) => "The visitor proved this contact with a code.".to_string(),
        (Some(_), _) => "Linked to this lead by a member of staff.".to_string(),
        (None, _) if claimed.is_empty() => "Web chat from before claims were checked: not linked to a proven contact.".to_string(),
        (None, _) => format!("The visitor says they are {claimed}. Not proven: nothing typed here changes that number's consent."),
    };
    let form = (claim.verified_how.is_none() && !claim.ended).then(|| {
        view! {
            <ActionForm action attr:class="inline">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for="link-contact">"Link to the lead with phone or e-mail"</label>
                <input id="link-contact" name="contact" type="text" value=claimed.clone() required/>
                <button type="submit">"Link"</button>
                <FieldError error field="contact"/>
                <FormMessage error/>
            </ActionForm>
        }
    });
    view! {
        <section class="panel notice" data-testid="chat-claim">
            <p>{status}</p>
            {form}
        </section>
    }
    .into_any()
}

#[component]
fn MessageItem(message: MessageView) -> AnyView {
    let outbound = message.direction == Direction::Outbound;
    let who = match (&message.sender_name, outbound) {
        (Some(name), _) => name.clone(),
        (None, true) => message.sender.label().to_string(),
        (None, false) => "Customer".to_string(),
    };
    let state = match (message.status, message.simulated) {
        (DeliveryStatus::Received, _) => String::new(),
        (DeliveryStatus::Sent, true) => "Sent (simulated: local provider)".into(),
        (DeliveryStatus::Blocked, _) => format!(
            "Blocked: {}",
            message.status_reason.clone().unwrap_or_default()
        ),
        (DeliveryStatus::Failed, _) => format!(
            "Failed: {}",
            message.status_reason.clone().unwrap_or_default()
        ),
        (status, _) => status.label().to_string(),
    };
    view! {
        <li class=if outbound { "message out" } else { "message in" } class:blocked={message.status == DeliveryStatus::Blocked}>
            <p class="message-body">{message.body}</p>
            <p class="message-meta">
                {who}" · "{message.created_at.format("%d %b %H:%M").to_string()}
                {(message.media_count > 0).then(|| format!(" · {} attachment(s)", message.media_count))}
                {(!state.is_empty()).then(|| view! { " · "<span class="delivery" data-testid="delivery">{state}</span> })}
            </p>
        </li>
    }
    .into_any()
}

/// The reply box shows, before anyone types, which kinds of message may go out now.
#[component]
fn ReplyBox(
    id: String,
    checks: Vec<crate::model::SendCheck>,
    action: ServerAction<SendReply>,
    draft: Draft,
) -> AnyView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let blocked = move || action.value().get().and_then(|r| r.ok()).flatten();
    let pending = action.pending();
    let conversational_ok = checks
        .iter()
        .any(|c| c.category == MessageCategory::Conversational && c.allowed);
    let rules = checks
        .into_iter()
        .map(|c| {
            let text = match &c.reason {
                None => format!("{}: allowed", c.category.label()),
                Some(reason) => reason.clone(),
            };
            view! { <li class:ok={c.allowed} class:no={!c.allowed}>{text}</li> }
        })
        .collect_view();
    view! {
        <ActionForm action attr:class="reply stacked">
            <input type="hidden" name="id" value=id/>
            <ul class="send-checks" data-testid="send-checks">{rules}</ul>
            <label for="reply-body">"Reply"</label>
            <textarea id="reply-body" name="body" rows="3" placeholder="Type a reply…"
                prop:value=move || draft.body.get()
                on:input=move |ev| draft.body.set(event_target_value(&ev))></textarea>
            <FieldError error field="body"/>
            <div class="reply-row">
                <label for="reply-category" class="visually-hidden">"Kind of message"</label>
                <select id="reply-category" name="category"
                    on:change=move |ev| {
                        if let Ok(category) = event_target_value(&ev).parse() {
                            draft.category.set(category);
                        }
                    }>
                    {MessageCategory::ALL.iter().map(|c| {
                        let c = *c;
                        view! {
                            <option value=c.as_str() selected=move || draft.category.get() == c>{c.label()}</option>
                        }
                    }).collect_view()}
                </select>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Sending…" } else { "Send" }}
                </button>
            </div>
            {(!conversational_ok).then(|| view! { <p class="hint">"Replies are blocked on this conversation; see above."</p> })}
            <FormMessage error/>
            <Show when=move || blocked().is_some()>
                <p class="form-error" role="alert">"Not sent: "{blocked}</p>
            </Show>
        </ActionForm>
    }
    .into_any()
}
