//! `/privacy-requests/settings`: the answer deadline and the retention policy, with a dry
//! run of what retention would purge now; `/privacy-requests/mail`: the simulated mail.

use crate::api::privacy::{
    get_privacy_settings, simulated_mail, RunRetentionNow, SavePrivacySettings,
};
use crate::model::{CurrentUser, PrivacySettings, RetentionCounts};
use crate::rules::authz::Capability;
use crate::ui::components::{error_of, when, FieldError, FormMessage, Guard, Loaded, When};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn PrivacySettingsPage() -> AnyView {
    let save = ServerAction::<SavePrivacySettings>::new();
    let run = ServerAction::<RunRetentionNow>::new();
    let loaded = Resource::new(
        move || (save.version().get(), run.version().get()),
        |_| get_privacy_settings(),
    );
    view! {
        <Title text="Deadline and retention"/>
        <Guard capability=Capability::ViewPrivacyRequests>
            <p class="breadcrumb"><A href="/privacy-requests">"← Privacy requests"</A></p>
            <h1>"Deadline and retention"</h1>
            <Loaded resource=loaded loading="Loading the policies…" let:loaded>
                <Policies settings=loaded.0 preview=loaded.1 save run/>
            </Loaded>
        </Guard>
    }
    .into_any()
}

/// The policies form beside the dry run of retention.
#[component]
fn Policies(
    settings: PrivacySettings,
    preview: RetentionCounts,
    save: ServerAction<SavePrivacySettings>,
    run: ServerAction<RunRetentionNow>,
) -> AnyView {
    let user = expect_context::<CurrentUser>();
    let may_edit = user.role.may(Capability::ManageRetention);
    view! {
        <div class="two-column">
            <PoliciesForm settings may_edit save/>
            <RetentionPreview preview may_edit run/>
        </div>
    }
    .into_any()
}

#[component]
fn PoliciesForm(
    settings: PrivacySettings,
    may_edit: bool,
    save: ServerAction<SavePrivacySettings>,
) -> impl IntoView {
    let error = error_of(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <ActionForm action=save attr:class="panel stacked">
            <h2>"Answering requests"</h2>
            <p class="hint">"Each request's due date is fixed when it arrives, in the organisation's time zone. Both choices are stricter than GDPR (one month) and CCPA (45 days)."</p>
            <div class="grid-2">
                <div class="field">
                    <label for="deadline-days">"Answer within"</label>
                    <input id="deadline-days" name="input[deadline_days]" type="number" min="1" max="90" value=settings.deadline_days.clone() disabled=!may_edit/>
                    <FieldError error field="deadline_days"/>
                </div>
                <div class="field">
                    <label for="deadline-kind">"Counting"</label>
                    <select id="deadline-kind" name="input[deadline_kind]" disabled=!may_edit>
                        <option value="calendar" selected=settings.deadline_kind == "calendar">"calendar days"</option>
                        <option value="business" selected=settings.deadline_kind == "business">"business days (Monday to Friday)"</option>
                    </select>
                </div>
            </div>
            <h2>"Retention"</h2>
            <label for="sub-ends">"Subscription ends on"</label>
            <input id="sub-ends" name="input[subscription_ends_on]" type="date" value=settings.subscription_ends_on.clone() disabled=!may_edit/>
            <p class="hint">"Communications are kept until 90 days after it ends; empty while it runs."</p>
            <FieldError error field="subscription_ends_on"/>
            <label for="max-age">"Keep communications at most (days)"</label>
            <input id="max-age" name="input[communications_max_age_days]" type="number" min="30" value=settings.communications_max_age_days.clone() disabled=!may_edit/>
            <p class="hint">"Optional: a shorter limit for messages, calls and chat logs. Opt-out records are kept forever."</p>
            <FieldError error field="communications_max_age_days"/>
            <FormMessage error/>
            <Show when=saved><p class="form-ok" role="status">"Saved."</p></Show>
            {may_edit.then(|| view! { <button type="submit" class="primary">"Save policies"</button> })}
        </ActionForm>
    }
}

/// What retention would purge now, and for those who may, the button that runs it.
#[component]
fn RetentionPreview(
    preview: RetentionCounts,
    may_edit: bool,
    run: ServerAction<RunRetentionNow>,
) -> impl IntoView {
    let run_error = error_of(run);
    let ran = move || {
        match run.value().get() {
        Some(Ok(c)) => Some(format!(
            "Purged {} message(s), {} call(s), {} chat session(s), {} mail copies, {} bundle(s) and {} account(s); {} opt-out record(s) kept.",
            c.messages, c.calls, c.chat_visitors, c.mail, c.bundles, c.user_accounts, c.opt_outs_kept
        )),
        _ => None,
    }
    };
    let before = preview
        .communications_before
        .map(|t| {
            format!(
                "Communications from before {} would be purged.",
                when(t, When::Minute)
            )
        })
        .unwrap_or_else(|| {
            "No communications are past keeping: the subscription runs and no maximum age is set."
                .into()
        });
    view! {
        <section class="panel" aria-labelledby="preview-heading" data-testid="retention-preview">
            <h2 id="preview-heading">"Retention, dry run"</h2>
            <p>{before}</p>
            <table>
                <tbody>
                    <tr><td>"Messages"</td><td>{preview.messages}</td></tr>
                    <tr><td>"Calls and transcripts"</td><td>{preview.calls}</td></tr>
                    <tr><td>"Web-chat sessions"</td><td>{preview.chat_visitors}</td></tr>
                    <tr><td>"Copies of mail sent"</td><td>{preview.mail}</td></tr>
                    <tr><td>"Data bundles of requests completed over 30 days ago"</td><td>{preview.bundles}</td></tr>
                    <tr><td>"User accounts deactivated over 30 days ago"</td><td>{preview.user_accounts}</td></tr>
                    <tr><td>"Uploaded import files over 30 days old"</td><td>{preview.imports}</td></tr>
                    <tr><td>"Audit events whose details name a person (the details are redacted)"</td><td>{preview.audit_details}</td></tr>
                    <tr><td>"Opt-out records (never purged)"</td><td>{format!("{} kept", preview.opt_outs_kept)}</td></tr>
                </tbody>
            </table>
            <p class="hint">"This changes nothing. The job runs every hour on its own."</p>
            {may_edit.then(|| view! {
                <ActionForm action=run attr:class="inline">
                    <button type="submit" class="danger">"Run retention now"</button>
                </ActionForm>
            })}
            <FormMessage error=run_error/>
            <Show when=move || ran().is_some()><p class="form-ok" role="status">{ran}</p></Show>
        </section>
    }
}

#[component]
pub fn SimulatedMailPage() -> AnyView {
    let mail = Resource::new(|| (), |_| simulated_mail());
    view! {
        <Title text="Sent mail"/>
        <Guard capability=Capability::ProcessPrivacyRequests>
            <p class="breadcrumb"><A href="/privacy-requests">"← Privacy requests"</A></p>
            <h1>"Sent mail"</h1>
            <p class="hint">"What requesters were sent, as staff may read it: codes and links are hidden, only the recipient sees them. Mail goes out by SMTP, or without an SMTP server is written to the server's mail folder."</p>
            <Loaded resource=mail loading="Loading the mail…" let:list>
                <MailList list/>
            </Loaded>
        </Guard>
    }
    .into_any()
}

#[component]
fn MailList(list: Vec<(String, String, String, DateTime<Utc>)>) -> AnyView {
    if list.is_empty() {
        return view! { <p class="empty-state">"No mail yet."</p> }.into_any();
    }
    view! {
        <ul class="ledger" data-testid="mail">
            {list.into_iter().map(|(to, subject, body, at)| view! {
                <li class="panel"><strong>{subject}</strong>
                    <p class="hint">{format!("to {to} · {}", when(at, When::Minute))}</p>
                    <p>{body}</p></li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
