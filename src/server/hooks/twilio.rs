//! `POST /hooks/twilio/{org}/{sms,status,voice,transcription}` in Twilio's format
//! (SignalWire sends the same). Every request's signature is checked before anything else.

use super::twilio_request::{phone, required, twiml, verify, xml};
use super::{form, HookError};
use crate::model::Channel;
use crate::server::messaging::{events, inbound};
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use uuid::Uuid;

pub async fn sms(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HookError> {
    let v = verify(&state, &slug, &uri, &headers, &body).await?;
    let sid = required(&v.fields, &["MessageSid", "SmsSid"])?;
    let from = phone(required(&v.fields, &["From"])?, &v.country)?;
    let media_count = form::get(&v.fields, "NumMedia")
        .unwrap_or("0")
        .parse::<i32>()
        .unwrap_or(0)
        .clamp(0, 100);
    let message = inbound::InboundMessage {
        org_id: v.org_id,
        channel: Channel::Sms,
        provider_id: sid,
        from: &from,
        body: form::get(&v.fields, "Body").unwrap_or_default(),
        media_count,
    };
    inbound::receive(&state.pool, message).await?;
    Ok(twiml())
}

/// `MessageStatus` callbacks. The callback address names our message (`?m=`), and the
/// address is covered by the signature, so a send whose answer was lost (its message
/// `sending` or `unknown`, no provider id) is settled by the carrier's report.
pub async fn status(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HookError> {
    let v = verify(&state, &slug, &uri, &headers, &body).await?;
    let sid = required(&v.fields, &["MessageSid", "SmsSid"])?;
    let named: Option<Uuid> = uri
        .query()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("m=")))
        .and_then(|id| id.parse().ok());
    let status = match required(&v.fields, &["MessageStatus", "SmsStatus"])? {
        "sent" => "sent",
        "delivered" => "delivered",
        "failed" | "undelivered" => "failed",
        // The carrier has it: news only for a send whose answer we never read.
        "queued" | "accepted" | "sending" => "carrier_has_it",
        _ => return Ok(twiml()),
    };
    let reason = form::get(&v.fields, "ErrorCode").map(|code| format!("carrier error {code}"));
    let mut tx = state.pool.begin().await?;
    // Callbacks can arrive out of order: never move back from delivered or failed.
    let conversation: Option<Option<Uuid>> = sqlx::query_scalar(
        "UPDATE messages SET
             status = CASE WHEN $3 = 'carrier_has_it' THEN 'sent' ELSE $3 END::delivery_status,
             status_reason = CASE WHEN status IN ('sending', 'unknown') THEN $4 ELSE coalesce($4, status_reason) END,
             provider_message_id = coalesce(provider_message_id, $2)
         WHERE org_id = $1 AND direction = 'outbound'
           AND (provider_message_id = $2 OR (id = $5 AND provider_message_id IS NULL))
           AND status NOT IN ('delivered', 'failed')
           AND ($3 <> 'carrier_has_it' OR status IN ('sending', 'unknown'))
           AND status::text <> $3
         RETURNING conversation_id",
    )
    .bind(v.org_id)
    .bind(sid)
    .bind(status)
    .bind(reason)
    .bind(named)
    .fetch_optional(&mut *tx)
    .await?;
    // A text addressed to a number has no conversation to announce.
    if let Some(Some(conversation)) = conversation {
        events::notify(&mut tx, v.org_id, conversation).await?;
    }
    tx.commit().await?;
    Ok(twiml())
}

pub async fn voice(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HookError> {
    let v = verify(&state, &slug, &uri, &headers, &body).await?;
    let sid = required(&v.fields, &["CallSid"])?;
    let from = required(&v.fields, &["From"])?;
    let to = form::get(&v.fields, "To").unwrap_or_default();
    let outbound = form::get(&v.fields, "Direction").is_some_and(|d| d.starts_with("outbound"));
    let customer = phone(if outbound { to } else { from }, &v.country)?;
    let status = form::get(&v.fields, "CallStatus").unwrap_or("unknown");
    let duration = form::get(&v.fields, "CallDuration").and_then(|d| d.parse::<i32>().ok());
    let mut tx = state.pool.begin().await?;
    let lead =
        inbound::lead_for_phone(&mut tx, v.org_id, &customer, crate::model::LeadSource::Call)
            .await?;
    let conversation = inbound::conversation_for(&mut tx, v.org_id, lead, Channel::Voice).await?;
    sqlx::query(
        "INSERT INTO calls (org_id, conversation_id, provider_call_id, from_number, to_number, direction, duration_secs, status)
         VALUES ($1, $2, $3, $4, $5, $6::message_direction, $7, $8)
         ON CONFLICT (org_id, provider_call_id) DO UPDATE
             SET status = CASE WHEN call_status_rank(EXCLUDED.status) >= call_status_rank(calls.status)
                               THEN EXCLUDED.status ELSE calls.status END,
                 duration_secs = coalesce(EXCLUDED.duration_secs, calls.duration_secs)",
    )
    .bind(v.org_id)
    .bind(conversation)
    .bind(sid)
    .bind(from)
    .bind(to)
    .bind(if outbound { "outbound" } else { "inbound" })
    .bind(duration)
    .bind(status)
    .execute(&mut *tx)
    .await?;
    inbound::touch(&mut tx, conversation, inbound::Activity::Other).await?;
    events::notify(&mut tx, v.org_id, conversation).await?;
    tx.commit().await?;
    if !outbound && status == "ringing" {
        if let Some(answer) = super::voice_agent::answer(&state, &v, &slug, conversation).await? {
            return Ok(xml(answer));
        }
    }
    Ok(twiml())
}

pub async fn transcription(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HookError> {
    let v = verify(&state, &slug, &uri, &headers, &body).await?;
    let sid = required(&v.fields, &["CallSid"])?;
    let text = form::get(&v.fields, "TranscriptionText").unwrap_or_default();
    let mut tx = state.pool.begin().await?;
    let conversation: Option<Uuid> = sqlx::query_scalar(
        "UPDATE calls SET transcript = $3 WHERE org_id = $1 AND provider_call_id = $2 RETURNING conversation_id",
    )
    .bind(v.org_id)
    .bind(sid)
    .bind(text)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(conversation) = conversation {
        events::notify(&mut tx, v.org_id, conversation).await?;
    }
    tx.commit().await?;
    Ok(twiml())
}
