//! `/consent/number/:phone`: what the number may be sent now and why, its whole history
//! with every evidence field, and forms to record consent or an opt-out.

use super::forms::{GrantForm, OptOutForm};
use super::{number_href, EventDetails, StateTable};
use crate::api::consent::{get_number_consent, RecordConsent, RecordOptOut};
use crate::error::AppError;
use crate::model::{CurrentUser, NumberConsent, E164};
use crate::rules::authz::Capability;
use crate::ui::components::{ErrorPage, Guard, NotFound};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ConsentNumberPage() -> AnyView {
    view! {
        <Guard capability=Capability::ViewConsent>
            <NumberLoader/>
        </Guard>
    }
    .into_any()
}

#[component]
fn NumberLoader() -> AnyView {
    let params = use_params_map();
    let phone = Memo::new(move |_| params.with(|p| p.get("phone").unwrap_or_default()));
    let grant = ServerAction::<RecordConsent>::new();
    let opt_out = ServerAction::<RecordOptOut>::new();
    let page = Resource::new(
        move || (phone.get(), grant.version().get(), opt_out.version().get()),
        |(phone, ..)| get_number_consent(phone),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the number's consent…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Number page grant opt_out/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error @ AppError::Validation(_)) => view! {
                        <p class="form-error" role="alert">"This is not a phone number: "{error.fields().and_then(|f| f.get("phone")).map(str::to_string)}</p>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Number(
    page: NumberConsent,
    grant: ServerAction<RecordConsent>,
    opt_out: ServerAction<RecordOptOut>,
) -> AnyView {
    let user = expect_context::<CurrentUser>();
    let shown = E164::from_stored(page.phone.clone()).display();
    let href = number_href(&page.phone);
    let exports = user.role.may(Capability::ExportData).then(|| {
        view! {
            <div class="page-actions">
                <A href=format!("{href}/packet") attr:class="button">"Evidence packet"</A>
                <a class="button" href=format!("{href}/packet.json") download rel="external">"Download JSON"</a>
                <a class="button" href=format!("{href}/packet.csv") download rel="external">"Download CSV"</a>
            </div>
        }
    });
    let leads = if page.leads.is_empty() {
        view! { <span>"no lead has this number"</span> }.into_any()
    } else {
        page.leads
            .into_iter()
            .map(|l| view! { <a href=format!("/leads/{}", l.id)>{l.name}</a>" " })
            .collect_view()
            .into_any()
    };
    let history = if page.events.is_empty() {
        view! { <p class="empty-state">"Nothing recorded for this number yet: only replies to messages the customer starts are allowed."</p> }.into_any()
    } else {
        view! {
            <ol class="ledger" data-testid="consent-history">
                {page.events.into_iter().map(|event| view! { <li><EventDetails event/></li> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let grant_form = user.role.may(Capability::RecordConsent).then(|| {
        let phone = page.phone.clone();
        let wordings = page.wordings.clone();
        view! {
            <details class="panel">
                <summary>"Record consent given on paper, in person, on a call or by e-mail"</summary>
                <GrantForm phone wordings action=grant/>
            </details>
        }
    });
    let phone = page.phone.clone();
    view! {
        <Title text=format!("Consent of {shown}")/>
        <p class="breadcrumb"><A href="/consent">"← Consent"</A></p>
        <div class="page-head">
            <div>
                <h1 data-testid="consent-number">{shown}</h1>
                <p class="hint">"Lead: "{leads}</p>
            </div>
            {exports}
        </div>
        <section class="panel" aria-labelledby="state-heading">
            <h2 id="state-heading">"What may be sent now"</h2>
            <StateTable cells=page.state/>
            <p class="hint">"Promotional messages also wait for 08:00–21:00 in the customer's time zone."</p>
        </section>
        <div class="two-column">
            <section class="panel" aria-labelledby="history-heading">
                <h2 id="history-heading">"History, newest first"</h2>
                {history}
            </section>
            <div class="stack">
                {grant_form}
                <details class="panel">
                    <summary>"Record an opt-out received by e-mail, phone or in person"</summary>
                    <OptOutForm phone action=opt_out/>
                </details>
            </div>
        </div>
    }
    .into_any()
}
