//! WhatsApp Cloud API webhooks: the GET verification challenge, and POSTs signed with
//! `X-Hub-Signature-256` over the raw body.

use super::{signature, HookError};
use crate::model::{Channel, E164};
use crate::server::messaging::{inbound, settings};
use crate::server::{db, AppState};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;

/// `GET /hooks/whatsapp/{org}?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
pub async fn verify(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, HookError> {
    let org_id = db::orgs::id_by_slug(&state.pool, &slug)
        .await?
        .ok_or(HookError::UnknownOrganisation)?;
    let settings = settings::load(&state.pool, state.config.data_key.as_ref(), org_id).await?;
    let expected = settings
        .whatsapp_verify_token
        .ok_or(HookError::BadSignature)?;
    let given = query.get("hub.verify_token").map(String::as_str);
    match (
        query.get("hub.mode").map(String::as_str),
        given,
        query.get("hub.challenge"),
    ) {
        (Some("subscribe"), Some(token), Some(challenge))
            if signature::same_secret(token.as_bytes(), expected.as_bytes()) =>
        {
            Ok((StatusCode::OK, challenge.clone()).into_response())
        }
        _ => Err(HookError::BadSignature),
    }
}

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    entry: Vec<Entry>,
}
#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}
#[derive(Deserialize)]
struct Change {
    value: Value,
}
#[derive(Deserialize)]
struct Value {
    /// Read one by one: a bad entry is skipped, not the batch.
    #[serde(default)]
    messages: Vec<serde_json::Value>,
}
#[derive(Deserialize)]
struct Message {
    from: String,
    id: String,
    #[serde(rename = "type", default)]
    kind: String,
    text: Option<Text>,
}
#[derive(Deserialize)]
struct Text {
    body: String,
}

/// `POST /hooks/whatsapp/{org}`: stores each message; status updates are acknowledged. An
/// entry that cannot be read (no sender, not a number) is skipped and logged, and the
/// rest are stored: answering 400 would make Meta resend the whole batch, or give up on
/// the good ones. A database failure answers 500 so the batch comes again, which is safe:
/// messages are stored once by their id.
pub async fn receive(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HookError> {
    let org_id = db::orgs::id_by_slug(&state.pool, &slug)
        .await?
        .ok_or(HookError::UnknownOrganisation)?;
    let settings = settings::load(&state.pool, state.config.data_key.as_ref(), org_id).await?;
    let secret = settings
        .whatsapp_app_secret
        .ok_or(HookError::BadSignature)?;
    let header = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .ok_or(HookError::BadSignature)?;
    if !signature::whatsapp_valid(&secret, &body, header) {
        return Err(HookError::BadSignature);
    }
    let payload: Payload = serde_json::from_slice(&body)
        .map_err(|e| HookError::Malformed(format!("Not a WhatsApp payload: {e}")))?;
    let country = db::orgs::profile(&state.pool, org_id).await?.country;
    for entry in payload
        .entry
        .into_iter()
        .flat_map(|e| e.changes)
        .flat_map(|c| c.value.messages)
    {
        let Ok(message) = serde_json::from_value::<Message>(entry) else {
            tracing::warn!("a WhatsApp entry without a sender or id was skipped");
            continue;
        };
        let Ok(from) = E164::parse(
            &format!("+{}", message.from.trim_start_matches('+')),
            &country,
        ) else {
            tracing::warn!("a WhatsApp entry whose sender is not a phone number was skipped");
            continue;
        };
        let body = match (&message.text, message.kind.as_str()) {
            (Some(text), _) => text.body.clone(),
            (None, kind) => format!("[{kind} message]"),
        };
        let media_count = i32::from(!matches!(message.kind.as_str(), "text" | ""));
        let inbound = inbound::InboundMessage {
            org_id,
            channel: Channel::Whatsapp,
            provider_id: &message.id,
            from: &from,
            body: &body,
            media_count,
        };
        inbound::receive(&state.pool, inbound).await?;
    }
    Ok(StatusCode::OK.into_response())
}
