use crate::error::AppError;
use crate::model::{ImportPreview, ImportReport, LeadInput, LeadPage, LeadQuery, LeadView};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_leads")]
pub async fn list_leads(query: LeadQuery) -> Result<LeadPage, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewLeads, server};
    let result = async {
        let caller = server::auth::require(ViewLeads).await?;
        ctx::once(format!("list_leads/{query:?}"), async {
            server::leads::list(&ctx::state()?.pool, caller, &query).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "get_lead")]
pub async fn get_lead(id: Uuid) -> Result<LeadView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewLeads, server};
    let result = async {
        let caller = server::auth::require(ViewLeads).await?;
        ctx::once(format!("get_lead/{id}"), async {
            server::leads::view(&ctx::state()?.pool, caller, ctx::ip(), id).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "create_lead")]
pub async fn create_lead(input: LeadInput) -> Result<Uuid, AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    let result = async {
        let caller = server::auth::require(EditLeads).await?;
        server::leads::create(&ctx::state()?.pool, caller, ctx::ip(), &input).await
    }
    .await;
    if let Ok(id) = &result {
        leptos_axum::redirect(&format!("/leads/{id}"));
    }
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "update_lead")]
pub async fn update_lead(id: Uuid, input: LeadInput) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    let result = async {
        let caller = server::auth::require(EditLeads).await?;
        server::leads::update(&ctx::state()?.pool, caller, ctx::ip(), id, &input).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "set_lead_status")]
pub async fn set_lead_status(id: Uuid, status: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    let result = async {
        let caller = server::auth::require(EditLeads).await?;
        server::leads::set_status(&ctx::state()?.pool, caller, ctx::ip(), id, &status).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "assign_lead")]
pub async fn assign_lead(id: Uuid, assignee: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::AssignLeads, server};
    let result = async {
        let caller = server::auth::require(AssignLeads).await?;
        server::leads::assign(&ctx::state()?.pool, caller, ctx::ip(), id, &assignee).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "add_lead_note")]
pub async fn add_lead_note(id: Uuid, body: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    let result = async {
        let caller = server::auth::require(EditLeads).await?;
        server::leads::add_note(&ctx::state()?.pool, caller, ctx::ip(), id, &body).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "delete_lead")]
pub async fn delete_lead(id: Uuid) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::DeleteLeads, server};
    let result = async {
        let caller = server::auth::require(DeleteLeads).await?;
        server::leads::delete(&ctx::state()?.pool, caller, ctx::ip(), id).await
    }
    .await;
    if result.is_ok() {
        leptos_axum::redirect("/leads");
    }
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "preview_import")]
pub async fn preview_import(id: Uuid) -> Result<ImportPreview, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ImportLeads, server};
    let result = async {
        let caller = server::auth::require(ImportLeads).await?;
        ctx::once(format!("preview_import/{id:?}"), async {
            server::leads::import::preview(&ctx::state()?.pool, caller, id).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "run_import")]
pub async fn run_import(id: Uuid, duplicates: String) -> Result<ImportReport, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ImportLeads, server};
    let result = async {
        let caller = server::auth::require(ImportLeads).await?;
        let merge = match duplicates.as_str() {
            "merge" => true,
            "skip" => false,
            _ => return Err(AppError::field("duplicates", "Choose merge or skip.")),
        };
        server::leads::import::run(&ctx::state()?.pool, caller, ctx::ip(), id, merge).await
    }
    .await;
    ctx::finish(result)
}
