//! Why the system sends a text of its own (`messages.purpose`): an answer to a keyword,
//! a privacy notice, a one-time code. Staff replies and campaigns have none.

use serde::{Deserialize, Serialize};

/// Why the system sends a text of its own (`messages.purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The one confirmation of an opt-out (SPEC §3.4).
    OptOutConfirmation,
    /// The answer to START (§3.6).
    OptInConfirmation,
    /// The answer to HELP (§3.7).
    Help,
    /// A privacy request's acknowledgement or outcome.
    #[serde(rename = "privacy")]
    PrivacyNotice,
    /// A privacy request's one-time code.
    PrivacyCode,
    /// The consent form's "reply YES to confirm".
    OptInRequest,
    /// The code that proves a web-chat visitor holds the number they typed.
    ChatCode,
}

impl Purpose {
    pub const ALL: [Purpose; 7] = [
        Purpose::OptOutConfirmation,
        Purpose::OptInConfirmation,
        Purpose::Help,
        Purpose::PrivacyNotice,
        Purpose::PrivacyCode,
        Purpose::OptInRequest,
        Purpose::ChatCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::OptOutConfirmation => "opt_out_confirmation",
            Purpose::OptInConfirmation => "opt_in_confirmation",
            Purpose::Help => "help",
            Purpose::PrivacyNotice => "privacy",
            Purpose::PrivacyCode => "privacy_code",
            Purpose::OptInRequest => "opt_in_request",
            Purpose::ChatCode => "chat_code",
        }
    }

    pub fn parse(value: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// The text carries a one-time code: staff see it masked.
    pub fn carries_code(self) -> bool {
        matches!(self, Purpose::PrivacyCode | Purpose::ChatCode)
    }
}

// Stored as text (a CHECK constraint lists the values), so decoding parses the text.
#[cfg(feature = "ssr")]
impl sqlx::Type<sqlx::Postgres> for Purpose {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <&str as sqlx::Type<sqlx::Postgres>>::type_info()
    }

    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

#[cfg(feature = "ssr")]
impl<'r> sqlx::Decode<'r, sqlx::Postgres> for Purpose {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        Purpose::parse(text).ok_or_else(|| format!("unknown message purpose {text:?}").into())
    }
}

#[cfg(feature = "ssr")]
impl sqlx::Encode<'_, sqlx::Postgres> for Purpose {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<sqlx::Postgres>>::encode_by_ref(&self.as_str(), buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip_as_text_and_json() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::parse(purpose.as_str()), Some(purpose));
            let json = serde_json::to_string(&purpose).unwrap();
            assert_eq!(json, format!("\"{}\"", purpose.as_str()));
            assert_eq!(serde_json::from_str::<Purpose>(&json).unwrap(), purpose);
        }
        assert_eq!(Purpose::parse("campaign"), None);
    }
}
