//! Staff recording consent and opt-outs, with the evidence the ledger keeps.

use crate::api::consent::{RecordConsent, RecordOptOut};
use crate::model::{ChannelFamily, ConsentMedium, ConsentWording};
use crate::ui::components::{FieldError, FormMessage};
use leptos::prelude::*;

fn phone_field(
    phone: String,
    error: Signal<Option<crate::error::AppError>>,
    id: &'static str,
) -> impl IntoView {
    if phone.is_empty() {
        view! {
            <label for=id>"Phone number"</label>
            <input id=id name="input[phone]" type="tel" required autocomplete="off"/>
            <FieldError error field="phone"/>
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="input[phone]" value=phone/> }.into_any()
    }
}

fn medium_options() -> impl IntoView {
    ConsentMedium::STAFF
        .iter()
        .map(|m| view! { <option value=m.as_str()>{m.label()}</option> })
        .collect_view()
}

/// Records an opt-out received outside SMS. `phone` empty asks for the number.
#[component]
pub fn OptOutForm(
    phone: String,
    #[prop(optional)] action: Option<ServerAction<RecordOptOut>>,
) -> AnyView {
    let action = action.unwrap_or_default();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let done = move || match action.value().get() {
        Some(Ok(n)) => Some(format!("Opt-out recorded ({n} channel families).")),
        _ => None,
    };
    view! {
        <ActionForm action attr:class="stacked" attr:data-testid="opt-out-form">
            {phone_field(phone, error, "opt-out-phone")}
            <label for="opt-out-family">"Channels"</label>
            <select id="opt-out-family" name="input[family]">
                <option value="all">"Every channel (texts, calls, WhatsApp)"</option>
                {ChannelFamily::ALL.iter().map(|f| view! { <option value=f.as_str()>{f.label()}</option> }).collect_view()}
            </select>
            <label for="opt-out-scope">"Which messages"</label>
            <select id="opt-out-scope" name="input[scope]">
                <option value="all">"Every message"</option>
                <option value="promotional">"Promotional messages only"</option>
            </select>
            <FieldError error field="scope"/>
            <label for="opt-out-medium">"How it arrived"</label>
            <select id="opt-out-medium" name="input[medium]">{medium_options()}</select>
            <FieldError error field="medium"/>
            <label for="opt-out-language">"What they said or wrote (optional)"</label>
            <textarea id="opt-out-language" name="input[language]" rows="2"></textarea>
            <FieldError error field="language"/>
            <div class="grid-2">
                <div class="field">
                    <label for="opt-out-person">"Their name (optional)"</label>
                    <input id="opt-out-person" name="input[person_name]" type="text"/>
                </div>
                <div class="field">
                    <label for="opt-out-source">"Reference (optional)"</label>
                    <input id="opt-out-source" name="input[source_ref]" type="text" placeholder="e-mail subject, call time…"/>
                </div>
            </div>
            <FormMessage error/>
            <Show when=move || done().is_some()><p class="form-ok" role="status">{done}</p></Show>
            <button type="submit" class="danger">"Record opt-out"</button>
        </ActionForm>
    }
    .into_any()
}

/// Records consent given on paper, in person, on a call or by e-mail.
#[component]
pub fn GrantForm(
    phone: String,
    wordings: Vec<ConsentWording>,
    action: ServerAction<RecordConsent>,
) -> AnyView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let done = move || matches!(action.value().get(), Some(Ok(_)));
    let suggested = wordings
        .iter()
        .find(|w| w.category == crate::model::MessageCategory::Informational)
        .map(|w| w.text.clone())
        .unwrap_or_default();
    view! {
        <ActionForm action attr:class="stacked" attr:data-testid="grant-form">
            <input type="hidden" name="input[phone]" value=phone/>
            <FieldError error field="phone"/>
            <div class="grid-2">
                <div class="field">
                    <label for="grant-family">"Channel"</label>
                    <select id="grant-family" name="input[family]">
                        {ChannelFamily::ALL.iter().map(|f| view! { <option value=f.as_str()>{f.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="grant-level">"Consent given"</label>
                    <select id="grant-level" name="input[level]">
                        <option value="express">"Express: reminders, updates (informational)"</option>
                        <option value="express_written">"Express written: also offers (promotional)"</option>
                    </select>
                    <FieldError error field="level"/>
                </div>
            </div>
            <label for="grant-medium">"How it was given"</label>
            <select id="grant-medium" name="input[medium]">{medium_options()}</select>
            <FieldError error field="medium"/>
            <label for="grant-language">"The wording they agreed to"</label>
            <textarea id="grant-language" name="input[language]" rows="4" required>{suggested}</textarea>
            <p class="hint">"Exactly as shown or read to them; edit it if other words were used."</p>
            <FieldError error field="language"/>
            <div class="grid-2">
                <div class="field">
                    <label for="grant-person">"Their name"</label>
                    <input id="grant-person" name="input[person_name]" type="text" required/>
                    <FieldError error field="person_name"/>
                </div>
                <div class="field">
                    <label for="grant-source">"Reference"</label>
                    <input id="grant-source" name="input[source_ref]" type="text" placeholder="form number, call time…"/>
                    <FieldError error field="source_ref"/>
                </div>
            </div>
            <label for="grant-campaign">"Campaign or message type (optional)"</label>
            <input id="grant-campaign" name="input[campaign]" type="text"/>
            <FormMessage error/>
            <Show when=done><p class="form-ok" role="status">"Consent recorded."</p></Show>
            <button type="submit" class="primary">"Record consent"</button>
        </ActionForm>
    }
    .into_any()
}
