use crate::error::AppError;
use leptos::prelude::*;

/// The validation message for one field, shown right below it.
#[component]
pub fn FieldError(#[prop(into)] error: Signal<Option<AppError>>, field: &'static str) -> AnyView {
    let message = move || error.with(|e| e.as_ref()?.fields()?.get(field).map(str::to_string));
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" id=format!("{field}-error") role="alert">{message}</p>
        </Show>
    }
    .into_any()
}

/// A form-level message: any error that is not about one field.
#[component]
pub fn FormMessage(#[prop(into)] error: Signal<Option<AppError>>) -> AnyView {
    let message = move || {
        error.with(|e| match e {
            Some(AppError::Validation(_)) | None => None,
            Some(other) => Some(other.to_string()),
        })
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="form-error" role="alert">{message}</p>
        </Show>
    }
    .into_any()
}

/// The error of an action's last run, if it failed: what `FieldError` and `FormMessage`
/// show beside its form.
pub fn error_of<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}
