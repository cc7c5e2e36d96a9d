use crate::error::AppError;
use crate::model::UserSummary;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    let result = async {
        let caller = server::auth::require(ManageUsers).await?;
        ctx::once("list_users".to_string(), async {
            Ok(server::db::users::list(&ctx::state()?.pool, caller.org_id).await?)
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "create_user")]
pub async fn create_user(
    name: String,
    email: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    let result = async {
        let caller = server::auth::require(ManageUsers).await?;
        let input = server::users::NewUserInput {
            name,
            email,
            role,
            password: password.into(),
        };
        let added_by = server::users::AddedBy::Manager(caller, ctx::ip());
        server::users::create(&ctx::state()?.pool, caller.org_id, added_by, input)
            .await
            .map(|_| ())
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "change_role")]
pub async fn change_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    let result = async {
        let caller = server::auth::require(ManageUsers).await?;
        server::users::change_role(&ctx::state()?.pool, caller, ctx::ip(), user_id, &role).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(user_id: Uuid, active: bool) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageUsers, server};
    let result = async {
        let caller = server::auth::require(ManageUsers).await?;
        server::users::set_active(&ctx::state()?.pool, caller, ctx::ip(), user_id, active).await
    }
    .await;
    ctx::finish(result)
}
