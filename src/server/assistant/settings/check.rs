//! The AI settings form, checked field by field (each message beside its field), the key
//! sealed with the data key.

use crate::error::AppError;
use crate::model::{AiProvider, AiSettingsInput, Channel, FieldErrors, E164};
use crate::server::crypto::DataKey;

/// The form, checked, with the key sealed (none when left blank: the stored one stays).
pub struct Checked {
    pub provider: AiProvider,
    pub model: Option<String>,
    pub api_base_url: Option<String>,
    pub api_key: Option<(Vec<u8>, String)>,
    pub channels: Vec<String>,
    pub after_minutes: i32,
    pub days: Vec<i16>,
    pub opens_at: i16,
    pub closes_at: i16,
    pub transfer_number: Option<String>,
    pub calls_recorded: bool,
}

pub fn check(
    input: &AiSettingsInput,
    country: &str,
    key: Option<&DataKey>,
    allow_custom_urls: bool,
    has_key: bool,
) -> Result<Checked, AppError> {
    let mut errors = FieldErrors::default();
    let provider: AiProvider = input.provider.parse().unwrap_or_else(|e: String| {
        errors.add("provider", e);
        AiProvider::Builtin
    });
    let api_base_url = base_url(&input.api_base_url, allow_custom_urls, &mut errors);
    let api_key = sealed_key(&input.api_key, key, &mut errors);
    if provider != AiProvider::Builtin && api_key.is_none() && !has_key {
        errors.add("api_key", "Enter the provider's API key.");
    }
    let channels = channels(&input.autopilot_channels, &mut errors);
    let after_minutes = number(
        &input.autopilot_after_minutes,
        "autopilot_after_minutes",
        0,
        1440,
        5,
        &mut errors,
    );
    let opens_at = number(&input.opens_at, "opens_at", 0, 23, 9, &mut errors) as i16;
    let closes_at = number(&input.closes_at, "closes_at", 1, 24, 19, &mut errors) as i16;
    if opens_at >= closes_at {
        errors.add("closes_at", "Closing time must be after opening time.");
    }
    let days = days(&input.business_days, &mut errors);
    let transfer_number = match input.transfer_number.trim() {
        "" => None,
        number => match E164::parse(number, country) {
            Ok(n) => Some(n.as_str().to_string()),
            Err(e) => {
                errors.add("transfer_number", e.to_string());
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let model = Some(input.model.trim().to_string()).filter(|m| !m.is_empty() && m.len() <= 100);
    Ok(Checked {
        provider,
        model,
        api_base_url,
        api_key,
        channels,
        after_minutes,
        days,
        opens_at,
        closes_at,
        transfer_number,
        calls_recorded: input.calls_recorded.is_some(),
    })
}

/// The key sealed with the data key, and its last four characters; none when left blank.
fn sealed_key(
    typed: &str,
    key: Option<&DataKey>,
    errors: &mut FieldErrors,
) -> Option<(Vec<u8>, String)> {
    let typed = typed.trim();
    match (typed.is_empty(), key) {
        (true, _) => None,
        (false, _) if typed.len() > 400 || typed.contains(char::is_whitespace) => {
            errors.add("api_key", "This does not look like an API key.");
            None
        }
        (false, Some(key)) => {
            let skip = typed.chars().count().saturating_sub(4);
            Some((key.seal(typed), typed.chars().skip(skip).collect()))
        }
        (false, None) => {
            let why = "The server has no DATA_KEY, so keys cannot be stored safely.";
            errors.add("api_key", why);
            None
        }
    }
}

fn channels(names: &[String], errors: &mut FieldErrors) -> Vec<String> {
    let mut channels = Vec::new();
    for name in names {
        match name.parse::<Channel>() {
            Ok(channel) => channels.push(channel.as_str().to_string()),
            Err(e) => errors.add("autopilot_channels", e),
        }
    }
    channels
}

/// Days of the week, 1 (Monday) to 7, each once, in order.
fn days(values: &[String], errors: &mut FieldErrors) -> Vec<i16> {
    let mut days: Vec<i16> = Vec::new();
    for day in values {
        match day.trim().parse::<i16>() {
            Ok(d @ 1..=7) if !days.contains(&d) => days.push(d),
            Ok(1..=7) => {}
            _ => errors.add("business_days", "Choose days of the week from the list."),
        }
    }
    days.sort_unstable();
    days
}

/// The provider's address: https only (the key is sent there), unless the server allows
/// others (`ALLOW_CUSTOM_CARRIER_URLS`, for tests and self-hosted servers on a LAN).
fn base_url(value: &str, allow_custom_urls: bool, errors: &mut FieldErrors) -> Option<String> {
    let value = errors
        .check("api_base_url", crate::rules::url::web_address(value))
        .flatten()?;
    if value.starts_with("http://") && !allow_custom_urls {
        errors.add(
            "api_base_url",
            "Use https://: the API key is sent to this address.",
        );
        return None;
    }
    Some(value)
}

fn number(
    text: &str,
    field: &str,
    min: i32,
    max: i32,
    default: i32,
    errors: &mut FieldErrors,
) -> i32 {
    match text.trim() {
        "" => default,
        t => match t.parse::<i32>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                errors.add(field, format!("Enter a whole number from {min} to {max}."));
                default
            }
        },
    }
}
