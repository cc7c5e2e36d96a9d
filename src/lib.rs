//! ConsentDesk: a consent-first conversation CRM (see README.md and ../shared/SPEC.md).

pub mod api;
pub mod app;
pub mod error;
pub mod model;
pub mod rules;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    console_error_panic_hook::set_once();
    // Pages are lazy routes (app.rs): hydration waits for the page's own chunk of wasm.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        let owner = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        owner.forget();
        // Lets browser tests (and the first-load benchmark) see that the page is interactive.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
