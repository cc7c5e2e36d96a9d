use crate::api::leads::{preview_import, RunImport};
use crate::error::AppError;
use crate::model::{ImportPreview, ImportReport, RowOutcome};
use crate::rules::authz::Capability;
use crate::ui::components::{ErrorPage, FormMessage, Guard, NotFound};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

/// Step 1: choose a file. A plain multipart form, so it works with or without wasm.
#[component]
pub fn ImportUploadPage() -> AnyView {
    let query = use_query_map();
    let error = move || query.with(|q| q.get("error"));
    view! {
        <Title text="Import leads"/>
        <Guard capability=Capability::ImportLeads>
            <p class="breadcrumb"><A href="/leads">"← Leads"</A></p>
            <h1>"Import leads from a CSV file"</h1>
            <form class="panel stacked narrow" method="post" action="/leads/import" enctype="multipart/form-data">
                <label for="file">"CSV file (UTF-8, up to 5 MB)"</label>
                <input id="file" name="file" type="file" accept=".csv,text/csv" required/>
                <Show when=move || error().is_some()>
                    <p class="field-error" role="alert">{error}</p>
                </Show>
                <p class="hint">
                    "The first row names the columns. Recognised: name (required), phone, email, tags, time_zone, "
                    "year, make, model, vin, owned_year, owned_make, owned_model, owned_vin, budget_min, budget_max, "
                    "locations, property_type, timeline. Other columns are ignored. Nothing is imported until you "
                    "have seen the preview."
                </p>
                <button type="submit" class="primary">"Upload and preview"</button>
            </form>
        </Guard>
    }
    .into_any()
}

/// Step 2: the preview, the duplicate choice, then the report.
#[component]
pub fn ImportPreviewPage() -> AnyView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let run = ServerAction::<RunImport>::new();
    let preview = Resource::new(
        move || (id.get(), run.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => preview_import(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Import preview"/>
        <Guard capability=Capability::ImportLeads>
            <p class="breadcrumb"><A href="/leads/import">"← Upload another file"</A></p>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Reading the file…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(preview) => view! { <Preview preview run/> }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Transition>
        </Guard>
    }
    .into_any()
}

#[component]
fn Preview(preview: ImportPreview, run: ServerAction<RunImport>) -> impl IntoView {
    let error = Signal::derive(move || run.value().get().and_then(Result::err));
    let pending = run.pending();
    let rows = preview
        .rows
        .into_iter()
        .map(|row| {
            let (class, outcome) = match row.outcome {
                RowOutcome::New => ("ok", "New lead".to_string()),
                RowOutcome::Duplicate(of) => ("warn", format!("Duplicate of {of}")),
                RowOutcome::Invalid(reasons) => ("bad", reasons.join("; ")),
            };
            view! {
                <tr class=class>
                    <td>{row.line}</td>
                    <td>{row.name}</td>
                    <td>{row.phone}</td>
                    <td>{row.email}</td>
                    <td>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    // Once imported, the rows would all read as duplicates of themselves: show the report.
    if let Some(report) = preview.report {
        return view! {
            <h1>{format!("Import of {}", preview.filename)}</h1>
            <Report report/>
        }
        .into_any();
    }
    let action = view! {
            <ActionForm action=run attr:class="panel stacked narrow">
                <input type="hidden" name="id" value=preview.id.to_string()/>
                <fieldset>
                    <legend>"Rows that match an existing lead by phone or email"</legend>
                    <label class="choice"><input type="radio" name="duplicates" value="skip" checked/>" Skip them"</label>
                    <label class="choice">
                        <input type="radio" name="duplicates" value="merge"/>
                        " Merge them: fill the lead's empty fields and add tags, never overwrite"
                    </label>
                </fieldset>
                <FormMessage error/>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Importing…".to_string() } else { format!("Import {} new leads", preview.new) }}
                </button>
            </ActionForm>
    };
    view! {
        <h1>{format!("Import of {}", preview.filename)}</h1>
        <p data-testid="import-summary">
            {format!("{} rows: {} new, {} duplicates, {} with errors.", preview.total, preview.new, preview.duplicates, preview.invalid)}
        </p>
        {(!preview.ignored_columns.is_empty()).then(|| view! {
            <p class="hint">"Ignored columns: "{preview.ignored_columns.join(", ")}</p>
        })}
        <div class="table-wrap panel">
            <table class="preview">
                <thead><tr><th>"Row"</th><th>"Name"</th><th>"Phone"</th><th>"Email"</th><th>"Outcome"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {action}
    }
    .into_any()
}

#[component]
fn Report(report: ImportReport) -> AnyView {
    view! {
        <section class="panel" aria-labelledby="report-heading">
            <h2 id="report-heading">"Import finished"</h2>
            <p data-testid="import-report">
                {format!("{} imported, {} merged, {} skipped, {} rejected.", report.imported, report.merged, report.skipped, report.rejected.len())}
            </p>
            {(!report.rejected.is_empty()).then(|| view! {
                <table>
                    <thead><tr><th>"Row"</th><th>"Name"</th><th>"Why it was rejected"</th></tr></thead>
                    <tbody>
                        {report.rejected.into_iter().map(|r| view! {
                            <tr><td>{r.line}</td><td>{r.name}</td><td>{r.reasons.join("; ")}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p><A href="/leads">"Back to the leads"</A></p>
        </section>
    }
    .into_any()
}
