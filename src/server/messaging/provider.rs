//! Where outbound messages go: the built-in local provider (the default, delivers nowhere
//! and marks messages simulated), the Twilio REST API (which SignalWire also speaks), or,
//! for WhatsApp where the organisation set it up, Meta's Cloud API directly.

pub use super::send_result::{SendError, Sent};
use super::settings::{ProviderKind, Settings};
use super::whatsapp_cloud::{CloudApi, GRAPH_API};
use crate::model::Channel;
use std::time::Duration;

pub const TWILIO_API: &str = "https://api.twilio.com";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    Local,
    Twilio {
        base_url: String,
        account_sid: String,
        auth_token: String,
        from: String,
        /// Twilio also sends WhatsApp (as `whatsapp:+1…` addresses); SignalWire does not.
        whatsapp: bool,
    },
    WhatsappCloud(CloudApi),
}

/// One message to hand to the provider.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub body: &'a str,
    pub channel: Channel,
    /// Where the carrier reports delivery (`/hooks/twilio/{org}/status`).
    pub status_callback: &'a str,
}

impl Provider {
    /// The provider for a message on `channel`: WhatsApp goes through the Cloud API when
    /// the organisation gave its phone number id and access token, else as the settings say.
    pub fn for_channel(
        settings: &Settings,
        channel: Channel,
        allow_custom_urls: bool,
    ) -> Result<Provider, String> {
        let cloud = (
            &settings.whatsapp_phone_number_id,
            &settings.whatsapp_access_token,
        );
        let (Channel::Whatsapp, (Some(id), Some(token))) = (channel, cloud) else {
            return Provider::from_settings(settings, allow_custom_urls);
        };
        let base_url = settings
            .whatsapp_api_base_url
            .clone()
            .unwrap_or_else(|| GRAPH_API.to_string());
        if !allow_custom_urls && !crate::rules::url::is_known_whatsapp_api(&base_url) {
            return Err(format!(
                "the WhatsApp API address {base_url} is not Meta's; the server does not allow others"
            ));
        }
        Ok(Provider::WhatsappCloud(CloudApi {
            base_url,
            phone_number_id: id.clone(),
            access_token: token.clone(),
        }))
    }

    /// The provider an organisation's settings describe, or why it cannot send. The auth
    /// token goes only to a known carrier host unless the server allows others
    /// (`ALLOW_CUSTOM_CARRIER_URLS`), whatever an older setting says.
    pub fn from_settings(settings: &Settings, allow_custom_urls: bool) -> Result<Provider, String> {
        let kind = settings.provider.unwrap_or(ProviderKind::Local);
        if kind == ProviderKind::Local {
            return Ok(Provider::Local);
        }
        let account_sid = settings
            .account_sid
            .clone()
            .ok_or("no account SID configured")?;
        let auth_token = settings
            .auth_token
            .clone()
            .ok_or("no auth token configured (or DATA_KEY changed)")?;
        let from = settings
            .phone_numbers
            .first()
            .cloned()
            .ok_or("no sending phone number configured")?;
        let base_url = match (kind, &settings.api_base_url) {
            (_, Some(url)) => url.clone(),
            (ProviderKind::Twilio, None) => TWILIO_API.to_string(),
            _ => return Err("SignalWire needs the space URL as the API base URL".into()),
        };
        if !allow_custom_urls && !crate::rules::url::is_known_carrier_api(&base_url) {
            return Err(format!(
                "the API address {base_url} is not a known carrier host; the server does not allow others"
            ));
        }
        Ok(Provider::Twilio {
            base_url,
            account_sid,
            auth_token,
            from,
            whatsapp: kind == ProviderKind::Twilio,
        })
    }

    pub async fn send(&self, http: &reqwest::Client, m: &Outgoing<'_>) -> Result<Sent, SendError> {
        match self {
            Provider::Local => Ok(Sent {
                provider_id: format!("LOCAL{}", uuid::Uuid::new_v4().simple()),
                simulated: true,
            }),
            Provider::WhatsappCloud(api) => api.send(http, m.to, m.body).await,
            Provider::Twilio {
                base_url,
                account_sid,
                auth_token,
                from,
                whatsapp,
            } => {
                let (to, from) = match (m.channel, whatsapp) {
                    (Channel::Whatsapp, true) => {
                        (format!("whatsapp:{}", m.to), format!("whatsapp:{from}"))
                    }
                    (Channel::Whatsapp, false) => {
                        return Err(SendError::NotSent(
                            "this provider cannot send WhatsApp messages".into(),
                        ))
                    }
                    _ => (m.to.to_string(), from.clone()),
                };
                let url = format!("{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json");
                let response = http
                    .post(url)
                    .basic_auth(account_sid, Some(auth_token))
                    .form(&[
                        ("To", to.as_str()),
                        ("From", from.as_str()),
                        ("Body", m.body),
                        ("StatusCallback", m.status_callback),
                    ])
                    .timeout(Duration::from_secs(15))
                    .send()
                    .await
                    .map_err(|e| SendError::unreached("carrier", e))?;
                let status = response.status();
                let json: serde_json::Value = response.json().await.unwrap_or_default();
                if !status.is_success() {
                    let message = json["message"].as_str().unwrap_or("no detail");
                    return Err(SendError::NotSent(format!(
                        "carrier answered {}: {message}",
                        status.as_u16()
                    )));
                }
                let sid = json["sid"].as_str().ok_or_else(|| {
                    SendError::Unknown("carrier accepted it without a message sid".into())
                })?;
                Ok(Sent {
                    provider_id: sid.to_string(),
                    simulated: false,
                })
            }
        }
    }
}
