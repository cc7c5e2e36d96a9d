//! The reply box under a thread, with the assistant's suggested reply.

use crate::api::assistant::SuggestReply;
use crate::api::conversations::SendReply;
use crate::model::{Handoff, MessageCategory, SendCheck};
use crate::ui::components::{error_of, FieldError, FormMessage};
use leptos::prelude::*;
use uuid::Uuid;

/// What is being typed, kept outside the view that live updates rebuild.
#[derive(Clone, Copy)]
pub struct Draft {
    pub body: RwSignal<String>,
    pub category: RwSignal<MessageCategory>,
    /// The text began as the assistant's suggestion (sent as `ai_assisted=yes`).
    pub ai_assisted: RwSignal<bool>,
    /// Why the assistant says a person should take over, with its last suggestion.
    handoff: RwSignal<Option<Handoff>>,
    suggest: ServerAction<SuggestReply>,
}

impl Draft {
    /// An empty conversational reply; a suggestion, when it arrives, fills the box.
    pub fn conversational() -> Self {
        let draft = Self {
            body: RwSignal::new(String::new()),
            category: RwSignal::new(MessageCategory::Conversational),
            ai_assisted: RwSignal::new(false),
            handoff: RwSignal::new(None),
            suggest: ServerAction::new(),
        };
        Effect::new(move |_| {
            if let Some(Ok(suggested)) = draft.suggest.value().get() {
                draft.handoff.set(suggested.handoff);
                if !suggested.body.trim().is_empty() {
                    draft.body.set(suggested.body);
                    // A suggestion may only go as a reply (the server refuses anything else).
                    draft.category.set(MessageCategory::Conversational);
                    draft.ai_assisted.set(true);
                }
            }
        });
        draft
    }

    /// After a send: an empty box that owes nothing to the assistant.
    pub fn clear(self) {
        self.body.set(String::new());
        self.ai_assisted.set(false);
        self.handoff.set(None);
    }
}

/// The reply box shows, before anyone types, which kinds of message may go out now.
#[component]
pub fn ReplyBox(
    id: Uuid,
    checks: Vec<SendCheck>,
    action: ServerAction<SendReply>,
    draft: Draft,
) -> AnyView {
    let error = error_of(action);
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
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="ai_assisted" value=move || if draft.ai_assisted.get() { "yes" } else { "" }/>
            <ul class="send-checks" data-testid="send-checks">{rules}</ul>
            <label for="reply-body">"Reply"</label>
            <textarea id="reply-body" name="body" rows="3" placeholder="Type a reply…"
                prop:value=move || draft.body.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    // Emptied and written afresh, it no longer began as the suggestion.
                    if text.trim().is_empty() {
                        draft.ai_assisted.set(false);
                    }
                    draft.body.set(text);
                }></textarea>
            <FieldError error field="body"/>
            <Suggest id draft/>
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
            <FieldError error field="category"/>
            {(!conversational_ok).then(|| view! { <p class="hint">"Replies are blocked on this conversation; see above."</p> })}
            <FormMessage error/>
            <Show when=move || blocked().is_some()>
                <p class="form-error" role="alert">"Not sent: "{blocked}</p>
            </Show>
        </ActionForm>
    }
    .into_any()
}

/// "Suggest a reply": asks the assistant for a draft to edit. It needs JavaScript, so it is
/// disabled until the page is hydrated; the form around it works either way.
#[component]
fn Suggest(id: Uuid, draft: Draft) -> impl IntoView {
    let action = draft.suggest;
    let error = error_of(action);
    let pending = action.pending();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let handoff = move || draft.handoff.get().map(|h| h.label());
    view! {
        <div class="reply-assist">
            <button type="button" disabled=move || !hydrated.get() || pending.get()
                on:click=move |_| {
                    action.dispatch(SuggestReply { conversation: id });
                }>
                {move || if pending.get() { "Thinking…" } else { "Suggest a reply" }}
            </button>
            <Show when=move || draft.ai_assisted.get()>
                <span class="badge ai">"Suggested by the assistant: edit it before sending"</span>
            </Show>
            <FormMessage error/>
            <Show when=move || handoff().is_some()>
                <p class="hint handoff" role="status">"The assistant suggests a person takes over: "{handoff}</p>
            </Show>
        </div>
    }
}
