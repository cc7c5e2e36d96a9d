use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Validation messages keyed by form field name (the server function's argument name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// Records the first message for a field; later ones for the same field are dropped.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Every message, prefixed with its field, for reports that list them together.
    pub fn messages(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(field, message)| format!("{}: {message}", field.replace('_', " ")))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Collects the error of a parse result, keeping the value when it parsed.
    pub fn check<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.add(field, e.to_string())).ok()
    }

    /// An optional field: `None` when left blank, else its parsed value or its message.
    pub fn optional<T, E: ToString>(
        &mut self,
        field: &str,
        value: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match value.trim() {
            "" => None,
            given => self.check(field, parse(given)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_field_left_blank_is_none_and_no_message() {
        let mut errors = FieldErrors::default();
        let parse = |v: &str| v.parse::<i32>().map_err(|_| "a number");
        assert_eq!(errors.optional("n", "  ", parse), None);
        assert_eq!(errors.optional("n", " 7 ", parse), Some(7));
        assert_eq!(errors.optional("m", "x", parse), None);
        assert_eq!(errors.get("n"), None);
        assert_eq!(errors.get("m"), Some("a number"));
    }

    #[test]
    fn keeps_the_first_message_per_field() {
        let mut errors = FieldErrors::default();
        errors.add("email", "first");
        errors.add("email", "second");
        assert_eq!(errors.get("email"), Some("first"));
        assert_eq!(errors.get("name"), None);
    }

    #[test]
    fn check_records_errors_and_passes_values() {
        let mut errors = FieldErrors::default();
        assert_eq!(errors.check::<_, String>("a", Ok(1)), Some(1));
        assert_eq!(errors.check::<i32, _>("b", Err("bad")), None);
        assert_eq!(errors.get("b"), Some("bad"));
        assert!(!errors.is_empty());
    }
}
