use serde::{Deserialize, Serialize};
use std::fmt;

/// A 17-character North-American vehicle identification number whose 9th character is
/// the check digit of the other sixteen (49 CFR 565).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Vin(String);

const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

fn value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        'A' | 'J' => Some(1),
        'B' | 'K' | 'S' => Some(2),
        'C' | 'L' | 'T' => Some(3),
        'D' | 'M' | 'U' => Some(4),
        'E' | 'N' | 'V' => Some(5),
        'F' | 'W' => Some(6),
        'G' | 'P' | 'X' => Some(7),
        'H' | 'Y' => Some(8),
        'R' | 'Z' => Some(9),
        _ => None, // I, O and Q are never used: they read like 1 and 0.
    }
}

impl Vin {
    pub fn parse(input: &str) -> Result<Vin, String> {
        let vin: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_uppercase();
        if vin.chars().count() != 17 {
            return Err(format!(
                "A VIN has 17 characters; this one has {}.",
                vin.chars().count()
            ));
        }
        if vin.contains(['I', 'O', 'Q']) {
            return Err("A VIN never contains the letters I, O or Q.".into());
        }
        let values: Option<Vec<u32>> = vin.chars().map(value).collect();
        let Some(values) = values else {
            return Err("A VIN has only letters and digits.".into());
        };
        let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let expected = match sum % 11 {
            10 => 'X',
            n => char::from_digit(n, 10).unwrap_or('?'),
        };
        if vin.chars().nth(8) != Some(expected) {
            return Err(
                "This VIN's check digit (9th character) does not match; please re-check it.".into(),
            );
        }
        Ok(Vin(vin))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The model year the 10th character names, offline. The letters and digits repeat
    /// every 30 years; for cars and light trucks the 7th character tells the cycles apart
    /// (a digit before 2010, a letter from 2010: 49 CFR 565.15), so "K" is 2019 when the 7th
    /// is a letter and 1989 when it is a digit. `None` for a character no year uses.
    pub fn model_year(&self) -> Option<i16> {
        let code = self.0.chars().nth(9)?;
        let first_cycle = YEAR_CODES.find(code)? as i16 + 1980;
        let later = self
            .0
            .chars()
            .nth(6)
            .is_some_and(|c| c.is_ascii_alphabetic());
        Some(if later { first_cycle + 30 } else { first_cycle })
    }

    /// The make its world manufacturer identifier (first three characters, or two for
    /// the makes that own a whole prefix) names, for the makes a North-American store
    /// sees most; `None` otherwise (the vPIC adapter knows the rest).
    pub fn make(&self) -> Option<&'static str> {
        let wmi = &self.0[..3];
        MAKES
            .iter()
            .find(|(prefix, _)| wmi.starts_with(prefix))
            .map(|(_, make)| *make)
    }
}

/// Model-year characters in order from 1980 (I, O, Q, U, Z and 0 are never used).
const YEAR_CODES: &str = "ABCDEFGHJKLMNPRSTVWXY123456789";

/// World manufacturer identifiers, longest first where they share a start; makes in
/// NHTSA's spelling (as its recall file writes them).
const MAKES: &[(&str, &str)] = &[
    ("1HG", "HONDA"),
    ("2HG", "HONDA"),
    ("5FN", "HONDA"),
    ("5J6", "HONDA"),
    ("JHM", "HONDA"),
    ("19U", "ACURA"),
    ("JH4", "ACURA"),
    ("1FA", "FORD"),
    ("1FM", "FORD"),
    ("1FT", "FORD"),
    ("2FM", "FORD"),
    ("3FA", "FORD"),
    ("3FT", "FORD"),
    ("1G1", "CHEVROLET"),
    ("1GC", "CHEVROLET"),
    ("1GN", "CHEVROLET"),
    ("2G1", "CHEVROLET"),
    ("3GN", "CHEVROLET"),
    ("1GT", "GMC"),
    ("1GK", "GMC"),
    ("3GT", "GMC"),
    ("4T1", "TOYOTA"),
    ("4T3", "TOYOTA"),
    ("5TD", "TOYOTA"),
    ("5TF", "TOYOTA"),
    ("2T1", "TOYOTA"),
    ("JTD", "TOYOTA"),
    ("JTM", "TOYOTA"),
    ("JTH", "LEXUS"),
    ("2T2", "LEXUS"),
    ("1N4", "NISSAN"),
    ("1N6", "NISSAN"),
    ("5N1", "NISSAN"),
    ("3N1", "NISSAN"),
    ("JN1", "NISSAN"),
    ("JN8", "NISSAN"),
    ("KM8", "HYUNDAI"),
    ("5NP", "HYUNDAI"),
    ("KMH", "HYUNDAI"),
    ("KNA", "KIA"),
    ("KND", "KIA"),
    ("5XY", "KIA"),
    ("5XX", "KIA"),
    ("JF1", "SUBARU"),
    ("JF2", "SUBARU"),
    ("4S3", "SUBARU"),
    ("4S4", "SUBARU"),
    ("JM1", "MAZDA"),
    ("JM3", "MAZDA"),
    ("3MZ", "MAZDA"),
    ("WVW", "VOLKSWAGEN"),
    ("3VW", "VOLKSWAGEN"),
    ("1VW", "VOLKSWAGEN"),
    ("WVG", "VOLKSWAGEN"),
    ("WBA", "BMW"),
    ("5UX", "BMW"),
    ("WDD", "MERCEDES-BENZ"),
    ("W1K", "MERCEDES-BENZ"),
    ("4JG", "MERCEDES-BENZ"),
    ("WAU", "AUDI"),
    ("WA1", "AUDI"),
    ("5YJ", "TESLA"),
    ("7SA", "TESLA"),
    ("1C4", "JEEP"),
    ("1J4", "JEEP"),
    ("1C6", "RAM"),
    ("3C6", "RAM"),
    ("2C3", "DODGE"),
    ("1B3", "DODGE"),
    ("2C4", "CHRYSLER"),
];

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenth_character_and_the_seventh_tell_the_model_year() {
        // A digit in 7th place: the first cycle ("3" is 2003, "K" 1989); a letter: the
        // second ("K" is 2019, "D" 2013).
        let year = |vin: &str| Vin::parse(vin).unwrap().model_year();
        assert_eq!(year("1HGCM82633A004352"), Some(2003));
        assert_eq!(year("1M8GDM9AXKP042788"), Some(1989));
        assert_eq!(year("1FTFW1ET9DFC10312"), Some(2013));
        assert_eq!(
            Vin::parse("5YJ3E1EA2KF317000").unwrap().model_year(),
            Some(2019)
        );
        assert_eq!(
            Vin::parse("11111111111111111").unwrap().model_year(),
            Some(2001)
        );
    }

    #[test]
    fn the_first_characters_name_the_make() {
        assert_eq!(
            Vin::parse("1HGCM82633A004352").unwrap().make(),
            Some("HONDA")
        );
        assert_eq!(
            Vin::parse("5YJ3E1EA2KF317000").unwrap().make(),
            Some("TESLA")
        );
        let make = |vin: &str| Vin::parse(vin).unwrap().make();
        assert_eq!(make("1FTFW1ET9DFC10312"), Some("FORD"));
        assert_eq!(
            make("1M8GDM9AXKP042788"),
            None,
            "a coach builder no store sells"
        );
    }

    #[test]
    fn accepts_vins_with_a_correct_check_digit() {
        for vin in [
            "1M8GDM9AXKP042788",
            "1HGCM82633A004352",
            "11111111111111111",
            "5YJ3E1EA2KF317000",
        ] {
            assert!(Vin::parse(vin).is_ok(), "{vin} should be valid");
        }
    }

    #[test]
    fn normalises_case_spaces_and_hyphens() {
        assert_eq!(
            Vin::parse(" 1hgcm8-2633a 004352 ").unwrap().as_str(),
            "1HGCM82633A004352"
        );
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        let error = Vin::parse("1HGCM82643A004352").unwrap_err();
        assert!(error.contains("check digit"), "{error}");
    }

    #[test]
    fn refuses_the_letters_i_o_and_q() {
        for vin in [
            "1HGCM8263IA004352",
            "1HGCM8263OA004352",
            "1HGCM8263QA004352",
        ] {
            assert!(Vin::parse(vin).unwrap_err().contains("I, O or Q"), "{vin}");
        }
    }

    #[test]
    fn refuses_the_wrong_length() {
        assert!(Vin::parse("1HGCM82633A00435")
            .unwrap_err()
            .contains("17 characters"));
        assert!(Vin::parse("1HGCM82633A0043521")
            .unwrap_err()
            .contains("17 characters"));
        assert!(Vin::parse("").is_err());
    }

    #[test]
    fn refuses_punctuation() {
        assert!(Vin::parse("1HGCM82633A00435!").is_err());
    }

    #[test]
    fn every_substitution_that_changes_the_checksum_is_refused() {
        let valid = "1HGCM82633A004352";
        let alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
        let mut checked = 0;
        for (i, original) in valid.chars().enumerate().filter(|(i, _)| *i != 8) {
            for replacement in alphabet.chars() {
                let delta = (value(original).unwrap() as i64 - value(replacement).unwrap() as i64)
                    * WEIGHTS[i] as i64;
                if delta.rem_euclid(11) == 0 {
                    continue; // same checksum: undetectable by design
                }
                let mut changed: Vec<char> = valid.chars().collect();
                changed[i] = replacement;
                let changed: String = changed.into_iter().collect();
                assert!(Vin::parse(&changed).is_err(), "{changed} slipped through");
                checked += 1;
            }
        }
        assert!(checked > 400, "only {checked} substitutions checked");
    }

    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

    /// Sixteen allowed characters, and the VIN they make with the right check digit.
    fn with_check_digit(body: &[char]) -> String {
        let mut vin: Vec<char> = body[..8].to_vec();
        vin.push('0');
        vin.extend_from_slice(&body[8..]);
        let sum: u32 = vin
            .iter()
            .zip(WEIGHTS)
            .map(|(c, w)| value(*c).unwrap() * w)
            .sum();
        vin[8] = match sum % 11 {
            10 => 'X',
            n => char::from_digit(n, 10).unwrap(),
        };
        vin.into_iter().collect()
    }

    fn body() -> impl proptest::strategy::Strategy<Value = Vec<char>> {
        let chars: Vec<char> = ALPHABET.chars().collect();
        proptest::collection::vec(proptest::sample::select(chars), 16)
    }

    proptest::proptest! {
        #[test]
        fn any_vin_with_its_check_digit_parses_in_any_case(body in body()) {
            let vin = with_check_digit(&body);
            proptest::prop_assert_eq!(Vin::parse(&vin.to_lowercase()).map(|v| v.0), Ok(vin));
        }

        #[test]
        fn any_other_check_digit_is_refused(body in body(), wrong in proptest::sample::select("0123456789X".chars().collect::<Vec<_>>())) {
            let vin = with_check_digit(&body);
            proptest::prop_assume!(vin.chars().nth(8) != Some(wrong));
            let mut changed: Vec<char> = vin.chars().collect();
            changed[8] = wrong;
            let changed: String = changed.into_iter().collect();
            proptest::prop_assert!(Vin::parse(&changed).is_err());
        }

        #[test]
        fn anything_but_seventeen_characters_is_refused(text in "[0-9A-HJ-NPR-Z]{0,16}|[0-9A-HJ-NPR-Z]{18,30}") {
            proptest::prop_assert!(Vin::parse(&text).is_err());
        }

        #[test]
        fn i_o_and_q_are_refused_anywhere(body in body(), at in 0usize..17, letter in proptest::sample::select(vec!['I', 'O', 'Q'])) {
            let mut vin: Vec<char> = with_check_digit(&body).chars().collect();
            vin[at] = letter;
            let vin: String = vin.into_iter().collect();
            proptest::prop_assert!(Vin::parse(&vin).is_err());
        }
    }
}
