//! The forms on a privacy request's page: proving who the requester is, assigning it,
//! carrying it out, lifting a restriction and rejecting it.

use crate::api::privacy::{
    AssignPrivacyRequest, EnterPrivacyCode, ExecutePrivacyRequest, LiftRestriction,
    RejectPrivacyRequest, SendPrivacyCode,
};
use crate::model::{Assignee, PrivacyRequestKind, RejectionReason};
use crate::ui::components::{error_of, when, AssigneeSelect, FieldError, FormMessage, When};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// Whether the requester proved who they are, and while the request is open, the code
/// that lets them.
#[component]
pub fn Verification(
    id: String,
    open: bool,
    can_process: bool,
    verified_at: Option<DateTime<Utc>>,
    code_sent_to: Option<String>,
    code_expires_at: Option<DateTime<Utc>>,
    send_code: ServerAction<SendPrivacyCode>,
    enter_code: ServerAction<EnterPrivacyCode>,
) -> AnyView {
    if let Some(at) = verified_at {
        return view! { <p class="form-ok">{format!("Identity verified {}.", when(at, When::Minute))}</p> }.into_any();
    }
    if !open {
        return view! { <p class="hint">"Not verified."</p> }.into_any();
    }
    let code_error = error_of(enter_code);
    let send_error = error_of(send_code);
    let (send_id, code_id) = (id.clone(), id);
    let sent = code_sent_to.map(|to| {
        format!(
            "A code went by {to}; it works until {}.",
            code_expires_at
                .map(|t| when(t, When::Clock))
                .unwrap_or_default()
        )
    });
    view! {
        <p class="hint">"Nothing about the person leaves, and nothing changes, until they prove who they are with a one-time code."</p>
        {sent.map(|s| view! { <p>{s}</p> })}
        {can_process.then(|| view! {
            <div class="row-actions">
                <ActionForm action=send_code attr:class="inline">
                    <input type="hidden" name="id" value=send_id/>
                    <button type="submit">"Send a new code"</button>
                </ActionForm>
                <ActionForm action=enter_code attr:class="inline">
                    <input type="hidden" name="id" value=code_id/>
                    <label for="pr-code">"Code they read out"</label>
                    <input id="pr-code" name="code" inputmode="numeric" autocomplete="one-time-code" size="8"/>
                    <button type="submit">"Verify"</button>
                </ActionForm>
            </div>
            <FieldError error=code_error field="code"/>
            <FormMessage error=send_error/>
        })}
    }
    .into_any()
}

#[component]
pub fn AssignForm(
    id: String,
    current: Option<uuid::Uuid>,
    officers: Vec<Assignee>,
    action: ServerAction<AssignPrivacyRequest>,
) -> AnyView {
    let error = error_of(action);
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="id" value=id/>
            <label for="pr-assignee">"Compliance officer"</label>
            <AssigneeSelect id="pr-assignee" people=officers current/>
            <button type="submit">"Assign"</button>
            <FieldError error field="assignee"/>
        </ActionForm>
    }
    .into_any()
}

/// The button's words and the warning above it, for each kind of request.
fn execute_texts(kind: PrivacyRequestKind) -> (&'static str, &'static str) {
    match kind {
        PrivacyRequestKind::Access => ("Build the access bundle", "Every record of the person, as JSON and CSV, with a manifest."),
        PrivacyRequestKind::Portability => ("Build the portability bundle", "Every record of the person, as JSON and CSV, with a manifest."),
        PrivacyRequestKind::Correction => ("Apply the correction", "The values below replace the old ones on each of their leads; the history keeps both."),
        PrivacyRequestKind::Deletion => ("Erase their personal data", "Names, e-mails, numbers, message texts, transcripts and notes are erased everywhere. This cannot be undone. The opt-out suppression record and consent evidence are kept, as the law requires."),
        PrivacyRequestKind::Restriction => ("Restrict processing", "No message will be sent to them and no AI will read them until the restriction is lifted."),
        PrivacyRequestKind::MarketingOptOut => ("Record the opt-out of marketing", "Promotional messages to their numbers are revoked in the consent ledger."),
    }
}

/// The one button that carries the request out, once the requester is verified.
#[component]
pub fn ExecutePanel(
    id: String,
    kind: PrivacyRequestKind,
    verified: bool,
    action: ServerAction<ExecutePrivacyRequest>,
) -> AnyView {
    let error = error_of(action);
    let (label, warning) = execute_texts(kind);
    let correction = (kind == PrivacyRequestKind::Correction).then(|| view! {
        <div class="grid-2">
            <div class="field"><label for="fix-name">"Correct name"</label><input id="fix-name" name="correction[name]" type="text"/>
                <FieldError error field="name"/></div>
            <div class="field"><label for="fix-email">"Correct e-mail"</label><input id="fix-email" name="correction[email]" type="email"/>
                <FieldError error field="email"/></div>
        </div>
        <label for="fix-phone">"Correct phone"</label><input id="fix-phone" name="correction[phone]" type="tel"/>
        <FieldError error field="phone"/>
    });
    let dangerous = kind == PrivacyRequestKind::Deletion;
    view! {
        <section class="panel" aria-labelledby="execute-heading">
            <h2 id="execute-heading">"Carry it out"</h2>
            <p class="hint">{warning}</p>
            {(!verified).then(|| view! { <p class="form-error">"Verify the requester first."</p> })}
            <ActionForm action attr:class="stacked">
                <input type="hidden" name="id" value=id/>
                {correction}
                {dangerous.then(|| view! {
                    <label class="choice"><input type="checkbox" name="confirm" required/>" I understand the erasure cannot be undone"</label>
                })}
                <FormMessage error/>
                <button type="submit" class=if dangerous { "danger" } else { "primary" } disabled=!verified>{label}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
pub fn LiftForm(id: String, action: ServerAction<LiftRestriction>) -> impl IntoView {
    let error = error_of(action);
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name="id" value=id/>
            <button type="submit">"Lift the restriction"</button>
            <FormMessage error/>
        </ActionForm>
    }
}

#[component]
pub fn RejectForm(id: String, action: ServerAction<RejectPrivacyRequest>) -> AnyView {
    let error = error_of(action);
    view! {
        <details class="confirm">
            <summary>"Reject this request…"</summary>
            <ActionForm action attr:class="stacked">
                <input type="hidden" name="id" value=id/>
                <label for="pr-reason">"Why (the person is told this, in fixed words)"</label>
                <select id="pr-reason" name="reason" required>
                    {RejectionReason::ALL.into_iter().map(|reason| view! {
                        <option value=reason.as_str() title=reason.text()>{reason.label()}</option>
                    }).collect_view()}
                </select>
                <FieldError error field="reason"/>
                <FormMessage error/>
                <button type="submit" class="danger">"Reject"</button>
            </ActionForm>
        </details>
    }
    .into_any()
}
