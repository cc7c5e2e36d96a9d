//! The calendar settings' "People's own hours": a person with hours of their own (in their
//! own zone, if they work elsewhere) is bookable only inside both theirs and the store's.

use crate::api::appointments::SavePersonHours;
use crate::model::{PersonHours, HOURS_FIELDS, WEEKDAYS};
use crate::ui::components::{error_of, FieldError, FormMessage};
use leptos::prelude::*;

#[component]
pub fn PeopleHours(people: Vec<PersonHours>, store_zone: String) -> impl IntoView {
    view! {
        <section class="panel stacked narrow" aria-labelledby="people-hours-heading">
            <h2 id="people-hours-heading">"People's own hours"</h2>
            <p class="hint">"Leave every day empty to use the store's hours. Someone with hours of their own is booked only when both they and the store are open."</p>
            {people.into_iter().map(|p| {
                let own = p.hours.iter().any(|h| !h.is_empty());
                let summary = format!("{}: {}", p.name, if own { "own hours" } else { "the store's hours" });
                view! {
                    <details class="type-edit">
                        <summary>{summary}</summary>
                        <PersonForm person=p store_zone=store_zone.clone()/>
                    </details>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn PersonForm(person: PersonHours, store_zone: String) -> impl IntoView {
    let save = ServerAction::<SavePersonHours>::new();
    let error = error_of(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let key = person.user.clone();
    let id = move |field: &str| format!("person-{key}-{field}");
    view! {
        <ActionForm action=save attr:class="stacked">
            <input type="hidden" name="input[user]" value=person.user.clone()/>
            <label for=id("zone")>"Time zone"</label>
            <input id=id("zone") name="input[time_zone]" type="text" value=person.time_zone.clone()
                placeholder=store_zone/>
            <FieldError error field="time_zone"/>
            {WEEKDAYS.iter().enumerate().map(|(i, day)| view! {
                <div class="field inline-field">
                    <label for=id(&format!("h{i}"))>{&day[..3]}</label>
                    <input id=id(&format!("h{i}")) name=format!("input[hours][{i}]") type="text"
                        placeholder="09:00-17:00" value=person.hours.get(i).cloned().unwrap_or_default()/>
                    <FieldError error field=HOURS_FIELDS[i]/>
                </div>
            }).collect_view()}
            <FormMessage error/>
            <Show when=saved><p class="form-ok" role="status">"Saved."</p></Show>
            <button type="submit">"Save hours"</button>
        </ActionForm>
    }
}
