//! The one authorization point: every server function and handler learns who is calling,
//! in which organisation and with which role, here, and nowhere else.

use super::session::AuthSession;
use crate::{error::AppError, model::Role, rules::authz::Capability, server::AppState};
use axum::extract::FromRequestParts;
use http::request::Parts;
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Uuid,
    pub org_id: Uuid,
    pub role: Role,
}

impl Caller {
    pub fn may(self, capability: Capability) -> Result<Caller, AppError> {
        if self.role.may(capability) {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Resolves the session to a live account. A session whose user is gone, deactivated,
/// or whose epoch is stale (deactivated, password changed) is ended on the spot.
pub async fn resolve(pool: &PgPool, session: &Session) -> Result<Caller, AppError> {
    let auth = AuthSession(session.clone());
    let Some((user_id, epoch)) = auth.identity().await? else {
        return Err(AppError::Unauthenticated);
    };
    let row: Option<(Uuid, Role, bool, i32)> =
        sqlx::query_as("SELECT org_id, role, active, session_epoch FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    match row {
        Some((org_id, role, true, current)) if current == epoch => Ok(Caller {
            user_id,
            org_id,
            role,
        }),
        _ => {
            auth.sign_out().await?;
            Err(AppError::Unauthenticated)
        }
    }
}

/// The caller of the current request, once resolved: a page asks for it in its layout
/// and again in each of its server functions, but the database is asked once.
#[derive(Clone, Default)]
pub struct CallerCache(std::sync::Arc<std::sync::OnceLock<Caller>>);

/// For server functions: the caller, if signed in and allowed `capability`.
pub async fn require(capability: Capability) -> Result<Caller, AppError> {
    let cache = leptos::prelude::use_context::<CallerCache>();
    if let Some(caller) = cache.as_ref().and_then(|c| c.0.get()) {
        return caller.may(capability);
    }
    let state = leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })?;
    let session: Session = leptos_axum::extract().await.map_err(|error| {
        tracing::error!(%error, "session layer missing");
        AppError::Internal
    })?;
    let caller = resolve(&state.pool, &session).await?;
    if let Some(cache) = cache {
        let _ = cache.0.set(caller);
    }
    caller.may(capability)
}

/// For plain axum handlers: any signed-in caller; check capabilities with `Caller::may`.
impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal)?;
        resolve(&state.pool, &session).await
    }
}
