//! Carrier webhooks (SPEC §6). They are authenticated by signatures, not sessions: a
//! missing or wrong signature gets 403 and changes nothing; malformed input gets 400.

pub mod form;
pub mod signature;
pub mod twilio;
mod twilio_request;
pub mod voice_agent;
pub mod whatsapp;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a webhook was refused. Never a 500 for anything the caller sent.
#[derive(Debug)]
pub enum HookError {
    UnknownOrganisation,
    BadSignature,
    Malformed(String),
    Internal,
}

impl From<crate::error::AppError> for HookError {
    fn from(error: crate::error::AppError) -> Self {
        match error {
            crate::error::AppError::NotFound => HookError::UnknownOrganisation,
            crate::error::AppError::BadRequest(why) => HookError::Malformed(why),
            _ => HookError::Internal,
        }
    }
}

impl From<sqlx::Error> for HookError {
    fn from(error: sqlx::Error) -> Self {
        crate::error::AppError::from(error).into()
    }
}

impl IntoResponse for HookError {
    fn into_response(self) -> Response {
        match self {
            HookError::UnknownOrganisation => {
                (StatusCode::NOT_FOUND, "Unknown organisation.").into_response()
            }
            HookError::BadSignature => {
                (StatusCode::FORBIDDEN, "Missing or invalid signature.").into_response()
            }
            HookError::Malformed(why) => (StatusCode::BAD_REQUEST, why).into_response(),
            HookError::Internal => {
                (StatusCode::INTERNAL_SERVER_ERROR, "Please retry later.").into_response()
            }
        }
    }
}
