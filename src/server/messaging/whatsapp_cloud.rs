//! WhatsApp through Meta's Cloud API directly: `POST {base}/{phone-number-id}/messages`
//! with the organisation's bearer token and a JSON text message; the answer names the
//! message (`messages[0].id`, a `wamid.…`). Errors come back as `{"error": {"message"}}`.

use super::send_result::{SendError, Sent};
use std::time::Duration;

/// Meta's Graph API, at the version the payloads below follow.
pub const GRAPH_API: &str = "https://graph.facebook.com/v21.0";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudApi {
    pub base_url: String,
    pub phone_number_id: String,
    pub access_token: String,
}

impl CloudApi {
    pub async fn send(
        &self,
        http: &reqwest::Client,
        to: &str,
        body: &str,
    ) -> Result<Sent, SendError> {
        let url = format!(
            "{}/{}/messages",
            self.base_url.trim_end_matches('/'),
            self.phone_number_id
        );
        let payload = serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            // Meta writes numbers without the plus.
            "to": to.trim_start_matches('+'),
            "type": "text",
            "text": { "preview_url": false, "body": body },
        });
        let response = http
            .post(url)
            .bearer_auth(&self.access_token)
            .json(&payload)
            .timeout(Duration::from_secs(15))
            .send()
            .await
            .map_err(|e| SendError::unreached("WhatsApp", e))?;
        let status = response.status();
        let json: serde_json::Value = response.json().await.unwrap_or_default();
        if !status.is_success() {
            let message = json["error"]["message"].as_str().unwrap_or("no detail");
            return Err(SendError::NotSent(format!(
                "WhatsApp answered {}: {message}",
                status.as_u16()
            )));
        }
        let id = json["messages"][0]["id"].as_str().ok_or_else(|| {
            SendError::Unknown("WhatsApp accepted it without a message id".into())
        })?;
        Ok(Sent {
            provider_id: id.to_string(),
            simulated: false,
        })
    }
}
