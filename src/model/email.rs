use serde::{Deserialize, Serialize};
use std::fmt;

/// An e-mail address, trimmed and lower-cased, with a plausible `local@domain.tld` shape.
///
/// Deliverability is not checked here; this only keeps obvious typos out of the database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, String> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.".into());
        }
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("Enter a valid email address.".into());
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("An email address needs an @.".into());
        };
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err("Enter a valid email address.".into());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(
            Email::parse("  Jo.Doe@Example.COM ").unwrap().as_str(),
            "jo.doe@example.com"
        );
    }

    #[test]
    fn accepts_plus_addressing_and_subdomains() {
        assert!(Email::parse("sales+leads@mail.dealer.co.uk").is_ok());
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "no-at-sign",
            "@example.com",
            "a@",
            "a@b",
            "a@.com",
            "a@b..com",
            "a b@c.com",
            "a@b@c.com",
            "a@com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn refuses_overlong_addresses() {
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long).is_err());
    }
}
