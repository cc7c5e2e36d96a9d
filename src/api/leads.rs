use crate::error::AppError;
use crate::model::{ImportPreview, ImportReport, LeadInput, LeadList, LeadQuery, LeadView};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_leads")]
pub async fn list_leads(query: LeadQuery) -> Result<LeadList, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewLeads, server};
    ctx::guarded(ViewLeads, |who, state| async move {
        ctx::once(format!("list_leads/{query:?}"), async {
            server::leads::list(&state.pool, who.caller, &query).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_lead")]
pub async fn get_lead(id: Uuid) -> Result<LeadView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewLeads, server};
    ctx::guarded(ViewLeads, |who, state| async move {
        ctx::once(format!("get_lead/{id}"), async {
            server::leads::view(&state.pool, who.caller, who.ip, id).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "create_lead")]
pub async fn create_lead(input: LeadInput) -> Result<Uuid, AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    ctx::guarded(EditLeads, |who, state| async move {
        server::leads::create(&state.pool, who.caller, who.ip, &input).await
    })
    .await
    .inspect(|id| leptos_axum::redirect(&format!("/leads/{id}")))
}

#[server(prefix = "/api", endpoint = "update_lead")]
pub async fn update_lead(id: Uuid, input: LeadInput) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    ctx::guarded(EditLeads, |who, state| async move {
        server::leads::update(&state.pool, who.caller, who.ip, id, &input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "set_lead_status")]
pub async fn set_lead_status(id: Uuid, status: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    ctx::guarded(EditLeads, |who, state| async move {
        server::leads::set_status(&state.pool, who.caller, who.ip, id, &status).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "assign_lead")]
pub async fn assign_lead(id: Uuid, assignee: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::AssignLeads, server};
    ctx::guarded(AssignLeads, |who, state| async move {
        server::leads::assign(&state.pool, who.caller, who.ip, id, &assignee).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_lead_note")]
pub async fn add_lead_note(id: Uuid, body: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditLeads, server};
    ctx::guarded(EditLeads, |who, state| async move {
        server::leads::add_note(&state.pool, who.caller, who.ip, id, &body).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "delete_lead")]
pub async fn delete_lead(id: Uuid) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::DeleteLeads, server};
    ctx::guarded(DeleteLeads, |who, state| async move {
        server::leads::delete(&state.pool, who.caller, who.ip, id).await
    })
    .await
    .inspect(|()| leptos_axum::redirect("/leads"))
}

#[server(prefix = "/api", endpoint = "preview_import")]
pub async fn preview_import(id: Uuid) -> Result<ImportPreview, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ImportLeads, server};
    ctx::guarded(ImportLeads, |who, state| async move {
        ctx::once(format!("preview_import/{id:?}"), async {
            server::leads::import::preview(&state.pool, who.caller, id).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "run_import")]
pub async fn run_import(id: Uuid, duplicates: String) -> Result<ImportReport, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ImportLeads, server};
    ctx::guarded(ImportLeads, |who, state| async move {
        let merge = match duplicates.as_str() {
            "merge" => true,
            "skip" => false,
            _ => return Err(AppError::field("duplicates", "Choose merge or skip.")),
        };
        server::leads::import::run(&state.pool, who.caller, who.ip, id, merge).await
    })
    .await
}
