//! `/privacy/:org`: anyone files a privacy request; `/privacy/:org/verify?request=…`: they
//! prove who they are with the code sent to them. No sign-in.

use crate::api::privacy::{
    privacy_page_org, FilePrivacyRequest, ResendPrivacyCode, VerifyPrivacyRequest,
};
use crate::error::AppError;
use crate::model::{AiProcessor, PrivacyRequestKind, PublicPrivacyOrg};
use crate::ui::components::{FieldError, FormMessage, NotFound};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn org_name() -> (Memo<String>, Resource<Result<PublicPrivacyOrg, AppError>>) {
    let params = use_params_map();
    let org = Memo::new(move |_| params.with(|p| p.get("org").unwrap_or_default()));
    (org, Resource::new(move || org.get(), privacy_page_org))
}

#[component]
pub fn PublicPrivacyPage() -> AnyView {
    let (org, name) = org_name();
    let file = ServerAction::<FilePrivacyRequest>::new();
    let error = Signal::derive(move || file.value().get().and_then(Result::err));
    let pending = file.pending();
    view! {
        <Title text="Your privacy request"/>
        <main class="chat">
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match name.await {
                        Ok(PublicPrivacyOrg { name, ai }) => view! {
                            <h1>{format!("Your data at {name}")}</h1>
                            <p>"Ask for a copy of your data, a correction, its deletion, a restriction of its use, or no more marketing. We answer within the time our policy promises and confirm by e-mail or text."</p>
                            <ActionForm action=file attr:class="card stacked">
                                <input type="hidden" name="org" value=org.get_untracked()/>
                                <label for="req-kind">"What would you like?"</label>
                                <select id="req-kind" name="input[kind]">
                                    {PrivacyRequestKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                                </select>
                                <FieldError error field="kind"/>
                                <label for="req-name">"Your name"</label>
                                <input id="req-name" name="input[name]" type="text" autocomplete="name" required/>
                                <FieldError error field="name"/>
                                <label for="req-email">"E-mail"</label>
                                <input id="req-email" name="input[email]" type="email" autocomplete="email"/>
                                <FieldError error field="email"/>
                                <label for="req-phone">"Mobile number"</label>
                                <input id="req-phone" name="input[phone]" type="tel" autocomplete="tel"/>
                                <p class="hint">"The ones you gave us. We send a code to the e-mail, or else to the phone, to make sure it is you."</p>
                                <FieldError error field="phone"/>
                                <label for="req-details">"Anything we should know (optional)"</label>
                                <textarea id="req-details" name="input[details]" rows="3"></textarea>
                                <FieldError error field="details"/>
                                <FormMessage error/>
                                <button type="submit" class="primary" disabled=move || pending.get()>"Send my request"</button>
                            </ActionForm>
                            <Processors ai/>
                        }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
    .into_any()
}

/// The services that process people's data for the organisation beyond ConsentDesk itself.
#[component]
fn Processors(ai: AiProcessor) -> impl IntoView {
    let intro = if ai.is_remote() {
        "Besides ConsentDesk itself, this service processes your messages for us:"
    } else {
        "Our assistant reads your messages to help us answer you:"
    };
    view! {
        <section class="card" data-testid="processors" aria-labelledby="processors-heading">
            <h2 id="processors-heading">"Who processes your messages"</h2>
            <p>{intro}</p>
            <ul><li data-testid="ai-processor">{ai.describe()}</li></ul>
        </section>
    }
}

#[component]
pub fn PublicPrivacyVerifyPage() -> AnyView {
    let (org, name) = org_name();
    let query = use_query_map();
    let request = Memo::new(move |_| query.with(|q| q.get("request").unwrap_or_default()));
    let verified = Memo::new(move |_| query.with(|q| q.get("verified").is_some()));
    let verify = ServerAction::<VerifyPrivacyRequest>::new();
    let resend = ServerAction::<ResendPrivacyCode>::new();
    let error = Signal::derive(move || verify.value().get().and_then(Result::err));
    let resend_error = Signal::derive(move || resend.value().get().and_then(Result::err));
    let resent = move || matches!(resend.value().get(), Some(Ok(())));
    view! {
        <Title text="Confirm your request"/>
        <main class="chat">
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match name.await {
                        Ok(_) if verified.get() => view! {
                            <section class="card" data-testid="privacy-verified">
                                <h1>"Thank you: it is confirmed"</h1>
                                <p>"We know the request is yours. We will tell you when it is done, by the due date in our acknowledgement."</p>
                            </section>
                        }.into_any(),
                        Ok(PublicPrivacyOrg { name, .. }) => view! {
                            <h1>"Confirm it is you"</h1>
                            <p>{format!("{name} sent a 6-digit code to the e-mail address (or else the phone) you gave. It works for 10 minutes.")}</p>
                            <ActionForm action=verify attr:class="card stacked">
                                <input type="hidden" name="org" value=org.get_untracked()/>
                                <input type="hidden" name="request" value=request.get_untracked()/>
                                <label for="code">"Code"</label>
                                <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required/>
                                <FieldError error field="code"/>
                                <FormMessage error/>
                                <button type="submit" class="primary">"Confirm"</button>
                            </ActionForm>
                            <ActionForm action=resend attr:class="inline">
                                <input type="hidden" name="org" value=org.get_untracked()/>
                                <input type="hidden" name="request" value=request.get_untracked()/>
                                <button type="submit" class="link-button">"Send me a new code"</button>
                            </ActionForm>
                            <FormMessage error=resend_error/>
                            <Show when=resent><p class="form-ok" role="status">"A new code is on its way."</p></Show>
                        }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
    .into_any()
}
