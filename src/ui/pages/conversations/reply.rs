//! The reply box under a thread.

use crate::api::conversations::SendReply;
use crate::model::{MessageCategory, SendCheck};
use crate::ui::components::{error_of, FieldError, FormMessage};
use leptos::prelude::*;

/// What is being typed, kept outside the view that live updates rebuild.
#[derive(Clone, Copy)]
pub struct Draft {
    pub body: RwSignal<String>,
    pub category: RwSignal<MessageCategory>,
}

/// The reply box shows, before anyone types, which kinds of message may go out now.
#[component]
pub fn ReplyBox(
    id: String,
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
