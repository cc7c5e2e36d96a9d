//! A thread's messages and calls, oldest first.

use crate::model::{CallView, DeliveryStatus, Direction, MessageView, Sender};
use crate::ui::components::{when, When};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// A link to the page of messages before these, when there are more.
#[component]
pub fn EarlierLink(id: Uuid, earlier: Option<String>) -> impl IntoView {
    earlier.map(|cursor| {
        let href = format!(
            "/conversations/{id}?before={}",
            crate::rules::url::encode(&cursor)
        );
        view! { <p class="hint"><A href=href>"← Earlier messages"</A></p> }
    })
}

#[component]
pub fn MessageItem(message: MessageView) -> AnyView {
    let outbound = message.direction == Direction::Outbound;
    let who = match (&message.sender_name, outbound) {
        _ if message.sender == Sender::Ai => "Assistant".to_string(),
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
                {who}" · "{when(message.created_at, When::Recent)}
                {message.ai_assisted.then(|| view! { " · "<span class="badge ai" data-testid="ai-assisted">"AI-assisted"</span> })}
                {(message.media_count > 0).then(|| format!(" · {} attachment(s)", message.media_count))}
                {(!state.is_empty()).then(|| view! { " · "<span class="delivery" data-testid="delivery">{state}</span> })}
            </p>
        </li>
    }
    .into_any()
}

/// The calls with the customer and their transcripts, under a heading; nothing without
/// calls.
#[component]
pub fn CallList(calls: Vec<CallView>) -> impl IntoView {
    let items = calls
        .into_iter()
        .map(|call| {
            let minutes = call.duration_secs.map(|s| format!("{}:{:02}", s / 60, s % 60)).unwrap_or_else(|| "—".into());
            view! {
                <li class="call">
                    <p><strong>{format!("{} call", call.direction.label())}</strong>" · "{when(call.started_at, When::Recent)}
                        " · "{minutes}" · "{call.status}</p>
                    {call.transcript.map(|t| view! { <blockquote class="transcript">{t}</blockquote> })}
                </li>
            }
        })
        .collect_view();
    (!items.is_empty()).then(|| view! { <h2>"Calls"</h2><ul class="calls">{items}</ul> })
}
