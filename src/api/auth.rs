use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use secrecy::SecretString;
    let result = async {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        crate::server::auth::login::sign_in(
            &state.pool,
            &session,
            ctx::ip(),
            &email,
            SecretString::from(password),
        )
        .await
    }
    .await;
    if result.is_ok() {
        leptos_axum::redirect("/leads");
    }
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::api::ctx;
    let result = async {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        crate::server::auth::login::sign_out(&state.pool, &session, ctx::ip()).await
    }
    .await;
    if result.is_ok() {
        leptos_axum::redirect("/login");
    }
    ctx::finish(result)
}

/// The signed-in user, or `None` when nobody is (not an error: the layout redirects).
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::{api::ctx, server};
    let result = match server::auth::current_user().await {
        Ok(user) => Ok(Some(user)),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(error) => Err(error),
    };
    ctx::finish(result)
}
