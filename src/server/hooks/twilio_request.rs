//! What every Twilio-format request goes through first: the organisation found, the form
//! read, and `X-Twilio-Signature` checked over the public URL; and the TwiML answers.

use super::{form, signature, HookError};
use crate::model::E164;
use crate::server::AppState;
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

pub(super) fn twiml() -> Response {
    xml(EMPTY_TWIML.to_string())
}

pub(super) fn xml(twiml: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], twiml).into_response()
}

pub(super) struct Verified {
    pub org_id: Uuid,
    pub country: String,
    pub fields: Vec<(String, String)>,
    /// The public address the carrier calls us at (for the voice agent's next turn).
    pub base: String,
}

/// Finds the organisation, reads the form and checks `X-Twilio-Signature` over the public
/// URL the carrier called (the original URI: nesting strips the `/hooks` prefix).
pub(super) async fn verify(
    state: &AppState,
    slug: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Verified, HookError> {
    // One query for everything the check needs: this runs for every carrier request.
    type Row = (Uuid, String, Option<Vec<u8>>, Option<String>);
    let org: Option<Row> = sqlx::query_as(
        "SELECT o.id, o.country, s.auth_token_enc, s.public_base_url
         FROM organisations o LEFT JOIN messaging_settings s ON s.org_id = o.id WHERE o.slug = $1",
    )
    .bind(slug)
    .fetch_optional(&state.pool)
    .await?;
    let (org_id, country, sealed, public_base_url) = org.ok_or(HookError::UnknownOrganisation)?;
    let fields = form::parse(body).map_err(HookError::Malformed)?;
    let key = state.config.data_key.as_ref();
    let token = sealed
        .and_then(|sealed| key?.open(&sealed))
        .ok_or(HookError::BadSignature)?;
    let base = public_base_url.unwrap_or_else(|| state.config.public_base_url.clone());
    let url = match uri.query() {
        Some(query) => format!("{base}{}?{query}", uri.path()),
        None => format!("{base}{}", uri.path()),
    };
    let header = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or(HookError::BadSignature)?;
    if !signature::twilio_valid(&token, &url, &fields, header) {
        return Err(HookError::BadSignature);
    }
    Ok(Verified {
        org_id,
        country,
        fields,
        base,
    })
}

pub(super) fn required<'a>(
    fields: &'a [(String, String)],
    names: &[&str],
) -> Result<&'a str, HookError> {
    names
        .iter()
        .find_map(|name| form::get(fields, name).filter(|v| !v.is_empty()))
        .ok_or_else(|| HookError::Malformed(format!("{} is missing.", names[0])))
}

pub(super) fn phone(value: &str, country: &str) -> Result<E164, HookError> {
    E164::parse(value, country)
        .map_err(|_| HookError::Malformed("From is not a phone number.".into()))
}
