//! The voice agent's side of the Twilio voice webhook: the greeting when a call comes in
//! (from `twilio::voice`) and `POST /hooks/twilio/{org}/voice/gather`, each turn of speech.
//! Every turn's signature is checked like any carrier request's.

use super::twilio_request::{required, verify, xml, Verified};
use super::HookError;
use crate::server::assistant::{settings, voice};
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use uuid::Uuid;

fn gather_url(v: &Verified, slug: &str) -> String {
    format!("{}/hooks/twilio/{slug}/voice/gather", v.base)
}

/// The TwiML that answers an inbound call when the autopilot answers calls; none when it
/// does not (the carrier then does what the number is set up to do).
pub(super) async fn answer(
    state: &AppState,
    v: &Verified,
    slug: &str,
    conversation: Uuid,
) -> Result<Option<String>, HookError> {
    let config = settings::load(&state.pool, state.config.data_key.as_ref(), v.org_id).await?;
    if !config.autopilot_on(crate::model::Channel::Voice) {
        return Ok(None);
    }
    let withheld: bool = sqlx::query_scalar(
        "SELECT l.restricted_at IS NOT NULL OR l.erased_at IS NOT NULL
         FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1",
    )
    .bind(conversation)
    .fetch_one(&state.pool)
    .await?;
    if withheld {
        // Nothing of a restricted person goes to the assistant: straight to a person.
        return Ok(Some(voice::connect(
            "Connecting you to our team.",
            config.transfer_number.as_deref(),
        )));
    }
    let store: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(v.org_id)
        .fetch_one(&state.pool)
        .await?;
    Ok(Some(voice::greeting(
        &store,
        config.calls_recorded,
        &gather_url(v, slug),
    )))
}

pub async fn gather(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HookError> {
    let v = verify(&state, &slug, &uri, &headers, &body).await?;
    let sid = required(&v.fields, &["CallSid"])?;
    let speech = super::form::get(&v.fields, "SpeechResult").unwrap_or_default();
    let config = settings::load(&state.pool, state.config.data_key.as_ref(), v.org_id).await?;
    let conversation: Option<Uuid> = sqlx::query_scalar(
        "SELECT conversation_id FROM calls WHERE org_id = $1 AND provider_call_id = $2",
    )
    .bind(v.org_id)
    .bind(sid)
    .fetch_optional(&state.pool)
    .await?;
    let transfer = config.transfer_number.as_deref();
    let twiml = match conversation {
        Some(conversation) if config.autopilot_on(crate::model::Channel::Voice) => {
            let action = gather_url(&v, &slug);
            voice::turn(&state.ai, &config, v.org_id, conversation, speech, &action).await?
        }
        _ => voice::connect("Connecting you to our team.", transfer),
    };
    Ok(xml(twiml))
}
