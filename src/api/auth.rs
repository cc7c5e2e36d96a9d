use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::auth::login::{sign_in, SignedIn, DEVICE_COOKIE};
    use secrecy::SecretString;
    let result = async {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        let device = ctx::cookie(DEVICE_COOKIE);
        let (next, new_device) = sign_in(
            &state.pool,
            &session,
            ctx::ip(),
            device.as_deref(),
            &email,
            SecretString::from(password),
        )
        .await?;
        if let Some(token) = new_device {
            // A year; HttpOnly, and Secure wherever the session cookie is.
            ctx::set_cookie(
                DEVICE_COOKIE,
                &token,
                365 * 24 * 3600,
                state.config.cookie_secure,
            );
        }
        Ok(next)
    }
    .await;
    match result {
        Ok(SignedIn::Ready) => leptos_axum::redirect("/leads"),
        Ok(SignedIn::MustChangePassword) => leptos_axum::redirect("/account/password"),
        Err(_) => {}
    }
    ctx::finish(result.map(|_| ()))
}

/// The signed-in person chooses a new password (and must, once, when a manager chose it).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ChangeOwnPassword, server};
    let result = async {
        let caller = server::auth::require(ChangeOwnPassword).await?;
        server::auth::passwords::change_own(
            &ctx::state()?.pool,
            &ctx::session().await?,
            caller,
            ctx::ip(),
            current_password.into(),
            new_password.into(),
            confirm.into(),
        )
        .await
    }
    .await;
    if result.is_ok() {
        leptos_axum::redirect("/leads?password=changed");
    }
    ctx::finish(result)
}

/// A manager e-mails a user of their organisation a link to choose a new password.
#[server(prefix = "/api", endpoint = "send_password_reset")]
pub async fn send_password_reset(user_id: uuid::Uuid) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    let result = async {
        let caller = server::auth::require(ManageUsers).await?;
        let state = ctx::state()?;
        server::auth::passwords::send_reset(
            &state.pool,
            &state.config.public_base_url,
            caller,
            ctx::ip(),
            user_id,
        )
        .await
    }
    .await;
    ctx::finish(result)
}

/// Someone with a reset link chooses a new password (no sign-in).
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::{api::ctx, server};
    let result = server::auth::passwords::reset(
        &ctx::state()?.pool,
        ctx::ip(),
        &token,
        new_password.into(),
        confirm.into(),
    )
    .await;
    if result.is_ok() {
        leptos_axum::redirect("/login?reset=done");
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
