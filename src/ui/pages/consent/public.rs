//! `/consent/:org`: the public consent form. No sign-in. Every box starts unticked, and
//! nothing is required: a person may agree to nothing and nothing changes.

use crate::api::consent::{get_public_consent_form, GiveConsent};
use crate::error::AppError;
use crate::model::{MessageCategory, PublicConsentForm};
use crate::ui::components::{FieldError, FormMessage, NotFound};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PublicConsentPage() -> AnyView {
    let params = use_params_map();
    let query = use_query_map();
    let org = Memo::new(move |_| params.with(|p| p.get("org").unwrap_or_default()));
    let pending = Memo::new(move |_| query.with(|q| q.get("pending").unwrap_or_default()));
    let opted_out = Memo::new(move |_| query.with(|q| q.get("opted_out").is_some()));
    let form = Resource::new(move || org.get(), get_public_consent_form);
    let give = ServerAction::<GiveConsent>::new();
    view! {
        <Title text="Stay in touch"/>
        <main class="chat">
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(form) if opted_out.get() => view! { <OptedOut form/> }.into_any(),
                        Ok(form) if !pending.get().is_empty() => view! { <Thanks form pending=pending.get()/> }.into_any(),
                        Ok(form) => view! { <Form form org=org.get_untracked() give/> }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
    .into_any()
}

/// The form's agreement waits for the phone's YES: a typed number proves nothing.
#[component]
fn Thanks(form: PublicConsentForm, pending: String) -> AnyView {
    let kinds = pending
        .split(',')
        .filter_map(|c| c.parse::<MessageCategory>().ok())
        .map(|c| match c {
            MessageCategory::Promotional => "offers and promotions",
            _ => "appointment reminders and service updates",
        })
        .collect::<Vec<_>>()
        .join(" and ");
    view! {
        <section class="card" data-testid="consent-thanks">
            <h1>"Check your phone"</h1>
            <p>{format!("{} sent a text to the number you gave. Reply YES to it to confirm that you want {kinds} by text message.", form.org_name)}</p>
            <p>"Nothing is sent to you until you confirm. You can stop at any time by replying STOP to any of our messages."</p>
        </section>
    }
    .into_any()
}

/// A number that opted out is never subscribed again by a form, and gets no text asking
/// it to confirm: texting START from the phone itself is the way back (SPEC §3.6).
#[component]
fn OptedOut(form: PublicConsentForm) -> AnyView {
    let how = match form.text_number {
        Some(number) => format!("text START to {number} from that phone"),
        None => "text START to our number from that phone".to_string(),
    };
    view! {
        <section class="card" data-testid="consent-opted-out">
            <h1>"This number asked us to stop"</h1>
            <p>{format!("That number has opted out of texts from {}, so we will not text it, not even to confirm this form.", form.org_name)}</p>
            <p>{format!("If it is your phone and you want our texts again, {how}.")}</p>
        </section>
    }
    .into_any()
}

#[component]
fn Form(form: PublicConsentForm, org: String, give: ServerAction<GiveConsent>) -> AnyView {
    let error = Signal::derive(move || give.value().get().and_then(Result::err));
    let pending = give.pending();
    let boxes = form
        .wordings
        .into_iter()
        .map(|w| {
            let field = w.category.as_str();
            let id = format!("consent-{field}");
            let heading = match w.category {
                MessageCategory::Promotional => "Offers and promotions",
                _ => "Appointment reminders and service updates",
            };
            view! {
                <fieldset class="consent-choice">
                    <legend>{heading}</legend>
                    <input type="hidden" name=format!("input[{field}_sha256]") value=w.sha256/>
                    <label class="choice" for=id.clone()>
                        <input id=id.clone() type="checkbox" name=format!("input[{field}]") value="yes"/>
                        " "<span class="consent-language">{w.text}</span>
                    </label>
                    <FieldError error field/>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <h1>{format!("Hear from {}", form.org_name)}</h1>
        <p>"Choose what you would like to receive by text message. Both are optional; agreeing is never a condition of buying anything."</p>
        <ActionForm action=give attr:class="card stacked">
            <input type="hidden" name="input[org]" value=org/>
            <label for="consent-name">"Your name"</label>
            <input id="consent-name" name="input[name]" type="text" autocomplete="name" required/>
            <FieldError error field="name"/>
            <label for="consent-phone">"Mobile number"</label>
            <input id="consent-phone" name="input[phone]" type="tel" autocomplete="tel" required/>
            <FieldError error field="phone"/>
            <label for="consent-email">"Email (optional)"</label>
            <input id="consent-email" name="input[email]" type="email" autocomplete="email"/>
            <FieldError error field="email"/>
            {boxes}
            <FormMessage error/>
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Submit" }}
            </button>
        </ActionForm>
    }
    .into_any()
}
