use crate::error::AppError;
use crate::model::{
    BlockedPage, ConsentNumberRow, ConsentWording, EvidencePacket, NumberConsent,
    PublicConsentForm, PublicConsentInput, RecordConsentInput, RecordOptOutInput, Verification,
};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "search_consent")]
pub async fn search_consent(q: String) -> Result<Vec<ConsentNumberRow>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConsent, server};
    let result = async {
        let caller = server::auth::require(ViewConsent).await?;
        ctx::once(format!("search_consent/{q:?}"), async {
            server::consent::views::search(&ctx::state()?.pool, caller, &q).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "get_number_consent")]
pub async fn get_number_consent(phone: String) -> Result<NumberConsent, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConsent, server};
    let result = async {
        let caller = server::auth::require(ViewConsent).await?;
        ctx::once(format!("get_number_consent/{phone}"), async {
            let pool = &ctx::state()?.pool;
            let phone = server::consent::views::number(pool, caller, &phone).await?;
            server::consent::views::number_page(pool, caller, ctx::ip(), &phone).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "record_consent")]
pub async fn record_consent(input: RecordConsentInput) -> Result<i64, AppError> {
    use crate::{api::ctx, rules::authz::Capability::RecordConsent, server};
    let result = async {
        let caller = server::auth::require(RecordConsent).await?;
        server::consent::record::grant(&ctx::state()?.pool, caller, ctx::ip(), &input).await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "record_opt_out")]
pub async fn record_opt_out(input: RecordOptOutInput) -> Result<usize, AppError> {
    use crate::{api::ctx, rules::authz::Capability::RecordOptOut, server};
    let result = async {
        let caller = server::auth::require(RecordOptOut).await?;
        server::consent::record::opt_out(&ctx::state()?.pool, caller, ctx::ip(), &input)
            .await
            .map(|events| events.len())
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "get_evidence_packet")]
pub async fn get_evidence_packet(phone: String) -> Result<EvidencePacket, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ExportData, server};
    let result = async {
        let caller = server::auth::require(ExportData).await?;
        ctx::once(format!("get_evidence_packet/{phone}"), async {
            let pool = &ctx::state()?.pool;
            let phone = server::consent::views::number(pool, caller, &phone).await?;
            server::consent::views::packet(pool, caller, ctx::ip(), &phone).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "verify_consent_ledger")]
pub async fn verify_consent_ledger() -> Result<Verification, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ReviewConsent, server};
    let result = async {
        let caller = server::auth::require(ReviewConsent).await?;
        ctx::once("verify_consent_ledger".to_string(), async {
            server::consent::views::verify_ledger(&ctx::state()?.pool, caller, ctx::ip()).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

/// Checks a signed head saved earlier: genuine, and the ledger unchanged up to it.
#[server(prefix = "/api", endpoint = "check_ledger_head")]
pub async fn check_ledger_head(head: String) -> Result<String, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ReviewConsent, server};
    let result = async {
        let caller = server::auth::require(ReviewConsent).await?;
        let head: server::consent::SignedHead =
            serde_json::from_str(head.trim()).map_err(|_| {
                AppError::field(
                    "head",
                    "Paste the whole file you downloaded (it starts with {).",
                )
            })?;
        match server::consent::check_signed_head(&ctx::state()?.pool, caller.org_id, &head).await? {
            Ok(()) => Ok(format!(
                "Genuine, and nothing up to event {} (signed {}) has changed since.",
                head.seq, head.at
            )),
            Err(why) => Err(AppError::Conflict(why)),
        }
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "blocked_sends")]
pub async fn blocked_sends(cursor: String) -> Result<BlockedPage, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ReviewConsent, server};
    let result = async {
        let caller = server::auth::require(ReviewConsent).await?;
        ctx::once(format!("blocked_sends/{cursor:?}"), async {
            server::consent::views::blocked(&ctx::state()?.pool, caller, &cursor).await
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "consent_wordings")]
pub async fn consent_wordings() -> Result<Vec<ConsentWording>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConsent, server};
    let result = async {
        let caller = server::auth::require(ViewConsent).await?;
        ctx::once("consent_wordings".to_string(), async {
            let mut conn = ctx::state()?.pool.acquire().await?;
            Ok(server::consent::wording::load(&mut conn, caller.org_id).await?)
        })
        .await
    }
    .await;
    ctx::finish(result)
}

#[server(prefix = "/api", endpoint = "save_consent_wording")]
pub async fn save_consent_wording(category: String, text: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditConsentWording, server};
    let result = async {
        let caller = server::auth::require(EditConsentWording).await?;
        server::consent::wording::save(&ctx::state()?.pool, caller, ctx::ip(), &category, &text)
            .await
    }
    .await;
    ctx::finish(result)
}

/// The public form's content: no sign-in.
#[server(prefix = "/api", endpoint = "get_public_consent_form")]
pub async fn get_public_consent_form(org: String) -> Result<PublicConsentForm, AppError> {
    use crate::{api::ctx, server};
    let result = async {
        let pool = &ctx::state()?.pool;
        let org_id = server::db::orgs::id_by_slug(pool, org.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let mut conn = pool.acquire().await?;
        let text_number: Option<String> =
            sqlx::query_scalar("SELECT phone_numbers[1] FROM messaging_settings WHERE org_id = $1")
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?
                .flatten();
        Ok(PublicConsentForm {
            org_name: server::db::orgs::profile(&mut *conn, org_id).await?.name,
            wordings: server::consent::wording::load(&mut conn, org_id).await?,
            text_number: text_number.map(|n| crate::model::E164::from_stored(n).display()),
        })
    }
    .await;
    ctx::finish(result)
}

/// A visitor's agreement from the public form: it waits for the number's YES, and the page
/// says so (or, for a number that opted out, how to opt back in).
#[server(prefix = "/api", endpoint = "give_consent")]
pub async fn give_consent(input: PublicConsentInput) -> Result<(), AppError> {
    use crate::{api::ctx, server};
    let result = async {
        let user_agent = use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        use server::consent::record::{public_form, FormOutcome};
        let outcome = public_form(
            &ctx::state()?.pool,
            ctx::ip(),
            user_agent.as_deref(),
            &input,
        )
        .await?;
        let query = match outcome {
            FormOutcome::Pending { categories } => format!(
                "pending={}",
                categories
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            FormOutcome::OptedOut => "opted_out=1".to_string(),
        };
        leptos_axum::redirect(&format!(
            "/consent/{}?{query}",
            crate::rules::url::encode(input.org.trim())
        ));
        Ok(())
    }
    .await;
    ctx::finish(result)
}
