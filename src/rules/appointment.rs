//! Appointment rules with no clock and no zone: reminder offsets as staff type them, the
//! reminder text (informational only: never a promotion), and what a customer's short
//! reply to a reminder means.

use crate::model::AppointmentType;
use crate::rules::assistant::promotional;
use crate::rules::intent::Intent;

/// The type a customer most likely means, and the one a booking form starts on: a test
/// drive for a car store, a showing for an agent, a visit, else the first.
pub fn likely_type(kinds: &[AppointmentType]) -> Option<&AppointmentType> {
    ["test drive", "showing", "visit"]
        .iter()
        .find_map(|word| kinds.iter().find(|k| k.name.to_lowercase().contains(word)))
        .or(kinds.first())
}

/// The first name a customer is called by in texts and calendar feeds: none when the lead
/// is named after a number (a lead made from a text), so no digit ever leaks.
pub fn first_name(name: &str) -> Option<&str> {
    name.split_whitespace().next().filter(|w| {
        !w.chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | '@'))
    })
}

/// The most reminders one type sends, and how early the earliest may go (14 days).
pub const MAX_REMINDERS: usize = 4;
pub const MAX_OFFSET_MINUTES: i32 = 14 * 24 * 60;

/// "24h, 2h" or "1d 30m" → minutes before the start, largest first, without repeats.
pub fn parse_offsets(text: &str) -> Result<Vec<i32>, String> {
    let mut out = Vec::new();
    for part in text
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let lower = part.to_ascii_lowercase();
        let (number, unit) = lower.split_at(
            lower
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(lower.len()),
        );
        let n: i32 = number.parse().map_err(|_| bad(part))?;
        let per = match unit {
            "m" | "min" | "mins" | "minutes" => 1,
            "h" | "hr" | "hrs" | "hours" | "hour" => 60,
            "d" | "day" | "days" => 24 * 60,
            _ => return Err(bad(part)),
        };
        let minutes = n.checked_mul(per).unwrap_or(i32::MAX);
        if !(1..=MAX_OFFSET_MINUTES).contains(&minutes) {
            return Err(format!(
                "“{part}”: a reminder goes from 1 minute to 14 days before."
            ));
        }
        out.push(minutes);
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    out.dedup();
    if out.len() > MAX_REMINDERS {
        return Err(format!("At most {MAX_REMINDERS} reminders per type."));
    }
    Ok(out)
}

fn bad(part: &str) -> String {
    format!("“{part}”: write reminders as 24h, 2h or 30m, separated by commas.")
}

/// 1440 → "24 h", 90 → "90 min", 2880 → "2 days".
pub fn offset_label(minutes: i32) -> String {
    match minutes {
        m if m % (24 * 60) == 0 && m > 24 * 60 => format!("{} days", m / (24 * 60)),
        m if m % 60 == 0 => format!("{} h", m / 60),
        m => format!("{m} min"),
    }
}

/// "24h, 2h" for the form, from stored offsets.
pub fn offsets_text(offsets: &[i32]) -> String {
    offsets
        .iter()
        .map(|m| match m {
            m if m % 60 == 0 => format!("{}h", m / 60),
            m => format!("{m}m"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields a reminder template may use.
pub const FIELDS: [&str; 4] = ["{store}", "{type}", "{when}", "{first_name}"];

/// A reminder template is informational: it may not read as a promotion, and it may only
/// use the known fields.
pub fn check_template(template: &str) -> Result<(), String> {
    let template = template.trim();
    if template.is_empty() || template.chars().count() > 480 {
        return Err("Write the reminder in 1 to 480 characters.".into());
    }
    if promotional(template) {
        return Err(
            "A reminder is informational: it cannot carry an offer, a sale or a discount.".into(),
        );
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c + 1);
        let field = close.map(|c| &rest[open..c]).unwrap_or(&rest[open..]);
        if !FIELDS.contains(&field) {
            return Err(format!("Unknown field {field}: use {}.", FIELDS.join(", ")));
        }
        rest = &rest[close.unwrap_or(rest.len())..];
    }
    Ok(())
}

pub struct ReminderFields<'a> {
    pub store: &'a str,
    pub type_name: &'a str,
    pub when: &'a str,
    pub first_name: &'a str,
}

pub fn render(template: &str, f: &ReminderFields) -> String {
    template
        .replace("{store}", f.store)
        .replace("{type}", &f.type_name.to_lowercase())
        .replace("{when}", f.when)
        .replace("{first_name}", f.first_name)
}

/// What a customer's reply means for their next appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Confirm,
    Reschedule,
    /// An opt-out: the visit stands, a person is told (SPEC §3.3 keeps CANCEL an opt-out).
    OptedOut,
    Other,
}

/// Reads a reply. `intent` is the consent reading of the same text, which always wins: a
/// bare CANCEL is an opt-out, never a quiet cancellation.
pub fn reply(text: &str, intent: Intent) -> Reply {
    if intent == Intent::OptOut {
        return Reply::OptedOut;
    }
    let word: String = text
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .to_ascii_lowercase();
    match word.as_str() {
        "c" | "confirm" | "confirmed" | "yes" | "y" => Reply::Confirm,
        "r" | "reschedule" => Reply::Reschedule,
        _ => Reply::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::intent::classify;

    #[test]
    fn a_lead_named_after_a_number_has_no_first_name() {
        assert_eq!(first_name("Maria Lopez"), Some("Maria"));
        assert_eq!(first_name("+1 312-555-0142"), None);
        assert_eq!(first_name("(312) 555-0142"), None);
        assert_eq!(first_name("4155550100"), None);
        assert_eq!(first_name("415-555-0100 cell"), None);
        assert_eq!(first_name("  "), None);
        assert_eq!(first_name("maria@example.com"), None);
    }

    #[test]
    fn offsets_read_in_hours_days_and_minutes() {
        assert_eq!(parse_offsets("24h, 2h"), Ok(vec![1440, 120]));
        assert_eq!(parse_offsets("30m 1d"), Ok(vec![1440, 30]));
        assert_eq!(parse_offsets("2h, 2h"), Ok(vec![120]));
        assert_eq!(parse_offsets(""), Ok(vec![]));
        assert!(parse_offsets("soon").is_err());
        assert!(parse_offsets("15d").is_err());
        assert!(
            parse_offsets("2982617d").is_err(),
            "no overflow wraps into range"
        );
        assert!(parse_offsets("1h 2h 3h 4h 5h").is_err());
        assert_eq!(offsets_text(&[1440, 120, 30]), "24h, 2h, 30m");
        assert_eq!(offset_label(1440), "24 h");
        assert_eq!(offset_label(2880), "2 days");
        assert_eq!(offset_label(45), "45 min");
    }

    #[test]
    fn a_reminder_template_may_not_promote() {
        assert!(check_template("Reminder from {store}: your {type} is {when}.").is_ok());
        assert!(check_template("Your {type} is {when}. 20% off accessories this week!").is_err());
        assert!(check_template("Don't miss our sale! {when}").is_err());
        assert!(check_template("Hi {name}").is_err());
        assert!(check_template("  ").is_err());
    }

    #[test]
    fn a_reminder_renders_its_fields() {
        let f = ReminderFields {
            store: "Acme Motors",
            type_name: "Test drive",
            when: "Tue 8 Dec, 10:00 am",
            first_name: "Ana",
        };
        assert_eq!(
            render("{first_name}, your {type} at {store} is {when}.", &f),
            "Ana, your test drive at Acme Motors is Tue 8 Dec, 10:00 am."
        );
    }

    #[test]
    fn replies_confirm_or_reschedule_and_cancel_stays_an_opt_out() {
        let read = |t: &str| reply(t, classify(t));
        assert_eq!(read("C"), Reply::Confirm);
        assert_eq!(read(" yes! "), Reply::Confirm);
        assert_eq!(read("r"), Reply::Reschedule);
        assert_eq!(read("CANCEL"), Reply::OptedOut);
        assert_eq!(read("STOP"), Reply::OptedOut);
        assert_eq!(read("can we do 3pm instead"), Reply::Other);
    }
}
