use crate::error::AppError;
use crate::model::UserSummary;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    ctx::guarded(ManageUsers, |who, state| async move {
        ctx::once("list_users".to_string(), async {
            Ok(server::db::users::list(&state.pool, who.caller.org_id).await?)
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "create_user")]
pub async fn create_user(
    name: String,
    email: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    ctx::guarded(ManageUsers, |who, state| async move {
        let input = server::users::NewUserInput {
            name,
            email,
            role,
            password: password.into(),
        };
        let added_by = server::users::AddedBy::Manager(who.caller, who.ip);
        server::users::create(&state.pool, who.caller.org_id, added_by, input)
            .await
            .map(|_| ())
    })
    .await
}

#[server(prefix = "/api", endpoint = "change_role")]
pub async fn change_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    ctx::guarded(ManageUsers, |who, state| async move {
        server::users::change_role(&state.pool, who.caller, who.ip, user_id, &role).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(user_id: Uuid, active: bool) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    ctx::guarded(ManageUsers, |who, state| async move {
        server::users::set_active(&state.pool, who.caller, who.ip, user_id, active).await
    })
    .await
}
