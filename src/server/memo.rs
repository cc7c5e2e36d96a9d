//! A request's memo of server-function results (see `once`); the router gives each
//! request a new one.

use crate::error::AppError;
use leptos::prelude::use_context;

/// One request's results of server functions, by function and arguments. A page is built
/// up to three times while it renders on the server (the router's outlet runs its view
/// again as the route settles), and each build asks for its data: later asks get the first
/// answer, so the database is queried, and a view of personal data audited, once per page.
/// Every server function a page's resource calls goes through it.
#[derive(Clone, Default)]
pub struct Once(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, OnceSlot>>>);

type OnceSlot =
    std::sync::Arc<tokio::sync::OnceCell<std::sync::Arc<dyn std::any::Any + Send + Sync>>>;

pub async fn once<T, F>(key: String, work: F) -> Result<T, AppError>
where
    T: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<T, AppError>>,
{
    let Some(memo) = use_context::<Once>() else {
        return work.await;
    };
    let slot = memo
        .0
        .lock()
        .map_err(|_| AppError::Internal)?
        .entry(key)
        .or_default()
        .clone();
    let value = slot
        .get_or_try_init(|| async {
            work.await
                .map(|v| std::sync::Arc::new(v) as std::sync::Arc<dyn std::any::Any + Send + Sync>)
        })
        .await?;
    value.downcast_ref::<T>().cloned().ok_or(AppError::Internal)
}
