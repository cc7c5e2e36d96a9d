//! Booking, beside a thread and on a lead's page: choose a type, a person and a free slot
//! (the server's slot function lists them), and book. The slot list follows the type, the
//! person and the day chosen; without JavaScript the first type and person are offered.

use super::{error_of, FieldError, FormMessage};
use crate::api::appointments::{get_booking_options, BookAppointment};
use crate::model::{BookingOptions, BookingOutcome, SlotOffer};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// What the form asks the server about: type, person, first day.
type Picks = (Option<Uuid>, Option<Uuid>, Option<NaiveDate>);

#[component]
pub fn BookingPanel(lead: Uuid, #[prop(optional)] conversation: Option<Uuid>) -> AnyView {
    let book = ServerAction::<BookAppointment>::new();
    let picks = RwSignal::new(Picks::default());
    let options = Resource::new(
        move || (picks.get(), book.version().get()),
        move |((kind, person, from), _)| get_booking_options(lead, kind, person, from),
    );
    let body = move || {
        Suspend::new(async move {
            match options.await {
                Ok(found) => view! { <BookingForm found lead conversation book picks/> }.into_any(),
                Err(error) => {
                    view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
                }
            }
        })
    };
    #[cfg(feature = "ssr")]
    let body = body();
    view! {
        <section class="panel booking" aria-labelledby="booking-heading" data-testid="booking">
            <h2 id="booking-heading">"Book an appointment"</h2>
            <Booked book/>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Finding free times…"</p> }>
                {body}
            </Transition>
        </section>
    }
    .into_any()
}

/// What the last booking did, kept above the form that reloads.
#[component]
fn Booked(book: ServerAction<BookAppointment>) -> impl IntoView {
    move || match book.value().get() {
        Some(Ok(BookingOutcome { id, told })) => {
            let told = match told {
                Some(Ok(())) => "The customer is texted a confirmation.".to_string(),
                Some(Err(reason)) => format!("The customer was not texted: {reason}"),
                None => "The customer was not texted.".to_string(),
            };
            Some(view! {
                <p class="form-ok" role="status" data-testid="booked">
                    "Booked. " {told} " "
                    <A href=format!("/calendar/{id}")>"Open the appointment"</A>
                </p>
            })
        }
        _ => None,
    }
}

#[component]
fn BookingForm(
    found: BookingOptions,
    lead: Uuid,
    conversation: Option<Uuid>,
    book: ServerAction<BookAppointment>,
    picks: RwSignal<Picks>,
) -> AnyView {
    let error = error_of(book);
    if found.types.is_empty() {
        return view! { <p class="empty-state">"No appointment types yet. A manager adds them under Settings → Calendar."</p> }.into_any();
    }
    let chosen_type = found.type_id.map(|t| t.to_string()).unwrap_or_default();
    let chosen_person = found.assignee.map(|t| t.to_string()).unwrap_or_default();
    let from = picks
        .get_untracked()
        .2
        .map(|d| d.to_string())
        .unwrap_or_default();
    view! {
        <ActionForm action=book attr:class="stacked">
            <input type="hidden" name="input[lead]" value=lead.to_string()/>
            <input type="hidden" name="input[conversation]" value=conversation.map(|c| c.to_string()).unwrap_or_default()/>
            <div class="grid-2">
                <div class="field">
                    <label for="booking-type">"Type"</label>
                    <select id="booking-type" name="input[type_id]"
                        on:change=move |ev| picks.update(|p| p.0 = event_target_value(&ev).parse().ok())>
                        {found.types.iter().map(|t| view! {
                            <option value=t.id.to_string() selected={t.id.to_string() == chosen_type}>
                                {format!("{} ({} min)", t.name, t.duration_minutes)}
                            </option>
                        }).collect_view()}
                    </select>
                    <FieldError error field="type_id"/>
                </div>
                <div class="field">
                    <label for="booking-assignee">"With"</label>
                    <select id="booking-assignee" name="input[assignee]"
                        on:change=move |ev| picks.update(|p| p.1 = event_target_value(&ev).parse().ok())>
                        {found.assignees.iter().map(|a| view! {
                            <option value=a.id.to_string() selected={a.id.to_string() == chosen_person}>{a.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error field="assignee"/>
                </div>
            </div>
            <label for="booking-from">"From"</label>
            <input id="booking-from" type="date" value=from
                on:change=move |ev| picks.update(|p| p.2 = event_target_value(&ev).parse().ok())/>
            <SlotPicker slots=found.slots zone=found.zone name="input[starts_at]"/>
            <FieldError error field="starts_at"/>
            <label for="booking-notes">"Notes"</label>
            <textarea id="booking-notes" name="input[notes]" rows="2" placeholder="Trade-in to appraise, bring licence…"></textarea>
            <FieldError error field="notes"/>
            <label class="choice" for="booking-notify">
                <input id="booking-notify" type="checkbox" name="input[notify]" value="yes" checked/>
                " Text the customer a confirmation (only if they agreed to texts)"
            </label>
            <FormMessage error/>
            <button type="submit" class="primary">"Book"</button>
        </ActionForm>
    }
    .into_any()
}

/// The free slots as radio buttons, grouped by day ("Tue 8 Dec": 9:00 am, 9:30 am…).
#[component]
pub fn SlotPicker(slots: Vec<SlotOffer>, zone: String, name: &'static str) -> AnyView {
    if slots.is_empty() {
        return view! {
            <p class="empty-state" data-testid="no-slots">"No free time in the next three weeks for this person. Choose someone else or a later day."</p>
        }
        .into_any();
    }
    let mut days: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for slot in slots {
        let (day, time) = slot
            .label
            .split_once(", ")
            .map(|(d, t)| (d.to_string(), t.to_string()))
            .unwrap_or((slot.label.clone(), String::new()));
        let value = slot.starts_at.to_rfc3339();
        match days.last_mut() {
            Some((last, times)) if *last == day => times.push((value, time)),
            _ => days.push((day, vec![(value, time)])),
        }
    }
    view! {
        <fieldset class="slots" data-testid="slots">
            <legend>{format!("Time ({zone})")}</legend>
            {days.into_iter().map(|(day, times)| view! {
                <div class="slot-day">
                    <span class="slot-day-name">{day.clone()}</span>
                    <div class="slot-times">
                        {times.into_iter().map(|(value, time)| {
                            let id = format!("slot-{}", value.replace([':', '+'], "-"));
                            let input_id = id.clone();
                            view! {
                                <label class="slot" for=id data-testid="slot">
                                    <input id=input_id type="radio" name=name value=value required/>
                                    {format!(" {time}")}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </div>
            }).collect_view()}
        </fieldset>
    }
    .into_any()
}
