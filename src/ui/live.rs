//! Live updates: one `EventSource` on `/events` per signed-in page; every event bumps a
//! counter that pages key their resources on, so open lists and threads refetch.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Live {
    count: RwSignal<u32>,
    /// The conversation the latest event was about.
    last: RwSignal<String>,
}

impl Live {
    /// The counter, or a constant when there is no live connection (server rendering).
    pub fn tick() -> u32 {
        use_context::<Live>()
            .map(|live| live.count.get())
            .unwrap_or_default()
    }

    /// A counter of the events about one conversation only: a page showing it refetches
    /// for those, not for every change in the organisation.
    pub fn counter_for(conversation: Memo<Option<uuid::Uuid>>) -> ReadSignal<u32> {
        let (mine, set_mine) = signal(0u32);
        if let Some(live) = use_context::<Live>() {
            Effect::new(move |_| {
                live.count.track();
                let about = live.last.get_untracked();
                if conversation
                    .get_untracked()
                    .is_some_and(|id| id.to_string() == about)
                {
                    set_mine.update(|n| *n = n.wrapping_add(1));
                }
            });
        }
        mine
    }
}

/// Provides `Live` and, in the browser, connects it to the server's event stream.
pub fn provide_live_updates() {
    let live = Live {
        count: RwSignal::new(0),
        last: RwSignal::new(String::new()),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Ok(source) = web_sys::EventSource::new("/events") else {
            return;
        };
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                live.last.set(event.data().as_string().unwrap_or_default());
                live.count.update(|n| *n = n.wrapping_add(1));
            },
        );
        let _ = source
            .add_event_listener_with_callback("conversation", on_event.as_ref().unchecked_ref());
        // The stream lives as long as the page: the browser closes it on navigation away.
        on_event.forget();
        std::mem::forget(source);
    });
}
