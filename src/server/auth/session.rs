//! The typed view of the session: which user, and at which session epoch.

use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

const USER_ID: &str = "auth.user_id";
const EPOCH: &str = "auth.epoch";

pub struct AuthSession(pub Session);

impl AuthSession {
    /// Binds the session to a user under a fresh id (no session fixation).
    pub async fn sign_in(&self, user_id: Uuid, epoch: i32) -> Result<(), AppError> {
        self.0.cycle_id().await.map_err(internal)?;
        self.0.insert(USER_ID, user_id).await.map_err(internal)?;
        self.0.insert(EPOCH, epoch).await.map_err(internal)?;
        Ok(())
    }

    pub async fn identity(&self) -> Result<Option<(Uuid, i32)>, AppError> {
        let user_id: Option<Uuid> = self.0.get(USER_ID).await.map_err(internal)?;
        let epoch: Option<i32> = self.0.get(EPOCH).await.map_err(internal)?;
        Ok(user_id.zip(epoch))
    }

    /// Deletes the session from the store and expires the cookie.
    pub async fn sign_out(&self) -> Result<(), AppError> {
        self.0.flush().await.map_err(internal)
    }
}

fn internal(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store error");
    AppError::Internal
}
