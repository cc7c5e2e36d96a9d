//! The one authorization point: every server function and handler learns who is calling,
//! in which organisation and with which role, here, and nowhere else.

use super::session::AuthSession;
use crate::model::{CurrentUser, Role, Vertical};
use crate::{error::AppError, rules::authz::Capability, server::AppState};
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
    /// Which leads, and so which conversations, this caller sees at all.
    pub fn scope(self) -> crate::rules::scope::Scope {
        crate::rules::scope::Scope::of(self.org_id, self.user_id, self.role)
    }

    /// The assistant acting in its own organisation: it sees what a manager sees there and
    /// nothing more, has no session, and never signs the audit log as a person (its lines
    /// are the system's). Only the autopilot and the voice agent use it.
    pub fn assistant(org_id: Uuid) -> Caller {
        Caller {
            user_id: Uuid::nil(),
            org_id,
            role: Role::Manager,
        }
    }

    /// The system acting in an organisation on its own schedule (appointment reminders and
    /// notices): sees what a manager sees there, and signs the audit log as the system.
    pub fn system(org_id: Uuid) -> Caller {
        Caller::assistant(org_id)
    }

    pub fn may(self, capability: Capability) -> Result<Caller, AppError> {
        if self.role.may(capability) {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Resolves the session to a live account. A session whose user is gone, deactivated,
/// or whose epoch is stale (deactivated, password changed) is ended on the spot. An
/// account that must first choose its own password may do nothing else.
pub async fn resolve(pool: &PgPool, session: &Session) -> Result<Caller, AppError> {
    let (caller, user) = resolve_user(pool, session).await?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(caller)
}

/// `resolve` for a long-lived response (the live-event stream), whose session was read
/// once when it began: asks the session store again, so a sign-out elsewhere, an expiry, a
/// deactivation or a password change ends it.
pub async fn recheck(pool: &PgPool, session: &Session) -> Result<Caller, AppError> {
    use tower_sessions::SessionStore;
    let id = session.id().ok_or(AppError::Unauthenticated)?;
    let stored = tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .load(&id)
        .await
        .map_err(|error| {
            tracing::error!(%error, "session store error");
            AppError::Internal
        })?;
    if stored.is_none() {
        return Err(AppError::Unauthenticated);
    }
    resolve(pool, session).await
}

/// `resolve`, with the person and organisation the page header shows (one query).
async fn resolve_user(pool: &PgPool, session: &Session) -> Result<(Caller, CurrentUser), AppError> {
    let auth = AuthSession(session.clone());
    let Some((user_id, epoch)) = auth.identity().await? else {
        return Err(AppError::Unauthenticated);
    };
    let row: Option<Account> = sqlx::query_as(
        "SELECT u.org_id, u.role, u.active, u.session_epoch, u.must_change_password, u.name, u.email, o.name AS org_name, o.slug AS org_slug, o.vertical,
                CASE WHEN u.role = 'agent' THEN 0 ELSE
                    (SELECT count(*) FROM privacy_requests r WHERE r.org_id = u.org_id
                         AND r.status NOT IN ('completed', 'rejected')
                         AND r.due_on <= (now() AT TIME ZONE o.time_zone)::date + $2::int) END AS urgent_requests
         FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1",
    )
    .bind(user_id)
    .bind(crate::rules::deadlines::DUE_SOON_DAYS as i32)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(a) if a.active && a.session_epoch == epoch => Ok((
            Caller {
                user_id,
                org_id: a.org_id,
                role: a.role,
            },
            CurrentUser {
                user_id,
                name: a.name,
                email: a.email,
                role: a.role,
                org_name: a.org_name,
                org_slug: a.org_slug,
                vertical: a.vertical,
                urgent_requests: a.urgent_requests,
                must_change_password: a.must_change_password,
            },
        )),
        _ => {
            auth.sign_out().await?;
            Err(AppError::Unauthenticated)
        }
    }
}

#[derive(sqlx::FromRow)]
struct Account {
    org_id: Uuid,
    role: Role,
    active: bool,
    session_epoch: i32,
    must_change_password: bool,
    name: String,
    email: String,
    org_name: String,
    org_slug: String,
    vertical: Vertical,
    urgent_requests: i64,
}

/// The caller of the current request, once resolved: a page asks for it in its layout
/// and again in each of its server functions, but the database is asked once.
#[derive(Clone, Default)]
pub struct CallerCache(std::sync::Arc<std::sync::OnceLock<(Caller, CurrentUser)>>);

/// For server functions: the caller, if signed in and allowed `capability`.
pub async fn require(capability: Capability) -> Result<Caller, AppError> {
    let (caller, user) = signed_in().await?;
    if user.must_change_password && capability != Capability::ChangeOwnPassword {
        return Err(AppError::PasswordChangeRequired);
    }
    caller.may(capability)
}

/// For the page frame: the signed-in person, from the same single lookup as `require`.
pub async fn current_user() -> Result<CurrentUser, AppError> {
    Ok(signed_in().await?.1)
}

async fn signed_in() -> Result<(Caller, CurrentUser), AppError> {
    let cache = leptos::prelude::use_context::<CallerCache>();
    if let Some(found) = cache.as_ref().and_then(|c| c.0.get()) {
        return Ok(found.clone());
    }
    let state = leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })?;
    let session: Session = leptos_axum::extract().await.map_err(|error| {
        tracing::error!(%error, "session layer missing");
        AppError::Internal
    })?;
    let found = resolve_user(&state.pool, &session).await?;
    if let Some(cache) = cache {
        let _ = cache.0.set(found.clone());
    }
    Ok(found)
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
