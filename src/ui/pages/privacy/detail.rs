//! `/privacy-requests/:id`: the request, its deadline, verification, assignment, the one
//! button that carries it out, what was done, and every step so far.

use super::detail_forms::{AssignForm, ExecutePanel, LiftForm, RejectForm, Verification};
use super::list::due_label;
use crate::api::privacy::{
    get_privacy_request, AssignPrivacyRequest, EnterPrivacyCode, ExecutePrivacyRequest,
    LiftRestriction, RejectPrivacyRequest, SendPrivacyCode,
};
use crate::error::AppError;
use crate::model::{
    DataClassCount, ExecutionReport, PrivacyRequestKind, PrivacyRequestStatus, PrivacyRequestView,
    RequestStep,
};
use crate::rules::authz::Capability;
use crate::ui::components::{day, when, Guard, Loaded, When};
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
            <Loaded resource=request loading="Loading the request…" let:r>
                <Request r actions/>
            </Loaded>
        </Guard>
    }
    .into_any()
}

/// The page's two columns: the person, the outcome and the action on the left; who has
/// it, its history and the way to reject it on the right.
#[component]
fn Request(r: PrivacyRequestView, actions: Actions) -> AnyView {
    let id = r.id.to_string();
    let processing = r.can_process && r.status.is_open();
    let verified = r.verified_at.is_some();
    let report = r.report.clone().map(|report| {
        let bundle = (r.has_bundle && r.can_process)
            .then(|| format!("/privacy-requests/{}/bundle.zip", r.id));
        let report_href = format!("/privacy-requests/{}/report.json", r.id);
        view! { <ReportPanel report bundle report_href/> }
    });
    let execute_form = processing.then(|| {
        view! { <ExecutePanel id=id.clone() kind=r.kind verified action=actions.execute/> }
    });
    let lift_form = (r.can_process
        && r.kind == PrivacyRequestKind::Restriction
        && r.status == PrivacyRequestStatus::Completed)
        .then(|| view! { <LiftForm id=id.clone() action=actions.lift/> });
    let assign_form = processing.then(|| {
        view! {
            <AssignForm id=id.clone() current=r.assignee officers=r.officers.clone() action=actions.assign/>
        }
    });
    let reject_form =
        processing.then(|| view! { <RejectForm id=id.clone() action=actions.reject/> });
    view! {
        <Title text=format!("Privacy request · {}", r.requester_name)/>
        <p class="breadcrumb"><A href="/privacy-requests">"← Privacy requests"</A></p>
        <RequestHead r=r.clone()/>
        <div class="two-column">
            <div class="stack">
                <PersonPanel r=r.clone() actions/>
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
                <History steps=r.steps/>
                {reject_form}
            </div>
        </div>
    }
    .into_any()
}

/// What was asked, by whom, when it is due and where it stands.
#[component]
fn RequestHead(r: PrivacyRequestView) -> impl IntoView {
    view! {
        <div class="page-head">
            <div>
                <h1>{r.kind.label()}</h1>
                <p class="hint">{format!("{} · received {} by {}", r.requester_name, when(r.received_at, When::Day), r.received_via.replace('_', " "))}</p>
            </div>
            <div class=format!("due-box {}", r.due.class()) data-testid="due">
                <strong>{format!("Due {}", day(r.due_on))}</strong>
                <span>{due_label(r.due)}</span>
            </div>
        </div>
        <p><span class="badge" data-testid="privacy-status">{r.status.label()}</span>
            {r.rejection_reason.map(|why| view! { " "<span class="hint">{why}</span> })}</p>
    }
}

/// The requester as they gave themselves, what is held about them, and their proof.
#[component]
fn PersonPanel(r: PrivacyRequestView, actions: Actions) -> impl IntoView {
    let open = r.status.is_open();
    view! {
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
            <Verification
                id=r.id.to_string()
                open
                can_process=r.can_process
                verified_at=r.verified_at
                code_sent_to=r.code_sent_to
                code_expires_at=r.code_expires_at
                send_code=actions.send_code
                enter_code=actions.enter_code
            />
        </section>
    }
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

/// What carrying the request out did, with its downloads.
#[component]
fn ReportPanel(
    report: ExecutionReport,
    /// The bundle's address, for those who may download it.
    bundle: Option<String>,
    report_href: String,
) -> AnyView {
    let bundle = bundle.map(|href| {
        view! {
            <a class="button" href=href download rel="external">"Download the bundle (zip)"</a>
        }
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
                <a class="button" href=report_href download rel="external">"Download the report"</a>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn History(steps: Vec<RequestStep>) -> impl IntoView {
    let steps = steps
        .into_iter()
        .map(|s| view! {
            <li>
                <span class="nowrap">{when(s.at, When::Minute)}</span>" · "
                <strong>{s.action.trim_start_matches("privacy.").replace('_', " ")}</strong>" · "
                {s.actor.unwrap_or_else(|| "the requester".into())}
            </li>
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="steps-heading">
            <h2 id="steps-heading">"History"</h2>
            <ol class="steps" data-testid="privacy-steps">{steps}</ol>
        </section>
    }
}
