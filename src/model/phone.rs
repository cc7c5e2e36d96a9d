use serde::{Deserialize, Serialize};
use std::fmt;

/// A phone number in E.164 form (`+14155550100`), the only form stored.
///
/// Parsing needs libphonenumber's metadata and so runs on the server only; the browser
/// receives numbers already normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct E164(String);

impl E164 {
    /// Reads a number as people type it; `region` (ISO 3166 alpha-2, e.g. "US") applies
    /// when the number has no country code.
    #[cfg(feature = "ssr")]
    pub fn parse(input: &str, region: &str) -> Result<E164, String> {
        use phonenumber::{country::Id, Mode};
        let input = input.trim();
        if input.is_empty() {
            return Err("Enter a phone number.".into());
        }
        let invalid = || {
            "Enter a valid phone number, such as (415) 555-0100 or +44 20 7946 0958.".to_string()
        };
        if input.chars().any(|c| c.is_alphabetic()) {
            return Err(invalid());
        }
        let region = region.parse::<Id>().ok();
        let number = phonenumber::parse(region, input).map_err(|_| invalid())?;
        if !phonenumber::is_valid(&number) {
            return Err(invalid());
        }
        Ok(E164(number.format().mode(Mode::E164).to_string()))
    }

    /// Whether the number belongs to `region` (ISO 3166 alpha-2): public pages text only
    /// numbers of the organisation's own country unless it allows others.
    #[cfg(feature = "ssr")]
    pub fn is_in(&self, region: &str) -> bool {
        use phonenumber::country::Id;
        let Ok(wanted) = region.parse::<Id>() else {
            return false;
        };
        phonenumber::parse(None, &self.0).is_ok_and(|n| n.country().id() == Some(wanted))
    }

    /// Trusts a value that came out of the database (checked there by a constraint).
    pub fn from_stored(value: String) -> E164 {
        E164(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A readable form for screens: `+1 415-555-0100` for North America, E.164 otherwise.
    pub fn display(&self) -> String {
        let digits = &self.0[1..];
        match digits.strip_prefix('1') {
            Some(rest) if rest.len() == 10 => {
                format!("+1 {}-{}-{}", &rest[..3], &rest[3..6], &rest[6..])
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn reads_north_american_numbers_in_every_common_format() {
        for input in [
            "(415) 555-0100",
            "+1 415 555 0100",
            "415.555.0100",
            "4155550100",
            "1-415-555-0100",
            " 415 555 0100 ",
        ] {
            assert_eq!(
                E164::parse(input, "US").map(|p| p.0),
                Ok("+14155550100".to_string()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn reads_international_numbers_with_their_country_code() {
        assert_eq!(
            E164::parse("+44 20 7946 0958", "US").unwrap().as_str(),
            "+442079460958"
        );
    }

    #[test]
    fn knows_which_country_a_number_belongs_to() {
        let chicago = E164::parse("(312) 555-0142", "US").unwrap();
        let london = E164::parse("+44 20 7946 0958", "US").unwrap();
        assert!(chicago.is_in("US"));
        assert!(!chicago.is_in("GB"));
        assert!(london.is_in("GB"));
        assert!(!london.is_in("US"));
        assert!(!chicago.is_in("not a region"));
    }

    #[test]
    fn uses_the_organisations_region_for_national_numbers() {
        assert_eq!(
            E164::parse("020 7946 0958", "GB").unwrap().as_str(),
            "+442079460958"
        );
    }

    #[test]
    fn refuses_what_is_not_a_phone_number() {
        for input in [
            "",
            "   ",
            "12",
            "555-0100",
            "call me",
            "+1 415 555 010",
            "+999 1234 5678",
            "(415) 555-0100 x",
        ] {
            assert!(
                E164::parse(input, "US").is_err(),
                "{input:?} should be refused"
            );
        }
    }

    proptest::proptest! {
        /// Any valid-looking US number (area code and exchange 2–9xx, not 555-01xx fiction
        /// or N11 codes) reads the same in every way people write it.
        #[test]
        fn every_way_of_writing_a_us_number_reads_the_same(
            area in 201u32..990, exchange in 200u32..999, line in 0u32..10_000
        ) {
            let e164 = format!("+1{area}{exchange}{line:04}");
            proptest::prop_assume!(E164::parse(&e164, "US").is_ok());
            let (a, x, l) = (area, exchange, format!("{line:04}"));
            for input in [
                format!("({a}) {x}-{l}"),
                format!("+1 {a} {x} {l}"),
                format!("{a}.{x}.{l}"),
                format!("{a}{x}{l}"),
                format!("1-{a}-{x}-{l}"),
                format!("  {a} {x} {l}  "),
            ] {
                proptest::prop_assert_eq!(E164::parse(&input, "US").map(|p| p.0), Ok(e164.clone()));
            }
        }

        /// Whatever is typed, a number that parses is stored in E.164 form.
        #[test]
        fn whatever_parses_is_e164(input in "[0-9 ()+.-]{0,20}") {
            if let Ok(phone) = E164::parse(&input, "US") {
                let digits = &phone.as_str()[1..];
                proptest::prop_assert!(phone.as_str().starts_with('+'));
                proptest::prop_assert!(digits.len() <= 15 && digits.chars().all(|c| c.is_ascii_digit()));
                proptest::prop_assert!(!digits.starts_with('0'));
            }
        }

        #[test]
        fn letters_are_never_a_phone_number(input in "[0-9]{3,10}[a-zA-Z]+[0-9]{0,4}") {
            proptest::prop_assert!(E164::parse(&input, "US").is_err());
        }
    }

    #[test]
    fn displays_north_american_numbers_readably() {
        assert_eq!(
            E164::parse("4155550100", "US").unwrap().display(),
            "+1 415-555-0100"
        );
        assert_eq!(
            E164::from_stored("+442079460958".into()).display(),
            "+442079460958"
        );
    }
}
