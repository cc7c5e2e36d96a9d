//! Webhook signatures: Twilio's `X-Twilio-Signature` and Meta's `X-Hub-Signature-256`.

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};

/// Twilio signs the full public URL followed by every POST field, sorted by name, each
/// name immediately followed by its value, with HMAC-SHA1 under the auth token, base64.
pub fn twilio_valid(
    auth_token: &str,
    url: &str,
    fields: &[(String, String)],
    header: &str,
) -> bool {
    let Ok(expected) = STANDARD.decode(header.trim()) else {
        return false;
    };
    let mut sorted: Vec<&(String, String)> = fields.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    // Twilio's own validators sign each distinct name and value once.
    sorted.dedup();
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return false;
    };
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac.verify_slice(&expected).is_ok() // constant-time comparison
}

/// Meta signs the raw body with HMAC-SHA256 under the app secret: `sha256=<hex>`.
pub fn whatsapp_valid(app_secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Some(expected) = decode_hex(hex) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_sha1(token: &str, data: &str) -> String {
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).unwrap();
        mac.update(data.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }

    fn fields() -> Vec<(String, String)> {
        [
            ("To", "+18005551212"),
            ("From", "+14155550100"),
            ("Body", "Hi"),
            ("MessageSid", "SM1"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec()
    }

    const URL: &str = "https://desk.example.com/hooks/twilio/maple/sms";

    #[test]
    fn accepts_the_signature_twilio_computes() {
        let header = sign_sha1(
            "secret",
            &format!("{URL}BodyHiFrom+14155550100MessageSidSM1To+18005551212"),
        );
        assert!(twilio_valid("secret", URL, &fields(), &header));
    }

    #[test]
    fn a_repeated_parameter_is_signed_once_as_twilio_does() {
        let header = sign_sha1(
            "secret",
            &format!("{URL}BodyHiFrom+14155550100MessageSidSM1To+18005551212"),
        );
        let mut repeated = fields();
        repeated.push(("Body".into(), "Hi".into()));
        assert!(twilio_valid("secret", URL, &repeated, &header));
    }

    #[test]
    fn refuses_another_token_url_or_field() {
        let header = sign_sha1(
            "secret",
            &format!("{URL}BodyHiFrom+14155550100MessageSidSM1To+18005551212"),
        );
        assert!(!twilio_valid("other", URL, &fields(), &header));
        assert!(!twilio_valid(
            "secret",
            "https://desk.example.com/hooks/twilio/other/sms",
            &fields(),
            &header
        ));
        let mut changed = fields();
        changed[2].1 = "Hi!".into();
        assert!(!twilio_valid("secret", URL, &changed, &header));
        assert!(!twilio_valid("secret", URL, &fields(), "not base64 at all"));
        assert!(!twilio_valid("secret", URL, &fields(), ""));
    }

    #[test]
    fn whatsapp_signatures_cover_the_raw_body() {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"app-secret").unwrap();
        mac.update(b"{\"a\":1}");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(whatsapp_valid(
            "app-secret",
            b"{\"a\":1}",
            &format!("sha256={hex}")
        ));
        assert!(!whatsapp_valid(
            "app-secret",
            b"{\"a\":2}",
            &format!("sha256={hex}")
        ));
        assert!(!whatsapp_valid("app-secret", b"{\"a\":1}", &hex));
        assert!(!whatsapp_valid("app-secret", b"{\"a\":1}", "sha256=zz"));
    }
}
