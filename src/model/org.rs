use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(
    feature = "ssr",
    sqlx(type_name = "vertical", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Vertical {
    Automotive,
    RealEstate,
    General,
}

impl Vertical {
    pub fn as_str(self) -> &'static str {
        match self {
            Vertical::Automotive => "automotive",
            Vertical::RealEstate => "real_estate",
            Vertical::General => "general",
        }
    }
}

impl FromStr for Vertical {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "automotive" => Ok(Vertical::Automotive),
            "real_estate" => Ok(Vertical::RealEstate),
            "general" => Ok(Vertical::General),
            _ => Err("Choose automotive, real_estate or general.".into()),
        }
    }
}

impl fmt::Display for Vertical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The URL name of an organisation: 3–48 lower-case letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSlug(String);

impl OrgSlug {
    pub fn parse(input: &str) -> Result<OrgSlug, String> {
        let slug = input.trim();
        let valid_chars = slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !(3..=48).contains(&slug.len())
            || !valid_chars
            || slug.starts_with('-')
            || slug.ends_with('-')
            || slug.contains("--")
        {
            return Err("Use 3-48 lower-case letters, digits and single hyphens.".into());
        }
        Ok(OrgSlug(slug.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert!(OrgSlug::parse("maple-ridge-motors").is_ok());
        assert!(OrgSlug::parse("abc123").is_ok());
        for bad in [
            "ab",
            "Maple",
            "-lead",
            "trail-",
            "a--b",
            "has space",
            "ümlaut",
        ] {
            assert!(OrgSlug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn verticals_round_trip() {
        for v in [
            Vertical::Automotive,
            Vertical::RealEstate,
            Vertical::General,
        ] {
            assert_eq!(v.as_str().parse::<Vertical>(), Ok(v));
        }
    }
}
