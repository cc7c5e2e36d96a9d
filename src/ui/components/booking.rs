//! Booking, beside a thread and on a lead's page: choose a type, a person and a first day
//! (a GET form: the choice is in the page's address, `?book_type=…&book_with=…&book_from=…`,
//! so it works without JavaScript), then a free slot (the server's slot function lists
//! them), and book.

use super::{error_of, FieldError, FormMessage};
use crate::api::appointments::{get_booking_options, BookAppointment};
use crate::model::{BookingOptions, BookingOutcome, SlotOffer};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// The picker's choice as the page's address holds it: type, person, first day.
pub type Picks = (Option<Uuid>, Option<Uuid>, Option<NaiveDate>);

/// The picker's fields from the address, under `prefix` (`book` or `move`).
pub fn use_picks(prefix: &'static str) -> Memo<Picks> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            let get = |name: &str| q.get(&format!("{prefix}_{name}"));
            (
                get("type").and_then(|v| v.parse().ok()),
                get("with").and_then(|v| v.parse().ok()),
                get("from").and_then(|v| v.parse().ok()),
            )
        })
    })
}

#[component]
pub fn BookingPanel(lead: Uuid, #[prop(optional)] conversation: Option<Uuid>) -> AnyView {
    let book = ServerAction::<BookAppointment>::new();
    let picks = use_picks("book");
    let options = Resource::new(
        move || (picks.get(), book.version().get()),
        move |((kind, person, from), _)| get_booking_options(lead, kind, person, from),
    );
    let body = move || {
        Suspend::new(async move {
            match options.await {
                Ok(found) => view! { <BookingForm found lead conversation book from=picks.get_untracked().2/> }.into_any(),
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
    from: Option<NaiveDate>,
) -> AnyView {
    let error = error_of(book);
    if found.types.is_empty() {
        return view! { <p class="empty-state">"No appointment types yet. A manager adds them under Settings → Calendar."</p> }.into_any();
    }
    let chosen_type = found.type_id.map(|t| t.to_string()).unwrap_or_default();
    let chosen_person = found.assignee.map(|t| t.to_string()).unwrap_or_default();
    view! {
        <Picker prefix="book" found=found.clone() from/>
        <ActionForm action=book attr:class="stacked">
            <input type="hidden" name="input[lead]" value=lead.to_string()/>
            <input type="hidden" name="input[conversation]" value=conversation.map(|c| c.to_string()).unwrap_or_default()/>
            <input type="hidden" name="input[type_id]" value=chosen_type/>
            <input type="hidden" name="input[assignee]" value=chosen_person/>
            <FieldError error field="type_id"/>
            <FieldError error field="assignee"/>
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

/// Type, person and first day, as a GET form: "Show free times" puts them in the address.
#[component]
pub fn Picker(
    prefix: &'static str,
    found: BookingOptions,
    from: Option<NaiveDate>,
    /// Whether the type may be changed (not when moving an appointment).
    #[prop(optional)]
    fixed_type: bool,
) -> impl IntoView {
    let id = move |field: &str| format!("{prefix}-{field}");
    let chosen_type = found.type_id;
    let chosen_person = found.assignee;
    view! {
        <Form method="GET" action="" attr:class="picker">
            <div class="picker-fields">
                {(!fixed_type).then(|| view! {
                    <div class="field">
                        <label for=id("type")>"Type"</label>
                        <select id=id("type") name=format!("{prefix}_type")>
                            {found.types.iter().map(|t| view! {
                                <option value=t.id.to_string() selected={Some(t.id) == chosen_type}>
                                    {format!("{} ({} min)", t.name, t.duration_minutes)}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="field">
                    <label for=id("with")>"With"</label>
                    <select id=id("with") name=format!("{prefix}_with")>
                        {found.assignees.iter().map(|a| view! {
                            <option value=a.id.to_string() selected={Some(a.id) == chosen_person}>{a.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("from")>"From"</label>
                    <input id=id("from") name=format!("{prefix}_from") type="date" value=from.map(|d| d.to_string())/>
                </div>
            </div>
            <button type="submit">"Show free times"</button>
        </Form>
    }
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
        <div class="slots" data-testid="slots">
            <p class="hint">{format!("Free times ({zone})")}</p>
            {days.into_iter().map(|(day, times)| view! {
                <fieldset class="slot-day">
                    <legend class="slot-day-name">{day.clone()}</legend>
                    <div class="slot-times">
                        {times.into_iter().map(|(value, time)| {
                            let id = format!("{}-{}", name.replace(['[', ']'], ""), value.replace([':', '+'], "-"));
                            let input_id = id.clone();
                            view! {
                                <label class="slot" for=id data-testid="slot">
                                    <input id=input_id type="radio" name=name value=value required/>
                                    {format!(" {time}")}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            }).collect_view()}
        </div>
    }
    .into_any()
}
