//! Rules for the fields of a user account.

pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 128;

pub fn person_name(input: &str) -> Result<String, String> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("Enter a name.".into()),
        1..=200 => Ok(name),
        _ => Err("Use at most 200 characters.".into()),
    }
}

/// Length is what makes a password strong; no composition rules (NIST SP 800-63B).
pub fn new_password(input: &str) -> Result<(), String> {
    match input.chars().count() {
        n if n < MIN_PASSWORD => Err(format!("Use at least {MIN_PASSWORD} characters.")),
        n if n > MAX_PASSWORD => Err(format!("Use at most {MAX_PASSWORD} characters.")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_inner_space_collapsed() {
        assert_eq!(
            person_name("  Ana   María  López "),
            Ok("Ana María López".into())
        );
    }

    #[test]
    fn blank_and_overlong_names_are_refused() {
        assert!(person_name("   ").is_err());
        assert!(person_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn passwords_need_twelve_to_128_characters() {
        assert!(new_password("short").is_err());
        assert!(new_password("exactly12chr").is_ok());
        assert!(new_password(&"p".repeat(129)).is_err());
        assert!(new_password("ünïcödé-pässwörd").is_ok());
    }
}
