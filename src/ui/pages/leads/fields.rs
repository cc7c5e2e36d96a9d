use crate::error::AppError;
use crate::model::{LeadInput, Vertical};
use crate::ui::components::FieldError;
use leptos::prelude::*;

/// One labelled input of a lead form, named `input[field]` for the server function.
#[component]
fn Field(
    field: &'static str,
    label: &'static str,
    value: String,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
) -> AnyView {
    let id = format!("lead-{field}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=format!("input[{field}]") type=kind value=value required=required
                aria-describedby=format!("{field}-error")/>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
            <FieldError error field/>
        </div>
    }
    .into_any()
}

/// The editable fields of a lead, with the vertical's profile.
#[component]
pub fn LeadFields(
    initial: LeadInput,
    error: Signal<Option<AppError>>,
    vertical: Vertical,
) -> AnyView {
    let i = initial;
    let automotive = (vertical == Vertical::Automotive).then(|| {
        view! {
            <fieldset>
                <legend>"Vehicle of interest"</legend>
                <div class="grid-3">
                    <Field field="interest_year" label="Year" value=i.interest_year.clone() error kind="number"/>
                    <Field field="interest_make" label="Make" value=i.interest_make.clone() error/>
                    <Field field="interest_model" label="Model" value=i.interest_model.clone() error/>
                </div>
                <Field field="interest_vin" label="VIN" value=i.interest_vin.clone() error hint="17 characters; checked for typos."/>
            </fieldset>
            <fieldset>
                <legend>"Vehicle owned (trade-in)"</legend>
                <div class="grid-3">
                    <Field field="owned_year" label="Year" value=i.owned_year.clone() error kind="number"/>
                    <Field field="owned_make" label="Make" value=i.owned_make.clone() error/>
                    <Field field="owned_model" label="Model" value=i.owned_model.clone() error/>
                </div>
                <Field field="owned_vin" label="VIN" value=i.owned_vin.clone() error/>
            </fieldset>
        }
    });
    let real_estate = (vertical == Vertical::RealEstate).then(|| {
        view! {
            <fieldset>
                <legend>"Property search"</legend>
                <div class="grid-2">
                    <Field field="budget_min" label="Budget from" value=i.budget_min.clone() error/>
                    <Field field="budget_max" label="Budget to" value=i.budget_max.clone() error/>
                </div>
                <Field field="locations" label="Locations" value=i.locations.clone() error/>
                <div class="grid-2">
                    <Field field="property_type" label="Property type" value=i.property_type.clone() error/>
                    <Field field="timeline" label="Timeline" value=i.timeline.clone() error/>
                </div>
            </fieldset>
        }
    });
    view! {
        <Field field="name" label="Name" value=i.name.clone() error required=true/>
        <div class="grid-2">
            <Field field="phone" label="Phone" value=i.phone.clone() error kind="tel" hint="Any format; stored as +1…"/>
            <Field field="email" label="Email" value=i.email.clone() error kind="email"/>
        </div>
        <div class="grid-2">
            <Field field="tags" label="Tags" value=i.tags.clone() error hint="Separated by commas."/>
            <Field field="time_zone" label="Time zone" value=i.time_zone.clone() error hint="e.g. America/Chicago; empty = the store's."/>
        </div>
        <input type="hidden" name="input[source]" value=i.source.clone()/>
        {automotive}
        {real_estate}
    }
    .into_any()
}
