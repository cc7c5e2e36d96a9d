//! `/privacy-requests/:id`: the request, its deadline, verification, assignment, the one
//! button that carries it out, what was done, and every step so far.

use super::list::due_label;
use crate::api::privacy::{
    get_privacy_request, AssignPrivacyRequest, EnterPrivacyCode, ExecutePrivacyRequest,
    LiftRestriction, RejectPrivacyRequest, SendPrivacyCode,
};
use crate::error::AppError;
use crate::model::{DataClassCount, PrivacyRequestKind, PrivacyRequestStatus, PrivacyRequestView};
use crate::rules::authz::Capability;
use crate::ui::components::{ErrorPage, FieldError, FormMessage, Guard, NotFound};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[derive(Clone, Copy)]
struct Actions {
    send_code: ServerAction<SendPrivacyCode>,
    enter_code: ServerAction<EnterPrivacyCode>,
    assign: ServerAction<AssignPrivacyRequest>,
    reject: ServerAction<RejectPrivacyRequest>,
    execute: ServerAction<ExecutePrivacyRequest>,
    lift: ServerAction<LiftRestriction>,
}

#[component]
pub fn PrivacyRequestPage() -> AnyView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let actions = Actions {
        send_code: ServerAction::new(),
        enter_code: ServerAction::new(),
        assign: ServerAction::new(),
        reject: ServerAction::new(),
        execute: ServerAction::new(),
        lift: ServerAction::new(),
    };
    let request = Resource::new(
        move || {
            (
                id.get(),
                actions.send_code.version().get(),
                actions.enter_code.version().get(),
                actions.assign.version().get(),
                actions.reject.version().get(),
                actions.execute.version().get(),
                actions.lift.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_privacy_request(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Guard capability=Capability::ViewPrivacyRequests>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the request…"</p> }>
                {move || Suspend::new(async move {
                    match request.await {
                        Ok(r) => view! { <Request r actions/> }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
    .into_any()
}

fn classes(title: &'static str, rows: Vec<DataClassCount>) -> impl IntoView {
    (!rows.is_empty()).then(|| {
        view! {
            <h3>{title}</h3>
            <table>
                <tbody>
                    {rows.into_iter().map(|c| view! {
                        <tr><td>{c.class}</td><td>{c.count}</td><td class="hint">{c.why.unwrap_or_default()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

#[component]
fn Request(r: PrivacyRequestView, actions: Actions) -> AnyView {
    let id = r.id.to_string();
    let open = r.status.is_open();
    let verified = r.verified_at.is_some();
    let code_error = Signal::derive(move || actions.enter_code.value().get().and_then(Result::err));
    let send_error = Signal::derive(move || actions.send_code.value().get().and_then(Result::err));
    let assign_error = Signal::derive(move || actions.assign.value().get().and_then(Result::err));
    let reject_error = Signal::derive(move || actions.reject.value().get().and_then(Result::err));
    let execute_error = Signal::derive(move || actions.execute.value().get().and_then(Result::err));
    let lift_error = Signal::derive(move || actions.lift.value().get().and_then(Result::err));
    let verification = if verified {
        view! { <p class="form-ok">{format!("Identity verified {}.", r.verified_at.map(|t| t.format("%d %b %Y %H:%M UTC").to_string()).unwrap_or_default())}</p> }.into_any()
    } else if !open {
        view! { <p class="hint">"Not verified."</p> }.into_any()
    } else {
        let (send_id, code_id) = (id.clone(), id.clone());
        let sent = r.code_sent_to.clone().map(|to| {
            format!(
                "A code went by {to}; it works until {}.",
                r.code_expires_at
                    .map(|t| t.format("%H:%M UTC").to_string())
                    .unwrap_or_default()
            )
        });
        view! {
            <p class="hint">"Nothing about the person leaves, and nothing changes, until they prove who they are with a one-time code."</p>
            {sent.map(|s| view! { <p>{s}</p> })}
            {r.can_process.then(|| view! {
                <div class="row-actions">
                    <ActionForm action=actions.send_code attr:class="inline">
                        <input type="hidden" name="id" value=send_id/>
                        <button type="submit">"Send a new code"</button>
                    </ActionForm>
                    <ActionForm action=actions.enter_code attr:class="inline">
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
    };
    let assign_form = (r.can_process && open).then(|| {
        let id = id.clone();
        let current = r.assignee;
        let officers = r.officers.clone();
        view! {
            <ActionForm action=actions.assign attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <label for="pr-assignee">"Compliance officer"</label>
                <select id="pr-assignee" name="assignee">
                    <option value="">"Nobody"</option>
                    {officers.into_iter().map(|o| view! {
                        <option value=o.id.to_string() selected={Some(o.id) == current}>{o.name}</option>
                    }).collect_view()}
                </select>
                <button type="submit">"Assign"</button>
                <FieldError error=assign_error field="assignee"/>
            </ActionForm>
        }
        .into_any()
    });
    let execute_form = (r.can_process && open).then(|| {
        let id = id.clone();
        let (label, warning) = match r.kind {
            PrivacyRequestKind::Access => ("Build the access bundle", "Every record of the person, as JSON and CSV, with a manifest."),
            PrivacyRequestKind::Portability => ("Build the portability bundle", "Every record of the person, as JSON and CSV, with a manifest."),
            PrivacyRequestKind::Correction => ("Apply the correction", "The values below replace the old ones on each of their leads; the history keeps both."),
            PrivacyRequestKind::Deletion => ("Erase their personal data", "Names, e-mails, numbers, message texts, transcripts and notes are erased everywhere. This cannot be undone. The opt-out suppression record and consent evidence are kept, as the law requires."),
            PrivacyRequestKind::Restriction => ("Restrict processing", "No message will be sent to them and no AI will read them until the restriction is lifted."),
            PrivacyRequestKind::MarketingOptOut => ("Record the opt-out of marketing", "Promotional messages to their numbers are revoked in the consent ledger."),
        };
        let correction = (r.kind == PrivacyRequestKind::Correction).then(|| view! {
            <div class="grid-2">
                <div class="field"><label for="fix-name">"Correct name"</label><input id="fix-name" name="correction[name]" type="text"/>
                    <FieldError error=execute_error field="name"/></div>
                <div class="field"><label for="fix-email">"Correct e-mail"</label><input id="fix-email" name="correction[email]" type="email"/>
                    <FieldError error=execute_error field="email"/></div>
            </div>
            <label for="fix-phone">"Correct phone"</label><input id="fix-phone" name="correction[phone]" type="tel"/>
            <FieldError error=execute_error field="phone"/>
        });
        let dangerous = r.kind == PrivacyRequestKind::Deletion;
        view! {
            <section class="panel" aria-labelledby="execute-heading">
                <h2 id="execute-heading">"Carry it out"</h2>
                <p class="hint">{warning}</p>
                {(!verified).then(|| view! { <p class="form-error">"Verify the requester first."</p> })}
                <ActionForm action=actions.execute attr:class="stacked">
                    <input type="hidden" name="id" value=id/>
                    {correction}
                    {dangerous.then(|| view! {
                        <label class="choice"><input type="checkbox" name="confirm" required/>" I understand the erasure cannot be undone"</label>
                    })}
                    <FormMessage error=execute_error/>
                    <button type="submit" class=if dangerous { "danger" } else { "primary" } disabled=!verified>{label}</button>
                </ActionForm>
            </section>
        }
        .into_any()
    });
    let reject_form = (r.can_process && open).then(|| {
        let id = id.clone();
        view! {
            <details class="confirm">
                <summary>"Reject this request…"</summary>
                <ActionForm action=actions.reject attr:class="stacked">
                    <input type="hidden" name="id" value=id/>
                    <label for="pr-reason">"Why (the person is told this, in fixed words)"</label>
                    <select id="pr-reason" name="reason" required>
                        {crate::model::RejectionReason::ALL.into_iter().map(|reason| view! {
                            <option value=reason.as_str() title=reason.text()>{reason.label()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error=reject_error field="reason"/>
                    <FormMessage error=reject_error/>
                    <button type="submit" class="danger">"Reject"</button>
                </ActionForm>
            </details>
        }
        .into_any()
    });
    let lift_form = (r.can_process
        && r.kind == PrivacyRequestKind::Restriction
        && r.status == PrivacyRequestStatus::Completed)
        .then(|| {
            let id = id.clone();
            view! {
                <ActionForm action=actions.lift attr:class="inline">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit">"Lift the restriction"</button>
                    <FormMessage error=lift_error/>
                </ActionForm>
            }
        });
    let report = r.report.clone().map(|report| {
        let bundle = (r.has_bundle && r.can_process).then(|| view! {
            <a class="button" href=format!("/privacy-requests/{}/bundle.zip", r.id) download rel="external">"Download the bundle (zip)"</a>
        });
        view! {
            <section class="panel" aria-labelledby="report-heading" data-testid="privacy-report">
                <h2 id="report-heading">"What was done"</h2>
                <p>{report.summary.clone()}</p>
                {classes("Erased", report.erased)}
                {classes("Kept, and why", report.kept)}
                {classes("In the bundle", report.manifest)}
                <div class="page-actions">
                    {bundle}
                    <a class="button" href=format!("/privacy-requests/{}/report.json", r.id) download rel="external">"Download the report"</a>
                </div>
            </section>
        }
        .into_any()
        .into_any()
    });
    let steps = r
        .steps
        .iter()
        .map(|s| view! {
            <li>
                <span class="nowrap">{s.at.format("%d %b %Y %H:%M UTC").to_string()}</span>" · "
                <strong>{s.action.trim_start_matches("privacy.").replace('_', " ")}</strong>" · "
                {s.actor.clone().unwrap_or_else(|| "the requester".into())}
            </li>
        })
        .collect_view();
    view! {
        <Title text=format!("Privacy request · {}", r.requester_name)/>
        <p class="breadcrumb"><A href="/privacy-requests">"← Privacy requests"</A></p>
        <div class="page-head">
            <div>
                <h1>{r.kind.label()}</h1>
                <p class="hint">{format!("{} · received {} by {}", r.requester_name, r.received_at.format("%d %b %Y"), r.received_via.replace('_', " "))}</p>
            </div>
            <div class=format!("due-box {}", r.due.class()) data-testid="due">
                <strong>{format!("Due {}", r.due_on.format("%d %b %Y"))}</strong>
                <span>{due_label(r.due)}</span>
            </div>
        </div>
        <p><span class="badge" data-testid="privacy-status">{r.status.label()}</span>
            {r.rejection_reason.clone().map(|why| view! { " "<span class="hint">{why}</span> })}</p>
        <div class="two-column">
            <div class="stack">
                <section class="panel" aria-labelledby="who-heading">
                    <h2 id="who-heading">"The person"</h2>
                    <dl class="facts">
                        <dt>"Name"</dt><dd>{r.requester_name.clone()}</dd>
                        <dt>"E-mail"</dt><dd>{r.email.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Phone"</dt><dd>{r.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Said"</dt><dd>{r.details.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Records found"</dt>
                        <dd>{format!("{} lead(s), {} message(s), {} call(s), {} consent event(s)", r.records.leads.len(), r.records.messages, r.records.calls, r.records.consent_events)}</dd>
                    </dl>
                    <h3>"Verification"</h3>
                    {verification}
                </section>
                {report}
                {execute_form}
                {lift_form}
            </div>
            <div class="stack">
                <section class="panel">
                    <h2>"Assignment"</h2>
                    <p>{r.assignee_name.clone().unwrap_or_else(|| "Nobody yet".into())}</p>
                    {assign_form}
                </section>
                <section class="panel" aria-labelledby="steps-heading">
                    <h2 id="steps-heading">"History"</h2>
                    <ol class="steps" data-testid="privacy-steps">{steps}</ol>
                </section>
                {reject_form}
            </div>
        </div>
    }
    .into_any()
}
