//! Compliance reviews: the ledger's hash chain, the report of blocked sends, and the
//! consent wording of the public form.

use super::number_href;
use crate::api::consent::{consent_wordings, verify_consent_ledger, SaveConsentWording};
use crate::model::{ConsentWording, Verification};
use crate::rules::authz::Capability;
use crate::ui::components::{when, FieldError, FormMessage, Guard, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

fn back() -> impl IntoView {
    view! { <p class="breadcrumb"><A href="/consent">"← Consent"</A></p> }
}

#[component]
pub fn LedgerPage() -> AnyView {
    let run = RwSignal::new(0u32);
    let result = Resource::new(move || run.get(), |_| verify_consent_ledger());
    view! {
        <Title text="Ledger verification"/>
        <Guard capability=Capability::ReviewConsent>
            {back()}
            <div class="page-head">
                <h1>"Ledger verification"</h1>
                <button type="button" on:click=move |_| run.update(|n| *n += 1)>"Check again"</button>
            </div>
            <p class="hint">"Every consent event carries the SHA-256 of its content and of the event before it, and a signature made with a key kept outside the database. This re-computes the whole chain of the organisation: an event edited or removed behind the application's back breaks it there, even if whoever did it recomputed every hash."</p>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Re-computing every hash…"</p> }>
                {move || Suspend::new(async move {
                    match result.await {
                        Ok(v) => view! { <Verdict v/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <SignedHead/>
        </Guard>
    }
    .into_any()
}

/// The head of the chain, signed, to keep outside the system; pasted back later, it proves
/// that nothing up to it has changed since.
#[component]
fn SignedHead() -> AnyView {
    let check = ServerAction::<crate::api::consent::CheckLedgerHead>::new();
    let error = Signal::derive(move || check.value().get().and_then(Result::err));
    let verdict = move || check.value().get().and_then(Result::ok);
    view! {
        <section class="panel" aria-labelledby="head-heading">
            <h2 id="head-heading">"Signed head"</h2>
            <p class="hint">"Download the signed head now and then, and keep it somewhere else (your e-mail, a shared drive). Pasting it back here later proves that no event up to it has changed since."</p>
            <p><a class="button" href="/consent/ledger/head.json" download>"Download the signed head"</a></p>
            <ActionForm action=check attr:class="stacked">
                <label for="saved-head">"A signed head saved earlier"</label>
                <textarea id="saved-head" name="head" rows="4" required placeholder="{\"org_id\": …}"></textarea>
                <FieldError error field="head"/>
                <FormMessage error/>
                <Show when=move || verdict().is_some()>
                    <p class="form-ok" role="status" data-testid="head-verdict">{verdict}</p>
                </Show>
                <button type="submit">"Check it"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn Verdict(v: Verification) -> impl IntoView {
    let at = when(v.at, When::Second);
    match v.first_broken {
        None => view! {
            <p class="form-ok" data-testid="ledger-verdict">
                {format!("Intact: {} events checked at {at}.", v.checked)}
            </p>
        }
        .into_any(),
        Some(broken) => view! {
            <div class="form-error" role="alert" data-testid="ledger-verdict">
                <p><strong>{format!("Broken at event {}", broken.seq)}</strong>{format!(": {}.", broken.why)}</p>
                {(!broken.phone.is_empty()).then(|| view! {
                    <p>"Number: "<a href=number_href(&broken.phone)>{broken.phone.clone()}</a></p>
                })}
                <p>{format!("Events 1–{} are intact; checked at {at}.", broken.seq - 1)}</p>
            </div>
        }
        .into_any(),
    }
}

#[component]
pub fn WordingPage() -> AnyView {
    let save = ServerAction::<SaveConsentWording>::new();
    let wordings = Resource::new(move || save.version().get(), |_| consent_wordings());
    view! {
        <Title text="Consent wording"/>
        <Guard capability=Capability::EditConsentWording>
            {back()}
            <h1>"Consent wording"</h1>
            <p class="hint">"The language the public consent form shows for each kind of message. Each opt-in stores the exact text and its SHA-256, so changing it here never changes what earlier customers agreed to. It must never make consent a condition of a purchase."</p>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match wordings.await {
                        Ok(list) => list.into_iter().map(|w| view! { <WordingForm w save/> }).collect_view().into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
    .into_any()
}

#[component]
fn WordingForm(w: ConsentWording, save: ServerAction<SaveConsentWording>) -> AnyView {
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let id = format!("wording-{}", w.category.as_str());
    view! {
        <ActionForm action=save attr:class="panel stacked">
            <h2>{w.category.label()}</h2>
            <input type="hidden" name="category" value=w.category.as_str()/>
            <label for=id.clone()>{if w.customised { "Your wording" } else { "Built-in wording (in use until you write your own)" }}</label>
            <textarea id=id name="text" rows="5">{w.text}</textarea>
            <p class="hint">"SHA-256 "<code>{w.sha256}</code>". Empty the box to go back to the built-in wording."</p>
            <FieldError error field="text"/>
            <FormMessage error/>
            <button type="submit" class="primary">"Save wording"</button>
        </ActionForm>
    }
    .into_any()
}
