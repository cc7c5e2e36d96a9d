use crate::error::AppError;
use crate::model::{
    AuditList, AuditQuery, CorrectionInput, ExecutionReport, PrivacyQuery, PrivacyRequestInput,
    PrivacyRequestList, PrivacyRequestView, PrivacySettings, PublicPrivacyOrg, RetentionCounts,
};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_privacy_requests")]
pub async fn list_privacy_requests(query: PrivacyQuery) -> Result<PrivacyRequestList, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests, server};
    ctx::guarded(ViewPrivacyRequests, |who, state| async move {
        ctx::once(format!("list_privacy_requests/{query:?}"), async {
            server::privacy::requests::list(&state.pool, who.caller, &query).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_privacy_request")]
pub async fn get_privacy_request(id: Uuid) -> Result<PrivacyRequestView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests, server};
    ctx::guarded(ViewPrivacyRequests, |who, state| async move {
        ctx::once(format!("get_privacy_request/{id}"), async {
            server::privacy::requests::view(&state.pool, who.caller, who.ip, id).await
        })
        .await
    })
    .await
}

/// A request received by e-mail, phone or in person, entered by staff.
#[server(prefix = "/api", endpoint = "log_privacy_request")]
pub async fn log_privacy_request(input: PrivacyRequestInput) -> Result<Uuid, AppError> {
    use crate::server::privacy::{intake::receive, store::By};
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests};
    ctx::guarded(ViewPrivacyRequests, |who, state| async move {
        let (org_id, by) = (who.caller.org_id, By::Staff(who.caller));
        receive(&state.pool, org_id, by, who.ip, &input).await
    })
    .await
    .inspect(|id| leptos_axum::redirect(&format!("/privacy-requests/{id}")))
}

#[server(prefix = "/api", endpoint = "send_privacy_code")]
pub async fn send_privacy_code(id: Uuid) -> Result<(), AppError> {
    use crate::server::privacy::{store::By, verify};
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests};
    ctx::guarded(ProcessPrivacyRequests, |who, state| async move {
        let (org_id, by) = (who.caller.org_id, By::Staff(who.caller));
        verify::resend(&state.pool, org_id, id, by, who.ip).await
    })
    .await
}

/// The code the requester read out to staff (on the phone, say).
#[server(prefix = "/api", endpoint = "enter_privacy_code")]
pub async fn enter_privacy_code(id: Uuid, code: String) -> Result<(), AppError> {
    use crate::server::privacy::{store::By, verify};
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests};
    ctx::guarded(ProcessPrivacyRequests, |who, state| async move {
        let (org_id, by) = (who.caller.org_id, By::Staff(who.caller));
        verify::check(&state.pool, org_id, id, &code, by, who.ip).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "assign_privacy_request")]
pub async fn assign_privacy_request(id: Uuid, assignee: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    ctx::guarded(ProcessPrivacyRequests, |who, state| async move {
        server::privacy::requests::assign(&state.pool, who.caller, who.ip, id, &assignee).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "reject_privacy_request")]
pub async fn reject_privacy_request(id: Uuid, reason: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    ctx::guarded(ProcessPrivacyRequests, |who, state| async move {
        server::privacy::requests::reject(&state.pool, who.caller, who.ip, id, &reason).await
    })
    .await
}

/// Carries out the request (the one button of its kind); `correction` only for corrections.
#[server(prefix = "/api", endpoint = "execute_privacy_request")]
pub async fn execute_privacy_request(
    id: Uuid,
    #[server(default)] correction: CorrectionInput,
) -> Result<ExecutionReport, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    ctx::guarded(ProcessPrivacyRequests, |who, state| async move {
        server::privacy::execute::run(&state.pool, who.caller, who.ip, id, &correction).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "lift_restriction")]
pub async fn lift_restriction(id: Uuid) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    ctx::guarded(ProcessPrivacyRequests, |who, state| async move {
        server::privacy::restrict::lift(&state.pool, who.caller, who.ip, id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_privacy_settings")]
pub async fn get_privacy_settings() -> Result<(PrivacySettings, RetentionCounts), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests, server};
    ctx::guarded(ViewPrivacyRequests, |who, state| async move {
        ctx::once("get_privacy_settings".to_string(), async {
            let (pool, org_id) = (&state.pool, who.caller.org_id);
            let settings = server::privacy::settings::load(pool, org_id).await?;
            let preview = server::privacy::retention::preview(pool, org_id).await?;
            Ok((settings, preview))
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_privacy_settings")]
pub async fn save_privacy_settings(input: PrivacySettings) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageRetention, server};
    ctx::guarded(ManageRetention, |who, state| async move {
        server::privacy::settings::save(&state.pool, who.caller, who.ip, &input).await
    })
    .await
}

/// Runs retention for the organisation now (the scheduler also does, hourly).
#[server(prefix = "/api", endpoint = "run_retention_now")]
pub async fn run_retention_now() -> Result<RetentionCounts, AppError> {
    use crate::server::db::audit::Actor;
    use crate::{api::ctx, rules::authz::Capability::ManageRetention, server};
    ctx::guarded(ManageRetention, |who, state| async move {
        let (org_id, actor) = (who.caller.org_id, Actor::User(who.caller.user_id));
        server::privacy::retention::run(&state.pool, org_id, actor, who.ip)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "A retention run is already under way; try again in a minute.".into(),
                )
            })
    })
    .await
}

#[server(prefix = "/api", endpoint = "list_audit_events")]
pub async fn list_audit_events(query: AuditQuery) -> Result<AuditList, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewAuditLog, server};
    ctx::guarded(ViewAuditLog, |who, state| async move {
        ctx::once(format!("list_audit_events/{query:?}"), async {
            server::privacy::audit_log::page(&state.pool, who.caller, &query).await
        })
        .await
    })
    .await
}

/// The public request page: files a request and sends the code.
#[server(prefix = "/api", endpoint = "file_privacy_request")]
pub async fn file_privacy_request(org: String, input: PrivacyRequestInput) -> Result<(), AppError> {
    use crate::server::privacy::{intake::receive, store::By};
    use crate::{api::ctx, server};
    ctx::public(|state, ip| async move {
        let pool = &state.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let id = receive(pool, org_id, By::Requester, ip, &input).await?;
        leptos_axum::redirect(&format!(
            "/privacy/{}/verify?request={id}",
            crate::rules::url::encode(org.trim())
        ));
        Ok(())
    })
    .await
}

/// The requester proves who they are with the code they received.
#[server(prefix = "/api", endpoint = "verify_privacy_request")]
pub async fn verify_privacy_request(
    org: String,
    request: Uuid,
    code: String,
) -> Result<(), AppError> {
    use crate::server::privacy::{store::By, verify};
    use crate::{api::ctx, server};
    ctx::public(|state, ip| async move {
        let pool = &state.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        verify::check(pool, org_id, request, &code, By::Requester, ip).await?;
        leptos_axum::redirect(&format!(
            "/privacy/{}/verify?request={request}&verified=1",
            crate::rules::url::encode(org.trim())
        ));
        Ok(())
    })
    .await
}

/// "Send me a new code" on the public page.
#[server(prefix = "/api", endpoint = "resend_privacy_code")]
pub async fn resend_privacy_code(org: String, request: Uuid) -> Result<(), AppError> {
    use crate::server::privacy::{store::By, verify};
    use crate::{api::ctx, server};
    ctx::public(|state, ip| async move {
        let pool = &state.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        verify::resend(pool, org_id, request, By::Requester, ip).await
    })
    .await
}

/// The organisation's name and AI processor for the public page; `NotFound` for an
/// unknown one.
#[server(prefix = "/api", endpoint = "privacy_page_org")]
pub async fn privacy_page_org(org: String) -> Result<PublicPrivacyOrg, AppError> {
    use crate::{api::ctx, server};
    ctx::public(|state, _| async move {
        let pool = &state.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let name = server::db::orgs::profile(pool, org_id).await?.name;
        let key = state.config.data_key.as_ref();
        let ai = server::assistant::disclosure::processor(pool, key, org_id).await?;
        Ok(PublicPrivacyOrg { name, ai })
    })
    .await
}

/// Mail the built-in local mail provider "sent" (it delivers nowhere): what a requester
/// would have received, for trying things out.
#[server(prefix = "/api", endpoint = "simulated_mail")]
pub async fn simulated_mail(
) -> Result<Vec<(String, String, String, chrono::DateTime<chrono::Utc>)>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    ctx::guarded(ProcessPrivacyRequests, |who, state| async move {
        let mut conn = state.pool.acquire().await?;
        server::db::audit::record_view(
            &mut conn,
            server::db::audit::AuditEvent::by(
                who.caller,
                who.ip,
                crate::model::AuditAction::PrivacyMailViewed,
                (crate::model::AuditObject::OutboundMail, "list".into()),
                serde_json::json!({}),
            ),
        )
        .await?;
        Ok(sqlx::query_as(
            "SELECT recipient, subject, body, created_at FROM outbound_mail WHERE org_id = $1 ORDER BY created_at DESC LIMIT 50",
        )
        .bind(who.caller.org_id)
        .fetch_all(&mut *conn)
        .await?)
    })
    .await
}
