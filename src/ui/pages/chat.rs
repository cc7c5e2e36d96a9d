//! The public web chat page, `/chat/{org}`: no sign-in.

use crate::api::chat::{chat_lines, ChatConfirmCode, ChatSend, ChatSendCode, StartChat};
use crate::model::ChatView;
use crate::ui::components::{when, FieldError, FormMessage, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ChatPage() -> AnyView {
    let params = use_params_map();
    let org = Memo::new(move |_| params.with(|p| p.get("org").unwrap_or_default()));
    let start = ServerAction::<StartChat>::new();
    let send = ServerAction::<ChatSend>::new();
    let send_code = ServerAction::<ChatSendCode>::new();
    let confirm = ServerAction::<ChatConfirmCode>::new();
    let tick = RwSignal::new(0u32);
    // The poll rebuilds the thread; what the visitor is typing lives outside it.
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(()))) {
            draft.set(String::new());
        }
    });
    // The visitor sees agents' replies without reloading: the page asks every 3 seconds.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let _ = set_interval_with_handle(
            move || tick.update(|n| *n = n.wrapping_add(1)),
            std::time::Duration::from_secs(3),
        );
    });
    provide_context(send_code);
    provide_context(confirm);
    let lines = Resource::new(
        move || {
            (
                org.get(),
                start.version().get(),
                send.version().get(),
                send_code.version().get(),
                confirm.version().get(),
                tick.get(),
            )
        },
        |(org, ..)| chat_lines(org),
    );
    view! {
        <Title text="Chat with us"/>
        <main class="chat">
            <h1>"Chat with us"</h1>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match lines.await {
                        Ok(Some(chat)) if chat.ended => view! {
                            <Conversation chat org=org.get_untracked() send draft/>
                            <Start org=org.get_untracked() start/>
                        }.into_any(),
                        Ok(Some(chat)) => view! {
                            <Conversation chat org=org.get_untracked() send draft/>
                        }.into_any(),
                        Ok(None) => view! { <Start org=org.get_untracked() start/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
    .into_any()
}

#[component]
fn Start(org: String, start: ServerAction<StartChat>) -> AnyView {
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    view! {
        <ActionForm action=start attr:class="card stacked">
            <input type="hidden" name="org" value=org/>
            <p>"Leave your name and a phone number or email so we can answer, even after you close this page."</p>
            <label for="chat-name">"Name"</label>
            <input id="chat-name" name="name" type="text" autocomplete="name" required/>
            <FieldError error field="name"/>
            <label for="chat-contact">"Phone or email"</label>
            <input id="chat-contact" name="contact" type="text" autocomplete="email" required/>
            <FieldError error field="contact"/>
            <FormMessage error/>
            <button type="submit" class="primary">"Start chatting"</button>
        </ActionForm>
    }
    .into_any()
}

/// Proving the phone or e-mail the visitor typed: a code sent to it, typed back here.
#[component]
fn Confirm(
    chat: ChatView,
    org: String,
    send_code: ServerAction<ChatSendCode>,
    confirm: ServerAction<ChatConfirmCode>,
) -> AnyView {
    let claimed = chat.claimed.clone().unwrap_or_default();
    let code_error = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| send_code.value().get().and_then(Result::err))
    });
    let ask_org = org.clone();
    let ask = view! {
        <ActionForm action=send_code attr:class="inline-form">
            <input type="hidden" name="org" value=ask_org/>
            <button type="submit" class="secondary">
                {if chat.code_sent { "Get a new code" } else { "Get a code" }}
            </button>
        </ActionForm>
    };
    let enter = chat.code_sent.then(|| {
        view! {
            <ActionForm action=confirm attr:class="inline-form">
                <input type="hidden" name="org" value=org.clone()/>
                <label for="chat-code">"Code"</label>
                <input id="chat-code" name="code" type="text" inputmode="numeric"
                    autocomplete="one-time-code" maxlength="7" required/>
                <button type="submit" class="primary">"Confirm"</button>
            </ActionForm>
        }
    });
    view! {
        <section class="card notice" data-testid="chat-confirm">
            <p>{format!("Is {claimed} yours? Confirm it with a code and we can link this chat to your earlier conversations with us.")}</p>
            {enter}
            {ask}
            <crate::ui::components::FieldError error=code_error field="code"/>
        </section>
    }
    .into_any()
}

#[component]
fn Conversation(
    chat: ChatView,
    org: String,
    send: ServerAction<ChatSend>,
    draft: RwSignal<String>,
) -> AnyView {
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    let (ended, verified) = (chat.ended, chat.verified);
    let confirm = (!ended && !verified && chat.claimed.is_some()).then(|| {
        let send_code = expect_context::<ServerAction<ChatSendCode>>();
        let confirm = expect_context::<ServerAction<ChatConfirmCode>>();
        view! { <Confirm chat=chat.clone() org=org.clone() send_code confirm/> }
    });
    let items = chat
        .lines
        .into_iter()
        .map(|line| {
            view! {
                <li class=if line.from_visitor { "message out" } else { "message in" }>
                    <p class="message-body">{line.body}</p>
                    <p class="message-meta">{if line.from_visitor { "You" } else { "Us" }}" · "{when(line.at, When::ClockNoZone)}</p>
                </li>
            }
        })
        .collect_view();
    let reply = (!ended).then(|| {
        view! {
            <ActionForm action=send attr:class="stacked">
                <input type="hidden" name="org" value=org.clone()/>
                <label for="chat-body">"Message"</label>
                <textarea id="chat-body" name="body" rows="2" required
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <FieldError error field="body"/>
                <FormMessage error/>
                <button type="submit" class="primary">"Send"</button>
            </ActionForm>
        }
    });
    view! {
        {confirm}
        <section class="card">
            <ol class="thread" data-testid="chat-thread">{items}</ol>
            {ended.then(|| view! { <p class="notice" data-testid="chat-ended">"This chat has ended. Start a new one below if you want to talk to us again."</p> })}
            {reply}
        </section>
    }
    .into_any()
}
