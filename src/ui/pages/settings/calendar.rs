//! `/settings/calendar`: the store's opening hours, closed days and no-show delay, and the
//! appointment types (length, confirmation, reminders and their wording).

use super::person_hours::PeopleHours;
use super::tabs::SettingsTabs;
use crate::api::appointments::{get_calendar_settings, SaveAppointmentType, SaveCalendarSettings};
use crate::model::{AppointmentType, CalendarSettingsView, HOURS_FIELDS, WEEKDAYS};
use crate::rules::appointment::{offsets_text, FIELDS};
use crate::rules::authz::Capability;
use crate::ui::components::{error_of, FieldError, FormMessage, Guard, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CalendarSettingsPage() -> AnyView {
    view! {
        <Title text="Calendar settings"/>
        <Guard capability=Capability::ManageSettings>
            <CalendarSettingsBody/>
        </Guard>
    }
    .into_any()
}

#[component]
fn CalendarSettingsBody() -> AnyView {
    let save = ServerAction::<SaveCalendarSettings>::new();
    // Each type's form has its own action (its messages stay beside it); any save reloads.
    let types_saved = RwSignal::new(0u32);
    let current = Resource::new(
        move || (save.version().get(), types_saved.get()),
        |_| get_calendar_settings(),
    );
    view! {
        <h1>"Settings"</h1>
        <SettingsTabs/>
        <Loaded resource=current loading="Loading the calendar settings…" let:current>
            <HoursForm current=current.clone() save/>
            <Types types=current.types.clone() saved=types_saved/>
            <PeopleHours people=current.people.clone() store_zone=current.zone.clone()/>
        </Loaded>
    }
    .into_any()
}

#[component]
fn HoursForm(
    current: CalendarSettingsView,
    save: ServerAction<SaveCalendarSettings>,
) -> impl IntoView {
    let error = error_of(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let hours = current.settings.hours.clone();
    view! {
        <ActionForm action=save attr:class="panel stacked narrow">
            <h2>"Opening hours"</h2>
            <p class="hint">{format!("When customers can be booked, in the store's time zone ({}). Leave a day empty when closed.", current.zone)}</p>
            {WEEKDAYS.iter().enumerate().map(|(i, day)| {
                let id = format!("hours-{i}");
                let field = HOURS_FIELDS[i];
                view! {
                    <div class="field inline-field">
                        <label for=id.clone()>{*day}</label>
                        <input id=id name=format!("settings[hours][{i}]") type="text" placeholder="09:00-18:00"
                            value=hours.get(i).cloned().unwrap_or_default()/>
                        <FieldError error field/>
                    </div>
                }
            }).collect_view()}
            <label for="closed-days">"Closed days"</label>
            <textarea id="closed-days" name="settings[closed_days]" rows="4" placeholder="2026-12-25 Christmas">{current.settings.closed_days.clone()}</textarea>
            <p class="hint">"One per line: the date, then an optional reason."</p>
            <FieldError error field="closed_days"/>
            <label for="no-show">"Mark a no-show after (minutes)"</label>
            <input id="no-show" name="settings[no_show_after_minutes]" type="number" min="5" max="1440"
                value=current.settings.no_show_after_minutes.clone()/>
            <p class="hint">"An appointment nobody marked shown becomes a no-show this long after it began."</p>
            <FieldError error field="no_show_after_minutes"/>
            <FormMessage error/>
            <Show when=saved><p class="form-ok" role="status">"Saved."</p></Show>
            <button type="submit" class="primary">"Save hours"</button>
        </ActionForm>
    }
}

#[component]
fn Types(types: Vec<AppointmentType>, saved: RwSignal<u32>) -> impl IntoView {
    view! {
        <section class="panel stacked narrow" aria-labelledby="types-heading">
            <h2 id="types-heading">"Appointment types"</h2>
            {types.into_iter().map(|t| view! {
                <details class="type-edit">
                    <summary>{format!("{} · {} min · reminders {}{}", t.name, t.duration_minutes,
                        if t.reminder_offsets.is_empty() { "none".to_string() } else { offsets_text(&t.reminder_offsets) },
                        if t.active { "" } else { " · not offered" })}</summary>
                    <TypeForm current=Some(t) saved/>
                </details>
            }).collect_view()}
            <details class="type-edit">
                <summary>"Add a type…"</summary>
                <TypeForm current=None saved/>
            </details>
        </section>
    }
}

#[component]
fn TypeForm(current: Option<AppointmentType>, saved: RwSignal<u32>) -> impl IntoView {
    let save = ServerAction::<SaveAppointmentType>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            saved.update(|n| *n += 1);
        }
    });
    let error = error_of(save);
    let key = current
        .as_ref()
        .map_or("new".to_string(), |t| t.id.to_string());
    let id = move |field: &str| format!("type-{key}-{field}");
    let t = current.clone();
    view! {
        <ActionForm action=save attr:class="stacked">
            <input type="hidden" name="input[id]" value=t.as_ref().map(|t| t.id.to_string()).unwrap_or_default()/>
            <label for=id("name")>"Name"</label>
            <input id=id("name") name="input[name]" type="text" required value=t.as_ref().map(|t| t.name.clone())/>
            <FieldError error field="name"/>
            <label for=id("minutes")>"Length (minutes)"</label>
            <input id=id("minutes") name="input[duration_minutes]" type="number" min="5" max="600"
                value=t.as_ref().map_or("60".to_string(), |t| t.duration_minutes.to_string())/>
            <FieldError error field="duration_minutes"/>
            <label for=id("reminders")>"Reminders before"</label>
            <input id=id("reminders") name="input[reminders]" type="text" placeholder="24h, 2h"
                value=t.as_ref().map_or("24h, 2h".to_string(), |t| offsets_text(&t.reminder_offsets))/>
            <FieldError error field="reminders"/>
            <label for=id("template")>"Reminder text"</label>
            <textarea id=id("template") name="input[reminder_template]" rows="3">
                {t.as_ref().map_or("Reminder from {store}: your {type} is {when}. Reply C to confirm or R to reschedule.".to_string(), |t| t.reminder_template.clone())}
            </textarea>
            <p class="hint">{format!("Informational only: no offers. Fields: {}.", FIELDS.join(", "))}</p>
            <FieldError error field="reminder_template"/>
            <label class="choice" for=id("confirm")>
                <input id=id("confirm") type="checkbox" name="input[needs_confirmation]" value="yes"
                    checked=t.as_ref().is_none_or(|t| t.needs_confirmation)/>
                " Ask the customer to confirm"
            </label>
            <label class="choice" for=id("active")>
                <input id=id("active") type="checkbox" name="input[active]" value="yes"
                    checked=t.as_ref().is_none_or(|t| t.active)/>
                " Offer it when booking"
            </label>
            <FormMessage error/>
            <button type="submit">{if current.is_some() { "Save type" } else { "Add type" }}</button>
        </ActionForm>
    }
}
