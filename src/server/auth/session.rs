//! The typed view of the session: which user, and at which session epoch.

use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

const USER_ID: &str = "auth.user_id";
const EPOCH: &str = "auth.epoch";
const TOUCHED: &str = "auth.touched";
/// The store only writes a modified session, so activity is recorded at most this often:
/// idle expiry is exact to within these five minutes, without a write per request.
const TOUCH_EVERY_SECS: i64 = 300;

pub struct AuthSession(pub Session);

impl AuthSession {
    /// Binds the session to a user under a fresh id (no session fixation).
    pub async fn sign_in(&self, user_id: Uuid, epoch: i32) -> Result<(), AppError> {
        self.0.cycle_id().await.map_err(internal)?;
        self.0.insert(USER_ID, user_id).await.map_err(internal)?;
        self.0.insert(EPOCH, epoch).await.map_err(internal)?;
        self.0
            .insert(TOUCHED, chrono::Utc::now().timestamp())
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// The signed-in user and session epoch; also keeps an active session from idling out.
    pub async fn identity(&self) -> Result<Option<(Uuid, i32)>, AppError> {
        let user_id: Option<Uuid> = self.0.get(USER_ID).await.map_err(internal)?;
        let epoch: Option<i32> = self.0.get(EPOCH).await.map_err(internal)?;
        if user_id.is_some() {
            let now = chrono::Utc::now().timestamp();
            let touched: Option<i64> = self.0.get(TOUCHED).await.map_err(internal)?;
            if touched.is_none_or(|t| now - t >= TOUCH_EVERY_SECS) {
                self.0.insert(TOUCHED, now).await.map_err(internal)?;
            }
        }
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
