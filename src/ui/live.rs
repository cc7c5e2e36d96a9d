//! Live updates: one `EventSource` on `/events` per signed-in page; every event bumps a
//! counter that pages key their resources on, so open lists and threads refetch.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Live(pub RwSignal<u32>);

impl Live {
    /// The counter, or a constant when there is no live connection (server rendering).
    pub fn tick() -> u32 {
        use_context::<Live>()
            .map(|live| live.0.get())
            .unwrap_or_default()
    }
}

/// Provides `Live` and, in the browser, connects it to the server's event stream.
pub fn provide_live_updates() {
    let live = Live(RwSignal::new(0));
    provide_context(live);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Ok(source) = web_sys::EventSource::new("/events") else {
            return;
        };
        let on_event =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
                live.0.update(|n| *n = n.wrapping_add(1));
            });
        let _ = source
            .add_event_listener_with_callback("conversation", on_event.as_ref().unchecked_ref());
        // The stream lives as long as the page: the browser closes it on navigation away.
        on_event.forget();
        std::mem::forget(source);
    });
}
