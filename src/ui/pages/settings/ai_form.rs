//! The AI settings form. Field names are `save_ai_settings`'s (`input[…]`), the ticked
//! boxes of a group arrive as a list (`input[business_days][]`), and every message sits
//! beside its field.

use crate::api::assistant::SaveAiSettings;
use crate::error::AppError;
use crate::model::{AiProvider, AiSettingsView, Channel};
use crate::ui::components::{error_of, FieldError, FormMessage};
use leptos::prelude::*;

/// The channels the autopilot may answer, in the order people think of them.
const CHANNELS: [Channel; 4] = [
    Channel::Sms,
    Channel::Whatsapp,
    Channel::Chat,
    Channel::Voice,
];

const DAYS: [(i16, &str); 7] = [
    (1, "Mon"),
    (2, "Tue"),
    (3, "Wed"),
    (4, "Thu"),
    (5, "Fri"),
    (6, "Sat"),
    (7, "Sun"),
];

const AUTOPILOT_NOTE: &str = "Off by default. The assistant only answers conversations the customer started, says it is automated, and hands off to a person on an opt-out, complaint, a request for a person, a price or finance commitment, low confidence, a provider failure or three turns without progress.";

#[component]
pub fn AiForm(current: AiSettingsView, save: ServerAction<SaveAiSettings>) -> impl IntoView {
    let error = error_of(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <ActionForm action=save attr:class="panel stacked narrow">
            <Provider current=current.clone() error/>
            <Autopilot current=current.clone() error/>
            <Hours current=current.clone() error/>
            <Calls current error/>
            <FormMessage error/>
            <Show when=saved><p class="form-ok" role="status">"Saved."</p></Show>
            <button type="submit" class="primary">"Save AI settings"</button>
        </ActionForm>
    }
}

#[component]
fn Provider(current: AiSettingsView, error: Signal<Option<AppError>>) -> impl IntoView {
    let key_hint = match &current.key_last4 {
        Some(last4) => format!("Stored key ends in ••••{last4}. Leave empty to keep it."),
        None => "No key is stored. The built-in assistant needs none.".to_string(),
    };
    view! {
        <h2>"Provider"</h2>
        <label for="ai-provider">"Assistant"</label>
        <select id="ai-provider" name="input[provider]">
            {AiProvider::ALL.iter().map(|p| view! {
                <option value=p.as_str() selected={*p == current.provider}>{p.label()}</option>
            }).collect_view()}
        </select>
        <p class="hint">"The built-in assistant runs inside ConsentDesk and sends nothing elsewhere. A remote provider is named on your public privacy page."</p>
        <FieldError error field="provider"/>
        <label for="ai-model">"Model"</label>
        <input id="ai-model" name="input[model]" type="text" value=current.model autocomplete="off"/>
        <p class="hint">"Blank for the provider's default model."</p>
        <label for="ai-base-url">"API base URL"</label>
        <input id="ai-base-url" name="input[api_base_url]" type="text" value=current.api_base_url
            placeholder="https://llm.example.com/v1"/>
        <p class="hint">"Blank for the provider's own; for an OpenAI-compatible server you host yourself, its address."</p>
        <FieldError error field="api_base_url"/>
        <label for="ai-api-key">"API key"</label>
        <input id="ai-api-key" name="input[api_key]" type="password" autocomplete="new-password"
            aria-describedby="ai-api-key-hint"/>
        <p class="hint" id="ai-api-key-hint" data-testid="ai-key-hint">{key_hint}</p>
        <FieldError error field="api_key"/>
    }
}

#[component]
fn Autopilot(current: AiSettingsView, error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Autopilot"</legend>
            <p class="hint">{AUTOPILOT_NOTE}</p>
            {CHANNELS.iter().map(|channel| {
                let id = format!("ai-autopilot-{}", channel.as_str());
                let input_id = id.clone();
                view! {
                    <label class="choice" for=id>
                        <input id=input_id name="input[autopilot_channels][]" type="checkbox" value=channel.as_str()
                            checked=current.autopilot_channels.contains(channel)/>
                        {format!(" {}", channel.label())}
                    </label>
                }
            }).collect_view()}
            <FieldError error field="autopilot_channels"/>
            <label for="ai-after-minutes">"Minutes to wait for a person"</label>
            <input id="ai-after-minutes" name="input[autopilot_after_minutes]" type="number" min="0" max="1440"
                value=current.autopilot_after_minutes.to_string()/>
            <p class="hint">"During business hours the assistant answers only when no one has within this time; outside them, at once."</p>
            <FieldError error field="autopilot_after_minutes"/>
        </fieldset>
    }
}

#[component]
fn Hours(current: AiSettingsView, error: Signal<Option<AppError>>) -> impl IntoView {
    let hours = |range: std::ops::RangeInclusive<i16>, chosen: i16| {
        range
            .map(|h| view! { <option value=h.to_string() selected={h == chosen}>{format!("{h:02}:00")}</option> })
            .collect_view()
    };
    view! {
        <fieldset>
            <legend>"Business hours"</legend>
            <p class="hint">"In the organisation's time zone."</p>
            <div class="checks">
                {DAYS.iter().map(|(day, name)| {
                    let id = format!("ai-day-{day}");
                    let input_id = id.clone();
                    view! {
                        <label class="choice" for=id>
                            <input id=input_id name="input[business_days][]" type="checkbox" value=day.to_string()
                                checked=current.business_days.contains(day)/>
                            {format!(" {name}")}
                        </label>
                    }
                }).collect_view()}
            </div>
            <FieldError error field="business_days"/>
            <div class="grid-2">
                <div class="field">
                    <label for="ai-opens-at">"Opens at"</label>
                    <select id="ai-opens-at" name="input[opens_at]">{hours(0..=23, current.opens_at)}</select>
                    <FieldError error field="opens_at"/>
                </div>
                <div class="field">
                    <label for="ai-closes-at">"Closes at"</label>
                    <select id="ai-closes-at" name="input[closes_at]">{hours(1..=24, current.closes_at)}</select>
                    <FieldError error field="closes_at"/>
                </div>
            </div>
        </fieldset>
    }
}

#[component]
fn Calls(current: AiSettingsView, error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Calls"</legend>
            <label for="ai-transfer">"Transfer number"</label>
            <input id="ai-transfer" name="input[transfer_number]" type="tel" value=current.transfer_number
                placeholder="+13125550100"/>
            <p class="hint">"Where the voice assistant puts a caller through to a person."</p>
            <FieldError error field="transfer_number"/>
            <label class="choice" for="ai-calls-recorded">
                <input id="ai-calls-recorded" name="input[calls_recorded]" type="checkbox" value="yes"
                    checked=current.calls_recorded/>
                " Calls are recorded or transcribed"
            </label>
            <p class="hint">"If so, the voice assistant tells each caller at the start of the call."</p>
        </fieldset>
    }
}
