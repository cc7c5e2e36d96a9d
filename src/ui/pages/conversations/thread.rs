//! `/conversations/:id`: one conversation, its lead, and what may be sent to them now.

use super::chat_claim::ChatClaimPanel;
use super::messages::{CallList, EarlierLink, MessageItem};
use super::reply::{Draft, ReplyBox};
use crate::api::assistant::lead_insight;
use crate::api::chat::LinkChat;
use crate::api::conversations::{
    get_thread, AssignConversation, ReviewConsent, SendReply, SetConversationStatus,
};
use crate::error::AppError;
use crate::model::{
    Assignee, ConversationRow, ConversationStatus, CurrentUser, Handoff, InsightView, LeadStatus,
    Thread, E164,
};
use crate::rules::authz::Capability;
use crate::ui::components::{
    AcceptFacts, AssigneeSelect, BookingPanel, FormMessage, Guard, InsightPanel, Loaded,
};
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
    facts: AcceptFacts,
}

type InsightResource = Resource<Result<Option<InsightView>, AppError>>;

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
        facts: AcceptFacts::create(),
    };
    let mine = Live::counter_for(id);
    let draft = Draft::conversational();
    // A reply that went out (or was stored as blocked) leaves an empty box behind.
    Effect::new(move |_| {
        if matches!(actions.reply.value().get(), Some(Ok(_))) {
            draft.clear();
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
                actions.facts.action.version().get(),
            )
        },
        |(id, before, ..)| async move {
            match id {
                Some(id) => get_thread(id, before).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // The insight is the lead's; the worker's new reading arrives as a live event.
    let insight = Resource::new(
        move || (id.get(), mine.get()),
        move |_| async move { lead_insight(thread.await?.conversation.lead_id).await },
    );
    view! {
        <Loaded resource=thread loading="Loading conversation…" let:thread>
            <ThreadView thread actions draft insight/>
        </Loaded>
    }
    .into_any()
}

/// The head and its forms across the top; the messages and the reply box beside the lead.
#[component]
fn ThreadView(thread: Thread, actions: Actions, draft: Draft, insight: InsightResource) -> AnyView {
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
        ai_handoff,
    } = thread;
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
    let status_forms = can_reply.then(|| {
        view! { <StatusForms id=id.clone() status=conversation.status action=actions.status/> }
    });
    let assign_form = can_assign.then(|| {
        let current = conversation.assigned_to;
        view! { <AssignForm id=id.clone() current assignees action=actions.assign/> }
    });
    let review =
        consent_review.then(|| view! { <ConsentReview id=id.clone() action=actions.review/> });
    let items = messages
        .into_iter()
        .map(|m| view! { <MessageItem message=m/> })
        .collect_view();
    let lead = LeadFacts {
        phone: lead_phone,
        email: lead_email,
        status: lead_status,
        vehicle: lead_vehicle,
    };
    let (conversation_id, lead_id) = (conversation.id, conversation.lead_id);
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
        {ai_handoff.map(|reason| view! { <HandoffBanner reason/> })}
        {chat_panel}
        {review}
        <FormMessage error=side_error/>
        <div class="two-column">
            <section class="panel" aria-label="Messages">
                <EarlierLink id=conversation.id earlier/>
                <ol class="thread" data-testid="thread">{items}</ol>
                <CallList calls/>
                {can_reply.then(|| view! { <ReplyBox id=conversation_id checks action=actions.reply draft/> })}
            </section>
            <div class="stack">
                <LeadPanel conversation lead/>
                <InsightPanel insight accept=actions.facts can_edit=may_edit_leads()/>
                {may_book().then(|| view! { <BookingPanel lead=lead_id conversation=conversation_id/> })}
            </div>
        </div>
    }
    .into_any()
}

/// The moves open from the conversation's status, one button each.
#[component]
fn StatusForms(
    id: String,
    status: ConversationStatus,
    action: ServerAction<SetConversationStatus>,
) -> impl IntoView {
    let moves: &[(ConversationStatus, &str)] = match status {
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
                <ActionForm action attr:class="inline">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="status" value=next.as_str()/>
                    <button type="submit">{*label}</button>
                </ActionForm>
            }
        })
        .collect_view()
}

#[component]
fn AssignForm(
    id: String,
    current: Option<Uuid>,
    assignees: Vec<Assignee>,
    action: ServerAction<AssignConversation>,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="id" value=id/>
            <label for="conversation-assignee">"Assigned to"</label>
            <AssigneeSelect id="conversation-assignee" people=assignees current/>
            <button type="submit">"Assign"</button>
        </ActionForm>
    }
}

/// A text that may have asked to stop waits for a person to say whether it did.
#[component]
fn ConsentReview(id: String, action: ServerAction<ReviewConsent>) -> impl IntoView {
    let (yes_id, no_id) = (id.clone(), id);
    view! {
        <section class="form-error review" role="alert" data-testid="consent-review">
            <p><strong>"The customer's last text may ask to stop."</strong>
                " Promotional messages wait until someone decides. Did it ask to stop?"</p>
            <div class="row-actions">
                <ActionForm action attr:class="inline">
                    <input type="hidden" name="id" value=yes_id/>
                    <input type="hidden" name="opt_out" value="yes"/>
                    <button type="submit" class="danger">"Yes: record the opt-out"</button>
                </ActionForm>
                <ActionForm action attr:class="inline">
                    <input type="hidden" name="id" value=no_id/>
                    <input type="hidden" name="opt_out" value="no"/>
                    <button type="submit">"No: it does not"</button>
                </ActionForm>
            </div>
        </section>
    }
}

/// The autopilot stopped answering and why: a person has the conversation now.
#[component]
fn HandoffBanner(reason: Handoff) -> impl IntoView {
    view! {
        <p class="notice handoff" role="status" data-testid="ai-handoff">
            "The assistant handed this conversation to a person: "{reason.label()}
        </p>
    }
}

/// What the thread shows of its lead beside the messages.
struct LeadFacts {
    phone: Option<String>,
    email: Option<String>,
    status: LeadStatus,
    vehicle: Option<String>,
}

#[component]
fn LeadPanel(conversation: ConversationRow, lead: LeadFacts) -> impl IntoView {
    view! {
        <aside class="panel" aria-label="Lead">
            <h2>"Lead"</h2>
            <dl class="facts">
                <dt>"Name"</dt><dd><A href=format!("/leads/{}", conversation.lead_id)>{conversation.lead_name}</A></dd>
                <dt>"Phone"</dt><dd>{lead.phone.map(|p| E164::from_stored(p).display()).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Email"</dt><dd>{lead.email.unwrap_or_else(|| "—".into())}</dd>
                <dt>"Status"</dt><dd>{lead.status.label()}</dd>
                <dt>"Vehicle"</dt><dd>{lead.vehicle.unwrap_or_else(|| "—".into())}</dd>
            </dl>
        </aside>
    }
}

/// Whether the signed-in person may change leads (and so add the assistant's facts).
fn may_edit_leads() -> bool {
    use_context::<CurrentUser>().is_some_and(|user| user.role.may(Capability::EditLeads))
}

fn may_book() -> bool {
    use_context::<CurrentUser>().is_some_and(|user| user.role.may(Capability::BookAppointments))
}
