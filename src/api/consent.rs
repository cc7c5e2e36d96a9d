use crate::error::AppError;
use crate::model::{
    BlockedSend, ConsentNumberRow, ConsentWording, EvidencePacket, NumberConsent, Page,
    PublicConsentForm, PublicConsentInput, RecordConsentInput, RecordOptOutInput, Verification,
};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "search_consent")]
pub async fn search_consent(q: String) -> Result<Vec<ConsentNumberRow>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConsent, server};
    ctx::guarded(ViewConsent, |who, state| async move {
        ctx::once(format!("search_consent/{q:?}"), async {
            server::consent::views::search(&state.pool, who.caller, &q).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_number_consent")]
pub async fn get_number_consent(phone: String) -> Result<NumberConsent, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConsent, server};
    ctx::guarded(ViewConsent, |who, state| async move {
        ctx::once(format!("get_number_consent/{phone}"), async {
            let pool = &state.pool;
            let phone = server::consent::views::number(pool, who.caller, &phone).await?;
            server::consent::views::number_page(pool, who.caller, who.ip, &phone).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "record_consent")]
pub async fn record_consent(input: RecordConsentInput) -> Result<i64, AppError> {
    use crate::{api::ctx, rules::authz::Capability::RecordConsent, server};
    ctx::guarded(RecordConsent, |who, state| async move {
        server::consent::record::grant(&state.pool, who.caller, who.ip, &input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "record_opt_out")]
pub async fn record_opt_out(input: RecordOptOutInput) -> Result<usize, AppError> {
    use crate::{api::ctx, rules::authz::Capability::RecordOptOut, server};
    ctx::guarded(RecordOptOut, |who, state| async move {
        server::consent::record::opt_out(&state.pool, who.caller, who.ip, &input)
            .await
            .map(|events| events.len())
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_evidence_packet")]
pub async fn get_evidence_packet(phone: String) -> Result<EvidencePacket, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ExportData, server};
    ctx::guarded(ExportData, |who, state| async move {
        ctx::once(format!("get_evidence_packet/{phone}"), async {
            let pool = &state.pool;
            let phone = server::consent::views::number(pool, who.caller, &phone).await?;
            server::consent::views::packet(pool, who.caller, who.ip, &phone).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "verify_consent_ledger")]
pub async fn verify_consent_ledger() -> Result<Verification, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ReviewConsent, server};
    ctx::guarded(ReviewConsent, |who, state| async move {
        ctx::once("verify_consent_ledger".to_string(), async {
            server::consent::views::verify_ledger(&state.pool, who.caller, who.ip).await
        })
        .await
    })
    .await
}

/// Checks a signed head saved earlier: genuine, and the ledger unchanged up to it.
#[server(prefix = "/api", endpoint = "check_ledger_head")]
pub async fn check_ledger_head(head: String) -> Result<String, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ReviewConsent, server};
    ctx::guarded(ReviewConsent, |who, state| async move {
        let head: server::consent::SignedHead =
            serde_json::from_str(head.trim()).map_err(|_| {
                AppError::field(
                    "head",
                    "Paste the whole file you downloaded (it starts with {).",
                )
            })?;
        match server::consent::check_signed_head(&state.pool, who.caller.org_id, &head).await? {
            Ok(()) => Ok(format!(
                "Genuine, and nothing up to event {} (signed {}) has changed since.",
                head.seq, head.at
            )),
            Err(why) => Err(AppError::Conflict(why)),
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "blocked_sends")]
pub async fn blocked_sends(cursor: String) -> Result<Page<BlockedSend>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ReviewConsent, server};
    ctx::guarded(ReviewConsent, |who, state| async move {
        ctx::once(format!("blocked_sends/{cursor:?}"), async {
            server::consent::views::blocked(&state.pool, who.caller, &cursor).await
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "consent_wordings")]
pub async fn consent_wordings() -> Result<Vec<ConsentWording>, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewConsent, server};
    ctx::guarded(ViewConsent, |who, state| async move {
        ctx::once("consent_wordings".to_string(), async {
            let mut conn = state.pool.acquire().await?;
            Ok(server::consent::wording::load(&mut conn, who.caller.org_id).await?)
        })
        .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_consent_wording")]
pub async fn save_consent_wording(category: String, text: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::EditConsentWording, server};
    ctx::guarded(EditConsentWording, |who, state| async move {
        server::consent::wording::save(&state.pool, who.caller, who.ip, &category, &text).await
    })
    .await
}

/// The public form's content: no sign-in.
#[server(prefix = "/api", endpoint = "get_public_consent_form")]
pub async fn get_public_consent_form(org: String) -> Result<PublicConsentForm, AppError> {
    use crate::{api::ctx, server};
    ctx::public(|state, _| async move {
        let pool = &state.pool;
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
    })
    .await
}

/// A visitor's agreement from the public form: it waits for the number's YES, and the page
/// says so (or, for a number that opted out, how to opt back in).
#[server(prefix = "/api", endpoint = "give_consent")]
pub async fn give_consent(input: PublicConsentInput) -> Result<(), AppError> {
    use crate::{api::ctx, server};
    ctx::public(|state, ip| async move {
        let user_agent = use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        use server::consent::record::{public_form, FormOutcome};
        let outcome = public_form(&state.pool, ip, user_agent.as_deref(), &input).await?;
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
    })
    .await
}
