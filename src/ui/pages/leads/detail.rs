//! `/leads/:id`: a lead, the forms that change it, its notes and its timeline.

use super::detail_panels::{DeleteForm, EditPanel, NotesPanel, ReadOnly, Timeline};
use crate::api::assistant::lead_insight;
use crate::api::leads::{get_lead, AddLeadNote, AssignLead, DeleteLead, SetLeadStatus, UpdateLead};
use crate::error::AppError;
use crate::model::{
    Assignee, CurrentUser, InsightView, Lead, LeadInput, LeadStatus, LeadView, E164,
};
use crate::rules::authz::Capability;
use crate::ui::components::{
    error_of, when, AcceptFacts, AssigneeSelect, BookingPanel, FieldError, FormMessage, Guard,
    InsightPanel, Loaded, When,
};
use crate::ui::live::Live;
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
    facts: AcceptFacts,
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
        facts: AcceptFacts::create(),
    };
    // Reload after successful changes only, so a refused edit keeps what was typed. An
    // added fact changes the lead's fields too.
    let saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(actions.update.value().get(), Some(Ok(()))) {
            saved.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if matches!(actions.facts.action.value().get(), Some(Ok(()))) {
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
    // The assistant's worker announces a new reading as a live event.
    let insight = Resource::new(
        move || (id.get(), Live::tick()),
        |(id, _)| async move {
            match id {
                Some(id) => lead_insight(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Loaded resource=lead loading="Loading lead…" let:view>
            <LeadDetail view actions insight/>
        </Loaded>
    }
    .into_any()
}

/// The head and the status and assignment forms across the top; the profile on the left,
/// notes, timeline and deletion on the right.
#[component]
fn LeadDetail(
    view: LeadView,
    actions: Actions,
    insight: Resource<Result<Option<InsightView>, AppError>>,
) -> AnyView {
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
    let lead_id = lead.id;
    let initial = LeadInput::from_lead(&lead);
    let status_form = can_edit.then(|| {
        view! { <StatusForm id=id.clone() current=lead.status action=actions.status/> }
    });
    let assign_form = can_assign.then(|| {
        let current = lead.assigned_to;
        view! { <AssignForm id=id.clone() current assignees action=actions.assign/> }
    });
    let read_only = (!can_edit).then(|| view! { <ReadOnly lead=initial.clone()/> });
    let edit_form = can_edit.then(|| {
        view! { <EditPanel id=id.clone() initial=initial.clone() vertical=user.vertical action=actions.update/> }
    });
    let delete_form = can_delete.then(|| {
        view! { <DeleteForm id=id.clone() name=lead.name.clone() action=actions.delete/> }
    });
    view! {
        <Title text=lead.name.clone()/>
        <p class="breadcrumb"><A href="/leads">"← Leads"</A></p>
        <LeadHead lead/>
        <div class="toolbar">{status_form}{assign_form}</div>
        <div class="two-column">
            <div>
                {edit_form}
                {read_only}
            </div>
            <div class="stack">
                <InsightPanel insight accept=actions.facts can_edit/>
                {user.role.may(Capability::BookAppointments).then(|| view! { <BookingPanel lead=lead_id/> })}
                <NotesPanel id notes can_edit action=actions.note/>
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

/// The lead's name, how to reach them, where they came from and who has them.
#[component]
fn LeadHead(lead: Lead) -> impl IntoView {
    let phone = lead.phone.clone().map(|p| E164::from_stored(p).display());
    view! {
        <div class="page-head">
            <div>
                <h1>{lead.name.clone()}</h1>
                <p class="hint">
                    {phone.unwrap_or_default()}" "{lead.email.clone().unwrap_or_default()}
                    " · "{lead.source.label()}" lead since "{when(lead.created_at, When::Day)}
                    " · assigned to "{lead.assignee.clone().unwrap_or_else(|| "nobody".into())}
                </p>
            </div>
            <span class=format!("badge status-{}", lead.status.as_str())>{lead.status.label()}</span>
        </div>
    }
}

#[component]
fn StatusForm(
    id: String,
    current: LeadStatus,
    action: ServerAction<SetLeadStatus>,
) -> impl IntoView {
    let error = error_of(action);
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="id" value=id/>
            <label for="lead-status">"Status"</label>
            <select id="lead-status" name="status">
                {LeadStatus::ALL.iter().map(|s| view! {
                    <option value=s.as_str() selected={*s == current}>{s.label()}</option>
                }).collect_view()}
            </select>
            <button type="submit">"Set"</button>
            <FieldError error field="status"/>
            <FormMessage error/>
        </ActionForm>
    }
}

#[component]
fn AssignForm(
    id: String,
    current: Option<Uuid>,
    assignees: Vec<Assignee>,
    action: ServerAction<AssignLead>,
) -> impl IntoView {
    let error = error_of(action);
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="id" value=id/>
            <label for="lead-assignee">"Assigned to"</label>
            <AssigneeSelect id="lead-assignee" people=assignees current/>
            <button type="submit">"Assign"</button>
            <FieldError error field="assignee"/>
            <FormMessage error/>
        </ActionForm>
    }
}
