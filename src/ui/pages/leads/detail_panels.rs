//! The panels of a lead's page: its profile (editable or read-only), notes, timeline and
//! deletion.

use super::fields::LeadFields;
use crate::api::leads::{AddLeadNote, DeleteLead, UpdateLead};
use crate::model::{CallView, ConversationRow, LeadInput, LeadNote, Vertical};
use crate::ui::components::{error_of, when, FieldError, FormMessage, When};
use leptos::prelude::*;

/// The profile form for people who may edit the lead.
#[component]
pub fn EditPanel(
    id: String,
    initial: LeadInput,
    vertical: Vertical,
    action: ServerAction<UpdateLead>,
) -> impl IntoView {
    let error = error_of(action);
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    let pending = action.pending();
    view! {
        <section class="panel" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Details"</h2>
            <ActionForm action attr:class="stacked">
                <input type="hidden" name="id" value=id/>
                <LeadFields initial error vertical/>
                <FormMessage error/>
                <Show when=saved><p class="form-ok" role="status">"Saved."</p></Show>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Save changes" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// The profile for people who may read but not edit (compliance officers).
#[component]
pub fn ReadOnly(lead: LeadInput) -> AnyView {
    let rows = [
        ("Phone", lead.phone),
        ("Email", lead.email),
        ("Tags", lead.tags),
        ("Time zone", lead.time_zone),
        (
            "Vehicle of interest",
            [lead.interest_year, lead.interest_make, lead.interest_model].join(" "),
        ),
        ("VIN", lead.interest_vin),
        (
            "Vehicle owned",
            [lead.owned_year, lead.owned_make, lead.owned_model].join(" "),
        ),
        ("Owned VIN", lead.owned_vin),
        (
            "Budget",
            format!("{} – {}", lead.budget_min, lead.budget_max),
        ),
        ("Locations", lead.locations),
        ("Property type", lead.property_type),
        ("Timeline", lead.timeline),
    ];
    view! {
        <section class="panel">
            <h2>"Details"</h2>
            <dl class="facts">
                {rows.into_iter()
                    .filter(|(_, v)| !v.trim().is_empty() && v.trim() != "–")
                    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                    .collect_view()}
            </dl>
        </section>
    }
    .into_any()
}

/// The notes, newest first, with a box for a new one for those who may edit.
#[component]
pub fn NotesPanel(
    id: String,
    notes: Vec<LeadNote>,
    can_edit: bool,
    action: ServerAction<AddLeadNote>,
) -> impl IntoView {
    let error = error_of(action);
    let note_list = if notes.is_empty() {
        view! { <p class="hint">"No notes yet."</p> }.into_any()
    } else {
        view! {
            <ul class="notes">
                {notes.into_iter().map(|n| view! {
                    <li>
                        <p class="note-body">{n.body}</p>
                        <p class="hint">{n.author.unwrap_or_else(|| "Someone".into())}" · "{when(n.created_at, When::MinuteAfterComma)}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Notes"</h2>
            {can_edit.then(|| view! {
                <ActionForm action attr:class="stacked">
                    <input type="hidden" name="id" value=id.clone()/>
                    <label for="note-body" class="visually-hidden">"New note"</label>
                    <textarea id="note-body" name="body" rows="3" placeholder="Add a note…"></textarea>
                    <FieldError error field="body"/>
                    <button type="submit">"Add note"</button>
                </ActionForm>
            })}
            {note_list}
        </section>
    }
}

#[component]
pub fn DeleteForm(id: String, name: String, action: ServerAction<DeleteLead>) -> impl IntoView {
    let error = error_of(action);
    view! {
        <details class="confirm">
            <summary>"Delete this lead…"</summary>
            <ActionForm action>
                <input type="hidden" name="id" value=id/>
                <p>{format!("{name} and all notes will be deleted. This cannot be undone.")}</p>
                <button type="submit" class="danger">"Delete lead"</button>
                <FormMessage error/>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn Timeline(conversations: Vec<ConversationRow>, calls: Vec<CallView>) -> impl IntoView {
    if conversations.is_empty() {
        return view! { <p class="hint">"No conversations yet. Consent events and appointments will join this timeline when those features are built."</p> }.into_any();
    }
    view! {
        <ul class="timeline">
            {conversations.into_iter().map(|c| view! {
                <li>
                    <a href=format!("/conversations/{}", c.id)>{format!("{} conversation", c.channel.label())}</a>
                    " · "{c.status.label()}" · "{when(c.last_activity_at, When::Recent)}
                    {c.last_message.map(|m| view! { <p class="hint">{m}</p> })}
                </li>
            }).collect_view()}
            {calls.into_iter().map(|call| view! {
                <li>
                    {format!("{} call · {} · {}", call.direction.label(), when(call.started_at, When::Recent), call.status)}
                    {call.transcript.map(|t| view! { <p class="hint">{t}</p> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
