//! `/consent/number/:phone/packet`: the evidence packet as a printable page.

use super::{number_href, EventDetails, StateTable};
use crate::api::consent::get_evidence_packet;
use crate::model::{EvidencePacket, PacketMessage, PacketOptOut, Verification, E164};
use crate::rules::authz::Capability;
use crate::ui::components::{when, Guard, Loaded, When};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PacketPage() -> AnyView {
    view! {
        <Guard capability=Capability::ExportData>
            <PacketLoader/>
        </Guard>
    }
    .into_any()
}

#[component]
fn PacketLoader() -> AnyView {
    let params = use_params_map();
    let phone = Memo::new(move |_| params.with(|p| p.get("phone").unwrap_or_default()));
    let packet = Resource::new(move || phone.get(), get_evidence_packet);
    view! {
        <Loaded resource=packet loading="Assembling the evidence…" let:packet>
            <Packet packet/>
        </Loaded>
    }
    .into_any()
}

/// The printable packet: what holds now, every event, opt-out and message, and whether
/// the organisation's hash chain is intact.
#[component]
fn Packet(packet: EvidencePacket) -> AnyView {
    let shown = E164::from_stored(packet.phone.clone()).display();
    let href = number_href(&packet.phone);
    let generated = format!(
        "{} · {shown} · generated {} by {}",
        packet.organisation,
        when(packet.generated_at, When::Minute),
        packet.generated_by
    );
    view! {
        <Title text=format!("Evidence packet · {shown}")/>
        <p class="breadcrumb no-print"><A href=href.clone()>"← The number"</A></p>
        <PacketHead generated href/>
        <ChainVerdict verification=packet.verification/>
        <section class="panel">
            <h2>"Current state"</h2>
            <StateTable cells=packet.state/>
        </section>
        <section class="panel">
            <h2>"Consent events, oldest first"</h2>
            <ol class="ledger">
                {packet.events.into_iter().map(|event| view! { <li><EventDetails event/></li> }).collect_view()}
            </ol>
        </section>
        <OptOutTable opt_outs=packet.opt_outs/>
        <MessageTable messages=packet.messages/>
    }
    .into_any()
}

/// The heading, who made the packet and when, and its print and download buttons.
#[component]
fn PacketHead(generated: String, href: String) -> impl IntoView {
    view! {
        <div class="page-head">
            <div>
                <h1>"Consent evidence packet"</h1>
                <p class="hint">{generated}</p>
            </div>
            <div class="page-actions no-print">
                // No inline script: the page's Content-Security-Policy allows none.
                <button type="button" title="Or use your browser's Print command"
                    on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        let _ = leptos::prelude::window().print();
                    }>"Print"</button>
                <a class="button" href=format!("{href}/packet.json") download rel="external">"JSON"</a>
                <a class="button" href=format!("{href}/packet.csv") download rel="external">"CSV"</a>
            </div>
        </div>
    }
}

#[component]
fn ChainVerdict(verification: Verification) -> AnyView {
    match &verification.first_broken {
        None => view! {
            <p class="form-ok" data-testid="chain-verdict">
                {format!("Hash chain intact: all {} events of the organisation re-computed and linked.", verification.checked)}
            </p>
        }
        .into_any(),
        Some(broken) => view! {
            <p class="form-error" data-testid="chain-verdict">
                {format!("Hash chain broken at event {} ({}): {}.", broken.seq, broken.phone, broken.why)}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn OptOutTable(opt_outs: Vec<PacketOptOut>) -> impl IntoView {
    let rows = opt_outs
        .into_iter()
        .map(|o| {
            let confirmation = match (o.confirmation_sent_at, o.confirmation_queued_at) {
                (Some(sent), _) => format!("confirmation sent {}", when(sent, When::Second)),
                (None, Some(queued)) => {
                    format!("confirmation queued {}", when(queued, When::Second))
                }
                (None, None) => {
                    "no confirmation: not an SMS keyword, or a repeated STOP".to_string()
                }
            };
            view! {
                <tr>
                    <td>{o.seq}</td>
                    <td class="nowrap">{when(o.at, When::Second)}</td>
                    <td>{o.medium.label()}</td>
                    <td>{confirmation}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"Opt-outs and their confirmations"</h2>
            <table><thead><tr><th>"Event"</th><th>"When"</th><th>"How"</th><th>"Confirmation"</th></tr></thead>
                <tbody>{rows}</tbody></table>
        </section>
    }
}

#[component]
fn MessageTable(messages: Vec<PacketMessage>) -> impl IntoView {
    let rows = messages
        .into_iter()
        .map(|m| {
            view! {
                <tr>
                    <td class="nowrap">{when(m.sent_at.unwrap_or(m.created_at), When::Minute)}</td>
                    <td>{m.channel.label()}</td>
                    <td>{m.category.map(|c| c.as_str()).unwrap_or_default()}</td>
                    <td>{m.status.label()}{m.status_reason.map(|r| format!(": {r}"))}</td>
                    <td>{m.body}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"Every message to this number"</h2>
            <div class="table-wrap">
                <table><thead><tr><th>"When"</th><th>"Channel"</th><th>"Category"</th><th>"Status"</th><th>"Text"</th></tr></thead>
                    <tbody>{rows}</tbody></table>
            </div>
        </section>
    }
}
