use crate::error::AppError;
use crate::model::{
    AuditPage, AuditQuery, CorrectionInput, ExecutionReport, PrivacyQuery, PrivacyRequestInput,
    PrivacyRequestPage, PrivacyRequestView, PrivacySettings, RetentionCounts,
};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "list_privacy_requests")]
pub async fn list_privacy_requests(query: PrivacyQuery) -> Result<PrivacyRequestPage, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ViewPrivacyRequests).await?;
        ctx::once(format!("list_privacy_requests/{query:?}"), async {
            server::privacy::requests::list(&ctx::state()?.pool, caller, &query).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "get_privacy_request")]
pub async fn get_privacy_request(id: Uuid) -> Result<PrivacyRequestView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ViewPrivacyRequests).await?;
        ctx::once(format!("get_privacy_request/{id}"), async {
            server::privacy::requests::view(&ctx::state()?.pool, caller, ctx::ip(), id).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

/// A request received by e-mail, phone or in person, entered by staff.
#[server(prefix = "/api", endpoint = "log_privacy_request")]
pub async fn log_privacy_request(input: PrivacyRequestInput) -> Result<Uuid, AppError> {
    use crate::server::privacy::{intake::receive, requests::By};
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ViewPrivacyRequests).await?;
        receive(
            &ctx::state()?.pool,
            caller.org_id,
            By::Staff(caller),
            ctx::ip(),
            &input,
        )
        .await
    }
    .await;
    if let Ok(id) = &result {
        leptos_axum::redirect(&format!("/privacy-requests/{id}"));
    }
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "send_privacy_code")]
pub async fn send_privacy_code(id: Uuid) -> Result<(), AppError> {
    use crate::server::privacy::{requests::By, verify};
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ProcessPrivacyRequests).await?;
        verify::resend(
            &ctx::state()?.pool,
            caller.org_id,
            id,
            By::Staff(caller),
            ctx::ip(),
        )
        .await
    }
    .await;
    ctx::finish(result)
}

/// The code the requester read out to staff (on the phone, say).
#[server(prefix = "/api", endpoint = "enter_privacy_code")]
pub async fn enter_privacy_code(id: Uuid, code: String) -> Result<(), AppError> {
    use crate::server::privacy::{requests::By, verify};
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ProcessPrivacyRequests).await?;
        verify::check(
            &ctx::state()?.pool,
            caller.org_id,
            id,
            &code,
            By::Staff(caller),
            ctx::ip(),
        )
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "assign_privacy_request")]
pub async fn assign_privacy_request(id: Uuid, assignee: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ProcessPrivacyRequests).await?;
        server::privacy::requests::assign(&ctx::state()?.pool, caller, ctx::ip(), id, &assignee)
            .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "reject_privacy_request")]
pub async fn reject_privacy_request(id: Uuid, reason: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ProcessPrivacyRequests).await?;
        server::privacy::requests::reject(&ctx::state()?.pool, caller, ctx::ip(), id, &reason).await
    }
    .await;
    ctx::finish(result)
}

/// Carries out the request (the one button of its kind); `correction` only for corrections.
#[server(prefix = "/api", endpoint = "execute_privacy_request")]
pub async fn execute_privacy_request(
    id: Uuid,
    #[server(default)] correction: CorrectionInput,
) -> Result<ExecutionReport, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ProcessPrivacyRequests).await?;
        server::privacy::execute::run(&ctx::state()?.pool, caller, ctx::ip(), id, &correction).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "lift_restriction")]
pub async fn lift_restriction(id: Uuid) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ProcessPrivacyRequests).await?;
        server::privacy::execute::lift(&ctx::state()?.pool, caller, ctx::ip(), id).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "get_privacy_settings")]
pub async fn get_privacy_settings() -> Result<(PrivacySettings, RetentionCounts), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ViewPrivacyRequests).await?;
        ctx::once("get_privacy_settings".to_string(), async {
            let pool = &ctx::state()?.pool;
            let settings = server::privacy::settings::load(pool, caller.org_id).await?;
            let preview = server::privacy::retention::preview(pool, caller.org_id).await?;
            Ok((settings, preview))
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "save_privacy_settings")]
pub async fn save_privacy_settings(input: PrivacySettings) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageRetention, server};
    let result = async {
        let caller = server::auth::require(ManageRetention).await?;
        server::privacy::settings::save(&ctx::state()?.pool, caller, ctx::ip(), &input).await
    }
    .await;
    ctx::finish(result)
}

/// Runs retention for the organisation now (the scheduler also does, hourly).
#[server(prefix = "/api", endpoint = "run_retention_now")]
pub async fn run_retention_now() -> Result<RetentionCounts, AppError> {
    use crate::server::db::audit::Actor;
    use crate::{api::ctx, rules::authz::Capability::ManageRetention, server};
    let result = async {
        let caller = server::auth::require(ManageRetention).await?;
        server::privacy::retention::run(
            &ctx::state()?.pool,
            caller.org_id,
            Actor::User(caller.user_id),
            ctx::ip(),
        )
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "A retention run is already under way; try again in a minute.".into(),
            )
        })
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "list_audit_events")]
pub async fn list_audit_events(query: AuditQuery) -> Result<AuditPage, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewAuditLog, server};
    let result = async {
        let caller = server::auth::require(ViewAuditLog).await?;
        ctx::once(format!("list_audit_events/{query:?}"), async {
            server::privacy::audit_log::page(&ctx::state()?.pool, caller, &query).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

/// The public request page: files a request and sends the code.
#[server(prefix = "/api", endpoint = "file_privacy_request")]
pub async fn file_privacy_request(org: String, input: PrivacyRequestInput) -> Result<(), AppError> {
    use crate::server::privacy::{intake::receive, requests::By};
    use crate::{api::ctx, server};
    let result = async {
        let pool = &ctx::state()?.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let id = receive(pool, org_id, By::Requester, ctx::ip(), &input).await?;
        leptos_axum::redirect(&format!(
            "/privacy/{}/verify?request={id}",
            crate::rules::url::encode(org.trim())
        ));
        Ok(())
    }
    .await;
    ctx::finish(result)
}

/// The requester proves who they are with the code they received.
#[server(prefix = "/api", endpoint = "verify_privacy_request")]
pub async fn verify_privacy_request(
    org: String,
    request: Uuid,
    code: String,
) -> Result<(), AppError> {
    use crate::server::privacy::{requests::By, verify};
    use crate::{api::ctx, server};
    let result = async {
        let pool = &ctx::state()?.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        verify::check(pool, org_id, request, &code, By::Requester, ctx::ip()).await?;
        leptos_axum::redirect(&format!(
            "/privacy/{}/verify?request={request}&verified=1",
            crate::rules::url::encode(org.trim())
        ));
        Ok(())
    }
    .await;
    ctx::finish(result)
}

/// "Send me a new code" on the public page.
#[server(prefix = "/api", endpoint = "resend_privacy_code")]
pub async fn resend_privacy_code(org: String, request: Uuid) -> Result<(), AppError> {
    use crate::server::privacy::{requests::By, verify};
    use crate::{api::ctx, server};
    let result = async {
        let pool = &ctx::state()?.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        verify::resend(pool, org_id, request, By::Requester, ctx::ip()).await
    }
    .await;
    ctx::finish(result)
}

/// The organisation's name for the public page; `NotFound` for an unknown one.
#[server(prefix = "/api", endpoint = "privacy_page_org")]
pub async fn privacy_page_org(org: String) -> Result<String, AppError> {
    use crate::{api::ctx, server};
    let result = async {
        let pool = &ctx::state()?.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(server::db::orgs::profile(pool, org_id).await?.name)
    }
    .await;
    ctx::finish(result)
}

/// Mail the built-in local mail provider "sent" (it delivers nowhere): what a requester
/// would have received, for trying things out.
#[server(prefix = "/api", endpoint = "simulated_mail")]
pub async fn simulated_mail(
) -> Result<Vec<(String, String, String, chrono::DateTime<chrono::Utc>)>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ProcessPrivacyRequests, server};
    let result = async {
        let caller = server::auth::require(ProcessPrivacyRequests).await?;
        let mut conn = ctx::state()?.pool.acquire().await?;
        server::db::audit::record_view(
            &mut conn,
            server::db::audit::Event::by(
                caller,
                ctx::ip(),
                "privacy.mail_viewed",
                ("outbound_mail", "list".into()),
                serde_json::json!({}),
            ),
        )
        .await?;
        Ok(sqlx::query_as(
            "SELECT recipient, subject, body, created_at FROM outbound_mail WHERE org_id = $1 ORDER BY created_at DESC LIMIT 50",
        )
        .bind(caller.org_id)
        .fetch_all(&mut *conn)
        .await?)
    }
    .await;
    ctx::finish(result)
}
