//! Turns a lead form as typed into the fields stored, or messages for each field.

use crate::model::{Email, FieldErrors, LeadInput, Vin, E164};
use crate::rules::account::person_name;
use crate::server::db::leads::LeadFields;

const MAX_TEXT: usize = 200;
const MAX_TAGS: usize = 20;

pub fn lead(input: &LeadInput, region: &str) -> Result<LeadFields, FieldErrors> {
    let mut errors = FieldErrors::default();
    let text = |value: &str| {
        Some(value.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };

    let name = errors
        .check("name", person_name(&input.name))
        .unwrap_or_default();
    let email = text(&input.email).and_then(|e| {
        errors
            .check("email", Email::parse(&e))
            .map(|e| e.as_str().to_string())
    });
    let phone = text(&input.phone).and_then(|p| {
        errors
            .check("phone", E164::parse(&p, region))
            .map(|p| p.as_str().to_string())
    });
    if input.email.trim().is_empty() && input.phone.trim().is_empty() {
        errors.add("phone", "Enter a phone number or an email address.");
    }
    let tags = errors.check("tags", tags(&input.tags)).unwrap_or_default();
    let mut short = |field: &str, value: &str| -> Option<String> {
        let value = text(value)?;
        if value.chars().count() > MAX_TEXT {
            errors.add(field, format!("Use at most {MAX_TEXT} characters."));
            return None;
        }
        Some(value)
    };
    let interest_make = short("interest_make", &input.interest_make);
    let interest_model = short("interest_model", &input.interest_model);
    let owned_make = short("owned_make", &input.owned_make);
    let owned_model = short("owned_model", &input.owned_model);
    let locations = short("locations", &input.locations);
    let property_type = short("property_type", &input.property_type);
    let timeline = short("timeline", &input.timeline);
    let time_zone = short("time_zone", &input.time_zone).and_then(|zone| {
        errors.check(
            "time_zone",
            zone.parse::<chrono_tz::Tz>()
                .map(|z| z.name().to_string())
                .map_err(|_| "Use a time zone name such as America/Chicago."),
        )
    });

    let interest_year =
        text(&input.interest_year).and_then(|y| errors.check("interest_year", year(&y)));
    let owned_year = text(&input.owned_year).and_then(|y| errors.check("owned_year", year(&y)));
    let interest_vin = text(&input.interest_vin).and_then(|v| {
        errors
            .check("interest_vin", Vin::parse(&v))
            .map(|v| v.as_str().to_string())
    });
    let owned_vin = text(&input.owned_vin).and_then(|v| {
        errors
            .check("owned_vin", Vin::parse(&v))
            .map(|v| v.as_str().to_string())
    });
    let budget_min = text(&input.budget_min).and_then(|b| errors.check("budget_min", money(&b)));
    let budget_max = text(&input.budget_max).and_then(|b| errors.check("budget_max", money(&b)));
    if let (Some(min), Some(max)) = (budget_min, budget_max) {
        if min > max {
            errors.add("budget_max", "The maximum must not be below the minimum.");
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(LeadFields {
        name,
        email,
        phone,
        tags,
        time_zone,
        interest_year,
        interest_make,
        interest_model,
        interest_vin,
        owned_year,
        owned_make,
        owned_model,
        owned_vin,
        budget_min,
        budget_max,
        locations,
        property_type,
        timeline,
    })
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

fn year(input: &str) -> Result<i16, String> {
    let next_year = chrono::Datelike::year(&chrono::Utc::now()) as i16 + 2;
    match input.trim().parse::<i16>() {
        Ok(y) if (1900..=next_year).contains(&y) => Ok(y),
        _ => Err(format!("Enter a year between 1900 and {next_year}.")),
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
        let fields = lead(&input(), "US").unwrap();
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
        )
        .unwrap_err();
        assert!(errors.get("phone").is_some());
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
        let errors = lead(&bad, "US").unwrap_err();
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
}
