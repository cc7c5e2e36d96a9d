use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::auth::login::{sign_in, SignedIn, DEVICE_COOKIE};
    use secrecy::SecretString;
    ctx::public(|state, ip| async move {
        let session = ctx::session().await?;
        let device = ctx::cookie(DEVICE_COOKIE);
        let password = SecretString::from(password);
        let (next, new_device) = sign_in(
            &state.pool,
            &session,
            ip,
            device.as_deref(),
            &email,
            password,
        )
        .await?;
        if let Some(token) = new_device {
            // A year; HttpOnly, and Secure wherever the session cookie is.
            let secure = state.config.cookie_secure;
            ctx::set_cookie(DEVICE_COOKIE, &token, 365 * 24 * 3600, secure);
        }
        match next {
            SignedIn::Ready => leptos_axum::redirect("/leads"),
            SignedIn::MustChangePassword => leptos_axum::redirect("/account/password"),
        }
        Ok(())
    })
    .await
}

/// The signed-in person chooses a new password (and must, once, when a manager chose it).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ChangeOwnPassword, server};
    ctx::guarded(ChangeOwnPassword, |who, state| async move {
        server::auth::passwords::change_own(
            &state.pool,
            &ctx::session().await?,
            who.caller,
            who.ip,
            current_password.into(),
            new_password.into(),
            confirm.into(),
        )
        .await
    })
    .await
    .inspect(|()| leptos_axum::redirect("/leads?password=changed"))
}

/// A manager e-mails a user of their organisation a link to choose a new password.
#[server(prefix = "/api", endpoint = "send_password_reset")]
pub async fn send_password_reset(user_id: uuid::Uuid) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    ctx::guarded(ManageUsers, |who, state| async move {
        let base_url = &state.config.public_base_url;
        server::auth::passwords::send_reset(&state.pool, base_url, who.caller, who.ip, user_id)
            .await
    })
    .await
}

/// Someone with a reset link chooses a new password (no sign-in).
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::{api::ctx, server};
    ctx::public(|state, ip| async move {
        let (new_password, confirm) = (new_password.into(), confirm.into());
        server::auth::passwords::reset(&state.pool, ip, &token, new_password, confirm).await
    })
    .await
    .inspect(|()| leptos_axum::redirect("/login?reset=done"))
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::api::ctx;
    ctx::public(|state, ip| async move {
        let session = ctx::session().await?;
        crate::server::auth::login::sign_out(&state.pool, &session, ip).await
    })
    .await
    .inspect(|()| leptos_axum::redirect("/login"))
}

/// The signed-in user, or `None` when nobody is (not an error: the layout redirects).
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::{api::ctx, server};
    ctx::public(|_, _| async {
        match server::auth::current_user().await {
            Ok(user) => Ok(Some(user)),
            Err(AppError::Unauthenticated) => Ok(None),
            Err(error) => Err(error),
        }
    })
    .await
}
