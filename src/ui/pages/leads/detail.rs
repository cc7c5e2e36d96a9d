use super::fields::LeadFields;
use crate::api::leads::{get_lead, AddLeadNote, AssignLead, DeleteLead, SetLeadStatus, UpdateLead};
use crate::error::AppError;
use crate::model::{CurrentUser, LeadInput, LeadStatus, LeadView, E164};
use crate::rules::authz::Capability;
use crate::ui::components::{ErrorPage, FieldError, FormMessage, Guard, NotFound};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[component]
pub fn LeadPage() -> AnyView {
    view! {
        <Guard capability=Capability::ViewLeads>
            <LeadLoader/>
        </Guard>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateLead>,
    status: ServerAction<SetLeadStatus>,
    assign: ServerAction<AssignLead>,
    note: ServerAction<AddLeadNote>,
    delete: ServerAction<DeleteLead>,
}

#[component]
fn LeadLoader() -> AnyView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let actions = Actions {
        update: ServerAction::new(),
        status: ServerAction::new(),
        assign: ServerAction::new(),
        note: ServerAction::new(),
        delete: ServerAction::new(),
    };
    // Reload after successful changes only, so a refused edit keeps what was typed.
    let saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(actions.update.value().get(), Some(Ok(()))) {
            saved.update(|n| *n += 1);
        }
    });
    let lead = Resource::new(
        move || {
            (
                id.get(),
                saved.get(),
                actions.status.version().get(),
                actions.assign.version().get(),
                actions.note.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_lead(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading lead…"</p> }>
            {move || Suspend::new(async move {
                match lead.await {
                    Ok(view) => view! { <LeadDetail view actions/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn LeadDetail(view: LeadView, actions: Actions) -> AnyView {
    let user = expect_context::<CurrentUser>();
    let LeadView {
        lead,
        notes,
        assignees,
        can_edit,
        can_assign,
        can_delete,
        conversations,
        calls,
    } = view;
    let id = lead.id.to_string();
    let update_error = Signal::derive(move || actions.update.value().get().and_then(Result::err));
    let note_error = Signal::derive(move || actions.note.value().get().and_then(Result::err));
    let status_error = Signal::derive(move || actions.status.value().get().and_then(Result::err));
    let assign_error = Signal::derive(move || actions.assign.value().get().and_then(Result::err));
    let delete_error = Signal::derive(move || actions.delete.value().get().and_then(Result::err));
    let saved = move || matches!(actions.update.value().get(), Some(Ok(())));
    let phone = lead.phone.clone().map(|p| E164::from_stored(p).display());
    let initial = LeadInput::from_lead(&lead);

    let status_form = can_edit.then(|| {
        let id = id.clone();
        view! {
            <ActionForm action=actions.status attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <label for="lead-status">"Status"</label>
                <select id="lead-status" name="status">
                    {LeadStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected={*s == lead.status}>{s.label()}</option>
                    }).collect_view()}
                </select>
                <button type="submit">"Set"</button>
                <FieldError error=status_error field="status"/>
                <FormMessage error=status_error/>
            </ActionForm>
        }
    });
    let assign_form = can_assign.then(|| {
        let id = id.clone();
        let current = lead.assigned_to;
        view! {
            <ActionForm action=actions.assign attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <label for="lead-assignee">"Assigned to"</label>
                <select id="lead-assignee" name="assignee">
                    <option value="">"Nobody"</option>
                    {assignees.into_iter().map(|a| view! {
                        <option value=a.id.to_string() selected={Some(a.id) == current}>{a.name}</option>
                    }).collect_view()}
                </select>
                <button type="submit">"Assign"</button>
                <FieldError error=assign_error field="assignee"/>
                <FormMessage error=assign_error/>
            </ActionForm>
        }
    });
    let read_only = (!can_edit).then(|| view! { <ReadOnly lead=initial.clone()/> });
    let edit_form = can_edit.then(|| {
        let id = id.clone();
        let pending = actions.update.pending();
        view! {
            <section class="panel" aria-labelledby="edit-heading">
                <h2 id="edit-heading">"Details"</h2>
                <ActionForm action=actions.update attr:class="stacked">
                    <input type="hidden" name="id" value=id/>
                    <LeadFields initial=initial.clone() error=update_error vertical=user.vertical/>
                    <FormMessage error=update_error/>
                    <Show when=saved><p class="form-ok" role="status">"Saved."</p></Show>
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Saving…" } else { "Save changes" }}
                    </button>
                </ActionForm>
            </section>
        }
    });
    let delete_form = can_delete.then(|| {
        let id = id.clone();
        let name = lead.name.clone();
        view! {
            <details class="confirm">
                <summary>"Delete this lead…"</summary>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="id" value=id/>
                    <p>{format!("{name} and all notes will be deleted. This cannot be undone.")}</p>
                    <button type="submit" class="danger">"Delete lead"</button>
                    <FormMessage error=delete_error/>
                </ActionForm>
            </details>
        }
    });
    let note_list = if notes.is_empty() {
        view! { <p class="hint">"No notes yet."</p> }.into_any()
    } else {
        view! {
            <ul class="notes">
                {notes.into_iter().map(|n| view! {
                    <li>
                        <p class="note-body">{n.body}</p>
                        <p class="hint">{n.author.unwrap_or_else(|| "Someone".into())}" · "{n.created_at.format("%d %b %Y, %H:%M UTC").to_string()}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };

    view! {
        <Title text=lead.name.clone()/>
        <p class="breadcrumb"><A href="/leads">"← Leads"</A></p>
        <div class="page-head">
            <div>
                <h1>{lead.name.clone()}</h1>
                <p class="hint">
                    {phone.unwrap_or_default()}" "{lead.email.clone().unwrap_or_default()}
                    " · "{lead.source.label()}" lead since "{lead.created_at.format("%d %b %Y").to_string()}
                    " · assigned to "{lead.assignee.clone().unwrap_or_else(|| "nobody".into())}
                </p>
            </div>
            <span class=format!("badge status-{}", lead.status.as_str())>{lead.status.label()}</span>
        </div>
        <div class="toolbar">{status_form}{assign_form}</div>
        <div class="two-column">
            <div>
                {edit_form}
                {read_only}
            </div>
            <div class="stack">
                <section class="panel" aria-labelledby="notes-heading">
                    <h2 id="notes-heading">"Notes"</h2>
                    {can_edit.then(|| view! {
                        <ActionForm action=actions.note attr:class="stacked">
                            <input type="hidden" name="id" value=id.clone()/>
                            <label for="note-body" class="visually-hidden">"New note"</label>
                            <textarea id="note-body" name="body" rows="3" placeholder="Add a note…"></textarea>
                            <FieldError error=note_error field="body"/>
                            <button type="submit">"Add note"</button>
                        </ActionForm>
                    })}
                    {note_list}
                </section>
                <section class="panel" aria-labelledby="timeline-heading">
                    <h2 id="timeline-heading">"Timeline"</h2>
                    <Timeline conversations calls/>
                </section>
                {delete_form}
            </div>
        </div>
    }
    .into_any()
}

/// The profile for people who may read but not edit (compliance officers).
#[component]
fn ReadOnly(lead: LeadInput) -> AnyView {
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

#[component]
fn Timeline(
    conversations: Vec<crate::model::ConversationRow>,
    calls: Vec<crate::model::CallView>,
) -> impl IntoView {
    if conversations.is_empty() {
        return view! { <p class="hint">"No conversations yet. Consent events and appointments will join this timeline when those features are built."</p> }.into_any();
    }
    view! {
        <ul class="timeline">
            {conversations.into_iter().map(|c| view! {
                <li>
                    <a href=format!("/conversations/{}", c.id)>{format!("{} conversation", c.channel.label())}</a>
                    " · "{c.status.label()}" · "{c.last_activity_at.format("%d %b %H:%M").to_string()}
                    {c.last_message.map(|m| view! { <p class="hint">{m}</p> })}
                </li>
            }).collect_view()}
            {calls.into_iter().map(|call| view! {
                <li>
                    {format!("{} call · {} · {}", call.direction.label(), call.started_at.format("%d %b %H:%M"), call.status)}
                    {call.transcript.map(|t| view! { <p class="hint">{t}</p> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
