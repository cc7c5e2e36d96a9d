use super::week::MarkButton;
use crate::api::appointments::{
    appointment, get_booking_options, CancelAppointment, MarkAppointment, RescheduleAppointment,
};
use crate::model::{AppointmentStatus, AppointmentView, BookingOutcome, ReminderView};
use crate::rules::authz::Capability;
use crate::ui::components::{
    error_of, use_picks, DataTable, FieldError, FormMessage, Guard, Loaded, Picker, Picks,
    SlotPicker,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[component]
pub fn AppointmentPage() -> AnyView {
    view! {
        <Guard capability=Capability::ViewCalendar>
            <Appointment/>
        </Guard>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Actions {
    mark: ServerAction<MarkAppointment>,
    cancel: ServerAction<CancelAppointment>,
    reschedule: ServerAction<RescheduleAppointment>,
}

#[component]
fn Appointment() -> AnyView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let actions = Actions {
        mark: ServerAction::new(),
        cancel: ServerAction::new(),
        reschedule: ServerAction::new(),
    };
    let found = Resource::new(
        move || {
            (
                id.get(),
                actions.mark.version().get(),
                actions.cancel.version().get(),
                actions.reschedule.version().get(),
            )
        },
        |(id, _, _, _)| async move {
            match id {
                Some(id) => appointment(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <p class="breadcrumb"><A href="/calendar">"← Calendar"</A></p>
        <Moved action=actions.reschedule/>
        <Loaded resource=found loading="Loading the appointment…" let:found>
            <Details found actions/>
        </Loaded>
    }
    .into_any()
}

/// After a move, the new appointment is a page of its own.
#[component]
fn Moved(action: ServerAction<RescheduleAppointment>) -> impl IntoView {
    move || match action.value().get() {
        Some(Ok(BookingOutcome { id, told })) => Some(view! {
            <p class="form-ok" role="status" data-testid="moved">
                {match told {
                    Some(Err(reason)) => format!("Moved. The customer was not texted: {reason} "),
                    Some(Ok(())) => "Moved, and the customer is texted the new time. ".to_string(),
                    None => "Moved. ".to_string(),
                }}
                <A href=format!("/calendar/{id}")>"Open the new appointment"</A>
            </p>
        }),
        _ => None,
    }
}

#[component]
fn Details(found: AppointmentView, actions: Actions) -> AnyView {
    let e = found.entry.clone();
    let id = e.id.to_string();
    let live = e.status.live();
    let started = e.starts_at <= chrono::Utc::now();
    let edit = found.can_edit;
    let mark_error = error_of(actions.mark);
    view! {
        <Title text=format!("{} — {}", e.type_name, e.lead_name)/>
        <div class="page-head">
            <div>
                <h1>{format!("{} with {}", e.type_name, e.lead_name)}</h1>
                <p class="hint">{format!("{} ({}) · with {} · {}", e.when_label, found.zone, e.assignee_name, e.source.label())}</p>
            </div>
            <span class="badge" data-testid="status">{e.status.label()}</span>
        </div>
        {e.attention.map(|a| view! {
            <p class="warning" role="alert" data-testid="attention-flag">{a.label()}</p>
        })}
        <p>
            <A href=format!("/leads/{}", e.lead_id)>"Open the lead"</A>
            {found.conversation_id.map(|c| view! { " · " <A href=format!("/conversations/{c}")>"Open the conversation"</A> })}
            {found.rescheduled_to.map(|n| view! { " · " <A href=format!("/calendar/{n}")>"Moved to a new time"</A> })}
        </p>
        {(!found.notes.is_empty()).then(|| view! { <p class="panel">{found.notes.clone()}</p> })}
        <section aria-labelledby="reminders-heading">
            <h2 id="reminders-heading">"Reminders"</h2>
            <Reminders rows=found.reminders.clone()/>
        </section>
        {(edit && live).then(|| view! {
            <div class="toolbar">
                {(e.status == AppointmentStatus::Scheduled).then(|| view! { <MarkButton mark=actions.mark id=id.clone() to="confirmed" label="Mark confirmed"/> })}
                {started.then(|| view! {
                    <MarkButton mark=actions.mark id=id.clone() to="shown" label="Shown"/>
                    <MarkButton mark=actions.mark id=id.clone() to="no_show" label="No-show"/>
                })}
                {e.attention.map(|_| view! { <MarkButton mark=actions.mark id=id.clone() to="handled" label="Dealt with"/> })}
            </div>
            <FieldError error=mark_error field="status"/>
            <FormMessage error=mark_error/>
            <Reschedule found=found.clone() action=actions.reschedule/>
            <Cancel id=id.clone() action=actions.cancel/>
        })}
    }
    .into_any()
}

const REMINDER_COLUMNS: &[&str] = &["Reminder", "Due", "State", "Why"];

#[component]
fn Reminders(rows: Vec<ReminderView>) -> impl IntoView {
    view! {
        <DataTable columns=REMINDER_COLUMNS rows testid="reminders"
            empty="This type sends no reminders."
            row=|r: ReminderView| view! {
                <tr>
                    <td>{r.offset_label}</td>
                    <td>{r.due_label}</td>
                    <td><span class="badge" data-testid="reminder-state">{r.state}</span></td>
                    <td>{r.reason.unwrap_or_default()}</td>
                </tr>
            }/>
    }
}

#[component]
fn Reschedule(found: AppointmentView, action: ServerAction<RescheduleAppointment>) -> AnyView {
    let e = found.entry;
    let (lead, kind, person) = (e.lead_id, e.type_id, e.assignee_id);
    let picks = use_picks("move");
    let options = Resource::new(
        move || (picks.get(), action.version().get()),
        move |((_, with, from), _)| {
            get_booking_options(lead, Some(kind), Some(with.unwrap_or(person)), from)
        },
    );
    let error = error_of(action);
    // Opened when the person chose another day or person for the move.
    let open = picks.get_untracked() != Picks::default();
    view! {
        <details class="confirm" data-testid="reschedule" open=open>
            <summary>"Move to another time…"</summary>
            <Loaded resource=options loading="Finding free times…" let:found>
                <Picker prefix="move" found=found.clone() from=picks.get_untracked().2 fixed_type=true/>
                <ActionForm action attr:class="stacked">
                    <input type="hidden" name="id" value=e.id.to_string()/>
                    <input type="hidden" name="assignee" value=found.assignee.map(|a| a.to_string()).unwrap_or_default()/>
                    <SlotPicker slots=found.slots zone=found.zone name="starts_at"/>
                    <FieldError error field="starts_at"/>
                    <FieldError error field="type_id"/>
                    <FieldError error field="assignee"/>
                    <label class="choice" for="move-notify">
                        <input id="move-notify" type="checkbox" name="notify" value="yes" checked/>
                        " Text the customer the new time (only if they agreed to texts)"
                    </label>
                    <FormMessage error/>
                    <button type="submit" class="primary">"Move appointment"</button>
                </ActionForm>
            </Loaded>
        </details>
    }
    .into_any()
}

#[component]
fn Cancel(id: String, action: ServerAction<CancelAppointment>) -> impl IntoView {
    let error = error_of(action);
    view! {
        <details class="confirm" data-testid="cancel">
            <summary>"Cancel this appointment…"</summary>
            <ActionForm action attr:class="stacked">
                <input type="hidden" name="id" value=id/>
                <label class="choice" for="cancel-notify">
                    <input id="cancel-notify" type="checkbox" name="notify" value="yes" checked/>
                    " Tell the customer by text (only if they agreed to texts)"
                </label>
                <p>"The slot becomes free and the reminders still to go are dropped."</p>
                <button type="submit" class="danger">"Yes, cancel it"</button>
                <FormMessage error/>
            </ActionForm>
        </details>
    }
}
