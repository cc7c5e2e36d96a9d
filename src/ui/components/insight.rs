//! The assistant's reading of a lead, beside a thread and on the lead's page: intent,
//! score and its reasons, summary, and the facts it found, each of which a person may add to
//! the lead (nothing reaches the lead without that click).

use super::{error_of, when, FieldError, FormMessage, When};
use crate::api::assistant::AcceptInsightFact;
use crate::error::AppError;
use crate::model::{Insight, InsightView, ScoreReason};
use leptos::prelude::*;
use uuid::Uuid;

/// The "Add to lead" action and the facts it added since the page opened, kept outside the
/// views that reloads rebuild (the server keeps the facts, so only this page knows).
#[derive(Clone, Copy)]
pub struct AcceptFacts {
    pub action: ServerAction<AcceptInsightFact>,
    added: RwSignal<Vec<String>>,
}

impl AcceptFacts {
    pub fn create() -> Self {
        let action = ServerAction::<AcceptInsightFact>::new();
        let added = RwSignal::new(Vec::<String>::new());
        // The action forgets its input when it resolves, so the fact is noted while it runs.
        let running = StoredValue::new(None::<String>);
        Effect::new(move |_| {
            if let Some(input) = action.input().get() {
                running.set_value(Some(input.fact));
            }
        });
        Effect::new(move |_| {
            if matches!(action.value().get(), Some(Ok(()))) {
                if let Some(fact) = running.get_value() {
                    added.update(|added| {
                        if !added.contains(&fact) {
                            added.push(fact);
                        }
                    });
                }
            }
        });
        Self { action, added }
    }

    fn added(self, fact: &str) -> bool {
        self.added.with(|added| added.iter().any(|f| f == fact))
    }
}

/// The panel. Its own loading line and error: a failed insight must not turn the page it
/// sits on into an error page, as `Loaded` would.
#[component]
pub fn InsightPanel(
    insight: Resource<Result<Option<InsightView>, AppError>>,
    accept: AcceptFacts,
    /// The caller may edit leads: the facts get an "Add to lead" button.
    can_edit: bool,
) -> AnyView {
    let body = move || {
        Suspend::new(async move {
            match insight.await {
                Ok(Some(view)) => view! { <InsightBody view accept can_edit/> }.into_any(),
                Ok(None) => view! {
                    <p class="hint" data-testid="insight-empty">"The assistant has not read this conversation yet."</p>
                }
                .into_any(),
                Err(error) => {
                    view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
                }
            }
        })
    };
    // As in `Loaded`: the server renders its one result instead of building it twice.
    #[cfg(feature = "ssr")]
    let body = body();
    view! {
        <section class="panel insight" aria-labelledby="insight-heading" data-testid="insight">
            <h2 id="insight-heading">"Assistant"</h2>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the assistant's reading…"</p> }>
                {body}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn InsightBody(view: InsightView, accept: AcceptFacts, can_edit: bool) -> AnyView {
    let InsightView {
        lead_id,
        insight,
        updated_at,
        restricted,
    } = view;
    let Insight {
        intent,
        score,
        reasons,
        summary,
        facts,
        confidence,
    } = insight;
    // Whatever a provider sends, the meter and the number stay on the same 0–100 scale.
    let score = score.clamp(0, 100);
    let frozen = restricted.then(|| view! {
        <p class="hint frozen" data-testid="insight-frozen">"This person asked to restrict processing: the insight is frozen as it was, and the assistant reads nothing new."</p>
    });
    let summary = (!summary.is_empty()).then(|| {
        view! {
            <h3>"Summary"</h3>
            <ul class="insight-summary" data-testid="insight-summary">
                {summary.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
        }
    });
    let facts = facts
        .found()
        .into_iter()
        .map(|(name, label, value)| {
            let may_add = can_edit && !restricted;
            view! { <FactItem lead=lead_id name label value=value.to_string() accept may_add/> }
        })
        .collect_view();
    view! {
        {frozen}
        <p class="insight-head">
            <span class="badge" data-testid="insight-intent">{intent.label()}</span>
            <span><span class="insight-score" data-testid="insight-score">{score}</span>" / 100"</span>
        </p>
        <meter class="insight-meter" min="0" max="100" low="40" high="70" optimum="100"
            value=score aria-label="Score out of 100">{format!("{score} / 100")}</meter>
        <p class="hint">{format!("Confidence {}% · as of ", confidence.clamp(0, 100))}{when(updated_at, When::Recent)}</p>
        <Reasons reasons/>
        {summary}
        {(!facts.is_empty()).then(|| view! {
            <h3>"Found in the conversation"</h3>
            <ul class="insight-facts">{facts}</ul>
            <FieldError error=error_of(accept.action) field="fact"/>
            <FormMessage error=error_of(accept.action)/>
        })}
    }
    .into_any()
}

/// What made the score, each with its points: "+20", "−10".
#[component]
fn Reasons(reasons: Vec<ScoreReason>) -> AnyView {
    if reasons.is_empty() {
        return view! { <h3>"Why this score"</h3><p class="hint">"No reasons given."</p> }
            .into_any();
    }
    let items = reasons
            .into_iter()
            .map(|reason| {
                let sign = if reason.points < 0 { "minus" } else { "plus" };
                let points = if reason.points < 0 {
                    format!("−{}", reason.points.unsigned_abs())
                } else {
                    format!("+{}", reason.points)
                };
                view! {
                    <li><span>{reason.label}</span><span class=format!("points {sign}")>{points}</span></li>
                }
            })
            .collect_view();
    view! {
        <h3>"Why this score"</h3>
        <ul class="insight-reasons" data-testid="insight-reasons">{items}</ul>
    }
    .into_any()
}

/// One fact, with its "Add to lead" form (a plain form: it works before hydration too).
#[component]
fn FactItem(
    lead: Uuid,
    name: &'static str,
    label: &'static str,
    value: String,
    accept: AcceptFacts,
    may_add: bool,
) -> impl IntoView {
    let pending = accept.action.pending();
    let form = may_add.then(|| {
        view! {
            <Show when=move || !accept.added(name) fallback=|| view! { <span class="form-ok" role="status">"Added"</span> }>
                <ActionForm action=accept.action attr:class="inline">
                    <input type="hidden" name="lead" value=lead.to_string()/>
                    <input type="hidden" name="fact" value=name/>
                    <button type="submit" disabled=move || pending.get()>
                        "Add to lead"<span class="visually-hidden">{format!(": {label}")}</span>
                    </button>
                </ActionForm>
            </Show>
        }
    });
    view! {
        <li data-testid=format!("insight-fact-{name}")>
            <span><span class="fact-label">{label}</span>{value}</span>
            {form}
        </li>
    }
}
