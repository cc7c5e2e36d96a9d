//! `/settings/ai/activity`: what the assistant cost and did. AI calls per day and purpose
//! over the last 30 days, and the autopilot's newest messages and handoffs.

use super::tabs::SettingsTabs;
use crate::api::assistant::get_ai_activity;
use crate::model::{AiUsageRow, AutopilotEntry};
use crate::rules::authz::Capability;
use crate::ui::components::{day, when, DataTable, Guard, Loaded, When};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AiActivityPage() -> AnyView {
    let activity = Resource::new(|| (), |_| get_ai_activity());
    view! {
        <Title text="AI activity"/>
        <Guard capability=Capability::ManageSettings>
            <h1>"Settings"</h1>
            <SettingsTabs/>
            <Loaded resource=activity loading="Loading the AI activity…" let:activity>
                <h2>"Usage, last 30 days"</h2>
                <DataTable columns=USAGE_COLUMNS rows=activity.usage row=|row| view! { <UsageLine row/> }
                    empty="No AI calls in the last 30 days." testid="ai-usage"/>
                <h2>"Autopilot"</h2>
                <p class="hint">"The newest 100 messages the assistant sent by itself and conversations it handed to a person."</p>
                <DataTable columns=LOG_COLUMNS rows=activity.autopilot row=|entry| view! { <LogLine entry/> }
                    empty="The autopilot has not answered anyone yet." testid="ai-autopilot"/>
            </Loaded>
        </Guard>
    }
    .into_any()
}

const USAGE_COLUMNS: &[&str] = &[
    "Day",
    "Purpose",
    "Calls",
    "Failures",
    "Tokens in",
    "Tokens out",
    "Mean latency",
];

/// What each call was for, as `ai_events.purpose` names it.
fn purpose_label(purpose: &str) -> String {
    match purpose {
        "insight" => "Score and summary".into(),
        "draft" => "Suggested reply".into(),
        "autopilot" => "Autopilot reply".into(),
        "voice" => "Voice assistant".into(),
        other => other.into(),
    }
}

#[component]
fn UsageLine(row: AiUsageRow) -> impl IntoView {
    view! {
        <tr>
            <td class="nowrap">{day(row.day)}</td>
            <td>{purpose_label(&row.purpose)}</td>
            <td>{row.calls}</td>
            <td>{row.failures}</td>
            <td>{row.tokens_in}</td>
            <td>{row.tokens_out}</td>
            <td class="nowrap">{format!("{} ms", row.mean_latency_ms)}</td>
        </tr>
    }
}

const LOG_COLUMNS: &[&str] = &["Time", "Lead", "Channel", "What happened"];

#[component]
fn LogLine(entry: AutopilotEntry) -> impl IntoView {
    let what = match entry.handoff {
        Some(handoff) => format!("Handed to a person: {}", handoff.label()),
        None => entry.detail,
    };
    view! {
        <tr>
            <td class="nowrap">{when(entry.at, When::Minute)}</td>
            <td><a href=format!("/conversations/{}", entry.conversation_id)>{entry.lead_name}</a></td>
            <td>{entry.channel.label()}</td>
            <td>{what}</td>
        </tr>
    }
}
