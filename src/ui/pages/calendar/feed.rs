//! The caller's private calendar address: made, made again (the old one stops working) or
//! turned off. The address is shown once, when it is made; only its hash is kept.

use crate::api::appointments::{get_calendar_feed, SetCalendarFeed};
use crate::ui::components::FormMessage;
use leptos::prelude::*;

#[component]
pub fn FeedPanel() -> impl IntoView {
    let set = ServerAction::<SetCalendarFeed>::new();
    let status = Resource::new(move || set.version().get(), |_| get_calendar_feed());
    let fresh = move || set.value().get().and_then(Result::ok).and_then(|f| f.url);
    let active = move || {
        set.value()
            .get()
            .and_then(Result::ok)
            .map(|f| f.active)
            .or_else(|| status.get().and_then(Result::ok).map(|f| f.active))
            .unwrap_or(false)
    };
    let error = Signal::derive(move || set.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="feed-heading" data-testid="calendar-feed">
            <h2 id="feed-heading">"Your appointments in your own calendar"</h2>
            <p class="hint">"A private address Google Calendar, Outlook or Apple Calendar can subscribe to. It shows your appointments with the type and the customer's first name only. Anyone with the address can read it: make a new one if it is shared by mistake."</p>
            {move || fresh().map(|url| view! {
                <label for="feed-url">"Your address (shown once: copy it now)"</label>
                <input id="feed-url" type="text" readonly value=url data-testid="feed-url"/>
            })}
            <Transition fallback=|| ()>
                <p class="hint">{move || match active() {
                    true => "A calendar address is active.",
                    false => "No calendar address is active.",
                }}</p>
            </Transition>
            <Show when=active fallback=move || view! {
                <ActionForm action=set>
                    <input type="hidden" name="on" value="yes"/>
                    <button type="submit">"Create my calendar address"</button>
                </ActionForm>
            }>
                // Both end the address every subscribed calendar uses: asked first.
                <details class="confirm">
                    <summary>"Make a new address or turn it off…"</summary>
                    <p>"Calendars subscribed to the current address stop updating."</p>
                    <div class="toolbar">
                        <ActionForm action=set>
                            <input type="hidden" name="on" value="yes"/>
                            <button type="submit">"Make a new address"</button>
                        </ActionForm>
                        <ActionForm action=set>
                            <input type="hidden" name="on" value="no"/>
                            <button type="submit" class="danger">"Turn off"</button>
                        </ActionForm>
                    </div>
                </details>
            </Show>
            <FormMessage error/>
        </section>
    }
}
