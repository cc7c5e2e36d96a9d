//! A lead form as typed (`LeadInput`) turned into the fields stored, or a message for each
//! field that is wrong. The lead form, the CSV import and the demo seed all go through it.

use crate::model::{Email, FieldErrors, LeadInput, Vin, E164};
use crate::rules::account::person_name;

const MAX_TEXT: usize = 200;
const MAX_TAGS: usize = 20;

/// The validated content of a lead form.
#[derive(Debug, Clone, Default)]
pub struct LeadFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    pub time_zone: Option<String>,
    pub interest_year: Option<i16>,
    pub interest_make: Option<String>,
    pub interest_model: Option<String>,
    pub interest_vin: Option<String>,
    pub owned_year: Option<i16>,
    pub owned_make: Option<String>,
    pub owned_model: Option<String>,
    pub owned_vin: Option<String>,
    pub budget_min: Option<i32>,
    pub budget_max: Option<i32>,
    pub locations: Option<String>,
    pub property_type: Option<String>,
    pub timeline: Option<String>,
}

/// Validates a lead form; `region` reads national phone numbers, `this_year` bounds the
/// model years.
pub fn lead(input: &LeadInput, region: &str, this_year: i32) -> Result<LeadFields, FieldErrors> {
    let mut form = Form::default();
    let name = form
        .errors
        .check("name", person_name(&input.name))
        .unwrap_or_default();
    let email = form.errors.optional("email", &input.email, |e| {
        Email::parse(e).map(|e| e.as_str().to_string())
    });
    let phone = form.errors.optional("phone", &input.phone, |p| {
        E164::parse(p, region).map(|p| p.as_str().to_string())
    });
    if input.email.trim().is_empty() && input.phone.trim().is_empty() {
        form.errors
            .add("phone", "Enter a phone number or an email address.");
    }
    let tags = form
        .errors
        .check("tags", tags(&input.tags))
        .unwrap_or_default();
    let time_zone = form.short("time_zone", &input.time_zone).and_then(|zone| {
        form.errors.check(
            "time_zone",
            zone.parse::<chrono_tz::Tz>()
                .map(|z| z.name().to_string())
                .map_err(|_| "Use a time zone name such as America/Chicago."),
        )
    });
    let year = |y: &str| year(y, this_year);
    let fields = LeadFields {
        name,
        email,
        phone,
        tags,
        time_zone,
        interest_year: form
            .errors
            .optional("interest_year", &input.interest_year, year),
        interest_make: form.short("interest_make", &input.interest_make),
        interest_model: form.short("interest_model", &input.interest_model),
        interest_vin: form
            .errors
            .optional("interest_vin", &input.interest_vin, vin),
        owned_year: form.errors.optional("owned_year", &input.owned_year, year),
        owned_make: form.short("owned_make", &input.owned_make),
        owned_model: form.short("owned_model", &input.owned_model),
        owned_vin: form.errors.optional("owned_vin", &input.owned_vin, vin),
        budget_min: form.errors.optional("budget_min", &input.budget_min, money),
        budget_max: form.errors.optional("budget_max", &input.budget_max, money),
        locations: form.short("locations", &input.locations),
        property_type: form.short("property_type", &input.property_type),
        timeline: form.short("timeline", &input.timeline),
    };
    let fields = filled_from_vins(fields);
    if let (Some(min), Some(max)) = (fields.budget_min, fields.budget_max) {
        if min > max {
            form.errors
                .add("budget_max", "The maximum must not be below the minimum.");
        }
    }
    if form.errors.is_empty() {
        Ok(fields)
    } else {
        Err(form.errors)
    }
}

/// The messages so far, and how optional fields are read.
#[derive(Default)]
struct Form {
    errors: FieldErrors,
}

impl Form {
    /// An optional text field: trimmed, `None` when empty or too long (with a message).
    fn short(&mut self, field: &str, value: &str) -> Option<String> {
        let value = given(value)?;
        if value.chars().count() > MAX_TEXT {
            self.errors
                .add(field, format!("Use at most {MAX_TEXT} characters."));
            return None;
        }
        Some(value.to_string())
    }
}

fn given(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// A vehicle's year and make left blank are read from its VIN, offline (`Vin::model_year`,
/// `Vin::make`); what a person typed is never overwritten.
fn filled_from_vins(mut f: LeadFields) -> LeadFields {
    let decoded = |vin: &Option<String>| vin.as_deref().and_then(|v| Vin::parse(v).ok());
    if let Some(vin) = decoded(&f.owned_vin) {
        f.owned_year = f.owned_year.or(vin.model_year());
        f.owned_make = f.owned_make.or(vin.make().map(capitalised));
    }
    if let Some(vin) = decoded(&f.interest_vin) {
        f.interest_year = f.interest_year.or(vin.model_year());
        f.interest_make = f.interest_make.or(vin.make().map(capitalised));
    }
    f
}

/// "MERCEDES-BENZ" → "Mercedes-Benz", as a person would type it.
fn capitalised(make: &str) -> String {
    let mut out = String::with_capacity(make.len());
    let mut start = true;
    for c in make.chars() {
        out.extend(if start {
            c.to_uppercase().collect::<Vec<_>>()
        } else {
            c.to_lowercase().collect()
        });
        start = !c.is_alphanumeric();
    }
    match out.as_str() {
        "Bmw" | "Gmc" | "Ram" => out.to_uppercase(),
        _ => out,
    }
}

fn vin(value: &str) -> Result<String, String> {
    Vin::parse(value).map(|v| v.as_str().to_string())
}

/// Comma-separated, trimmed, lower-cased and de-duplicated.
pub fn tags(input: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in input
        .split([',', ';'])
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if tag.chars().count() > 40 {
            return Err("Keep each tag under 40 characters.".into());
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("Use at most {MAX_TAGS} tags."));
    }
    Ok(tags)
}

fn year(input: &str, this_year: i32) -> Result<i16, String> {
    let latest = this_year as i16 + 2;
    match input.trim().parse::<i16>() {
        Ok(y) if (1900..=latest).contains(&y) => Ok(y),
        _ => Err(format!("Enter a year between 1900 and {latest}.")),
    }
}

fn money(input: &str) -> Result<i32, String> {
    let cleaned: String = input
        .chars()
        .filter(|c| !matches!(c, '$' | ',' | ' ' | '€' | '£'))
        .collect();
    cleaned
        .parse::<i32>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| "Enter a whole amount, such as 450000.".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> LeadInput {
        LeadInput {
            name: "Ana Diaz".into(),
            phone: "(415) 555-0100".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_minimal_lead_is_valid_and_normalised() {
        let fields = lead(&input(), "US", 2026).unwrap();
        assert_eq!(fields.phone.as_deref(), Some("+14155550100"));
        assert_eq!(fields.email, None);
    }

    #[test]
    fn a_lead_needs_a_phone_or_an_email() {
        let errors = lead(
            &LeadInput {
                phone: String::new(),
                ..input()
            },
            "US",
            2026,
        )
        .unwrap_err();
        assert!(errors.get("phone").is_some());
    }

    #[test]
    fn a_vehicles_blank_year_and_make_are_read_from_its_vin_but_typed_ones_stay() {
        let blank = LeadInput {
            name: "Ana Diaz".into(),
            email: "ana@example.com".into(),
            owned_vin: "1FTFW1ET9DFC10312".into(),
            interest_vin: "5YJ3E1EA2KF317000".into(),
            interest_make: "Tesla Motors".into(),
            ..Default::default()
        };
        let f = lead(&blank, "US", 2026).unwrap();
        assert_eq!(
            (f.owned_year, f.owned_make.as_deref()),
            (Some(2013), Some("Ford"))
        );
        assert_eq!(f.interest_year, Some(2019));
        assert_eq!(
            f.interest_make.as_deref(),
            Some("Tesla Motors"),
            "typed, kept"
        );
        assert_eq!(capitalised("MERCEDES-BENZ"), "Mercedes-Benz");
        assert_eq!(capitalised("GMC"), "GMC");
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = LeadInput {
            name: " ".into(),
            email: "nope".into(),
            phone: "12".into(),
            interest_year: "1850".into(),
            interest_vin: "1HGCM82643A004352".into(),
            budget_min: "900".into(),
            budget_max: "100".into(),
            time_zone: "Mars/Olympus".into(),
            ..Default::default()
        };
        let errors = lead(&bad, "US", 2026).unwrap_err();
        for field in [
            "name",
            "email",
            "phone",
            "interest_year",
            "interest_vin",
            "budget_max",
            "time_zone",
        ] {
            assert!(errors.get(field).is_some(), "no message for {field}");
        }
    }

    #[test]
    fn a_known_time_zone_is_kept_in_its_canonical_spelling() {
        let fields = lead(
            &LeadInput {
                time_zone: " America/Chicago ".into(),
                ..input()
            },
            "US",
            2026,
        )
        .unwrap();
        assert_eq!(fields.time_zone.as_deref(), Some("America/Chicago"));
    }

    #[test]
    fn tags_are_cleaned() {
        assert_eq!(
            tags(" Trade-In, SUV;suv ,, "),
            Ok(vec!["trade-in".to_string(), "suv".to_string()])
        );
        assert!(tags(&"x,".repeat(21)).is_ok(), "duplicates collapse");
        assert!(tags(
            &(0..21)
                .map(|i| format!("t{i}"))
                .collect::<Vec<_>>()
                .join(",")
        )
        .is_err());
    }

    #[test]
    fn money_accepts_currency_formatting() {
        assert_eq!(money("$450,000"), Ok(450_000));
        assert!(money("-5").is_err());
        assert!(money("lots").is_err());
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_form_is_either_stored_or_told_what_is_wrong(
            name in ".{0,30}", email in ".{0,30}", phone in "[0-9 +()-]{0,16}",
            year in ".{0,6}", budget in ".{0,10}", tags in ".{0,60}",
        ) {
            let form = LeadInput {
                name, email, phone, interest_year: year, budget_min: budget, tags,
                ..Default::default()
            };
            match lead(&form, "US", 2026) {
                Ok(fields) => prop_assert!(!fields.name.is_empty()),
                Err(errors) => prop_assert!(!errors.is_empty()),
            }
        }

        #[test]
        fn every_formatted_amount_reads_back(amount in 0i32..=i32::MAX) {
            let formatted = format!("${}", amount.to_string().as_bytes().rchunks(3).rev()
                .map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(","));
            prop_assert_eq!(money(&formatted), Ok(amount));
        }

        #[test]
        fn model_years_run_from_1900_to_two_years_ahead(y in 1800i16..2100) {
            prop_assert_eq!(year(&y.to_string(), 2026).is_ok(), (1900..=2028).contains(&y));
        }
    }
}
