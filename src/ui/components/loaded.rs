//! One way to wait for a page's data: a loading line, then the page, the 404 page or the
//! error page (each of which sets the HTTP status on the server).

use super::{ErrorPage, NotFound};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// Shows `children` with the resource's value once it is loaded. While it reloads (after
/// an action) the page stays as it was, as a `Transition` does.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    /// What the reader sees while the first load runs, such as "Loading lead…".
    loading: &'static str,
    children: F,
) -> AnyView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let body = move || {
        let children = children.clone();
        Suspend::new(async move {
            match resource.await {
                Ok(value) => children(value).into_any(),
                Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            }
        })
    };
    // In the browser the page follows the resource (filters, pages, actions); on the
    // server the closure would run again when the data arrives and build the page twice
    // per request, so the server renders its one result (the same HTML).
    #[cfg(feature = "ssr")]
    let body = body();
    view! {
        <Transition fallback=move || view! { <p class="loading" aria-busy="true">{loading}</p> }>
            {body}
        </Transition>
    }
    .into_any()
}
