//! The one error type shared by server functions, handlers and the UI.
//!
//! Internal details (SQL errors, I/O) are logged on the server and reach the client only
//! as `Internal`: the browser never sees upstream error text.

use crate::model::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please correct the highlighted fields.")]
    Validation(FieldErrors),
    #[error("Not found.")]
    NotFound,
    #[error("You are not allowed to do that.")]
    Forbidden,
    #[error("Please sign in.")]
    Unauthenticated,
    /// The one message for an unknown e-mail, a wrong password and a deactivated account.
    #[error("Email or password is incorrect.")]
    InvalidCredentials,
    #[error("{0}")]
    Conflict(String),
    #[error("{}", wait_message(*retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    /// An account a manager created must choose its own password before anything else.
    #[error("Choose your own password before you continue.")]
    PasswordChangeRequired,
    /// Input the database cannot hold (a NUL character): the sender's mistake, not ours.
    #[error("{0}")]
    BadRequest(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the server function (network, decoding).
    #[error("The request could not be completed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::NotFound => 404,
            AppError::Forbidden | AppError::PasswordChangeRequired => 403,
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::BadRequest(_) => 400,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// What an administrator at the console reads: each field's message, or the error.
    pub fn console_message(&self) -> String {
        match self {
            AppError::Validation(fields) => fields.messages().join("; "),
            other => other.to_string(),
        }
    }

    /// Field errors to show beside the inputs, if this is a validation error.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(errors) => Some(errors),
            _ => None,
        }
    }
}

/// What a person is told when they have tried too often, in words, with the wait.
fn wait_message(secs: u64) -> String {
    match secs {
        0..=59 => "Too many attempts right now. Please wait a moment and try again.".into(),
        _ => format!(
            "Too many attempts. Please wait {} minute(s) and try again.",
            secs.div_ceil(60)
        ),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        // 22021: a byte sequence PostgreSQL text cannot hold, such as NUL.
        const UNSTORABLE_TEXT: &str = "22021";
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::Database(e) if e.code().as_deref() == Some(UNSTORABLE_TEXT) => {
                AppError::BadRequest(
                    "Text may not contain NUL or other unstorable characters.".into(),
                )
            }
            other => {
                crate::server::db::pool::note_failure(&other);
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        tracing::error!(error = ?error, "internal error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}
