//! The consent area: search, a number's evidence, the packet, compliance reviews, and the
//! public consent form.

mod blocked;
mod forms;
mod home;
mod number;
mod packet;
mod public;
mod review;

pub use blocked::BlockedSendsPage;
pub use home::ConsentHomePage;
pub use number::ConsentNumberPage;
pub use packet::PacketPage;
pub use public::PublicConsentPage;
pub use review::{LedgerPage, WordingPage};

use crate::model::{ChannelFamily, ConsentCell, ConsentEventView, MessageCategory};
use crate::ui::components::{when, When};
use leptos::prelude::*;

/// Links carry the number without its plus sign.
pub fn number_href(phone: &str) -> String {
    format!("/consent/number/{}", phone.trim_start_matches('+'))
}

/// Channel families down, categories across: allowed or not, and why.
#[component]
pub fn StateTable(cells: Vec<ConsentCell>) -> AnyView {
    let rows = ChannelFamily::ALL
        .iter()
        .map(|family| {
            let cells: Vec<_> = cells.iter().filter(|c| c.family == *family).cloned().collect();
            view! {
                <tr>
                    <th scope="row">{family.label()}</th>
                    {cells.into_iter().map(|cell| view! {
                        <td class=if cell.allowed { "state ok" } else { "state no" }
                            data-testid=format!("state-{}-{}", cell.family.as_str(), cell.category.as_str())>
                            <strong>{if cell.allowed { "Allowed" } else { "Not allowed" }}</strong>
                            <span class="hint">{cell.why}</span>
                        </td>
                    }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="consent-state">
                <thead><tr>
                    <th scope="col">"Channel"</th>
                    {MessageCategory::ALL.iter().map(|c| view! { <th scope="col">{c.label()}</th> }).collect_view()}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// One ledger event with all of its evidence.
#[component]
pub fn EventDetails(event: ConsentEventView) -> AnyView {
    let categories = event
        .categories
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let class = if event.is_grant() {
        "event grant"
    } else {
        "event revoke"
    };
    let title = event.title();
    let row = |label: &'static str, value: Option<String>| {
        value
            .filter(|v| !v.is_empty())
            .map(|v| view! { <dt>{label}</dt><dd>{v}</dd> })
    };
    view! {
        <article class=class>
            <h3>{title}" · "{event.family.label()}</h3>
            <p class="hint">{when(event.at, When::Second)}" · event "{event.seq}</p>
            <dl class="facts">
                {row("Covers", Some(categories))}
                {row("How", Some(event.medium.label().to_string()))}
                {row("Person", event.person_name)}
                {row("Captured by", Some(event.captured_by.unwrap_or_else(|| "the system".into())))}
                {row("Wording", event.language)}
                {row("Wording SHA-256", event.language_sha256)}
                {row("Campaign", event.campaign)}
                {row("IP address", event.ip)}
                {row("Browser", event.user_agent)}
                {row("Source", event.source_ref)}
                {row("Hash", Some(event.hash))}
                {row("Previous hash", event.prev_hash)}
            </dl>
        </article>
    }
    .into_any()
}
