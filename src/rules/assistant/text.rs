//! Reading texts as words: lower case, accents folded, apostrophes dropped ("what's" reads
//! "whats", as people also type it), money, times and percentages kept whole ("$25,000",
//! "5:30pm", "20%"); and the phrase patterns every rule is written in.

use super::types::Turn;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words before a cue that turn it around: "not buying", "no complaints".
const NEGATIONS: &[&str] = &[
    "no", "not", "dont", "never", "without", "isnt", "wasnt", "nobody",
];

/// The words of a text. A word is letters and digits; `$` may start it, `%` end it, and
/// `,` `.` `:` join digits.
pub(super) fn words(text: &str) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| !matches!(c, '\'' | '’'))
        .collect();
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let digit_at = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(char::is_ascii_digit)
        };
        let joins_digits = matches!(c, ',' | '.' | ':')
            && digit_at(i.checked_sub(1))
            && digit_at(Some(i + 1))
            && !word.is_empty();
        let money = c == '$' && word.is_empty();
        let percent = c == '%' && word.ends_with(|d: char| d.is_ascii_digit());
        if c.is_alphanumeric() || joins_digits || money || percent {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A text cut into sentences at `.` `!` `?` and line breaks (not inside "$2.50"), trimmed,
/// empty ones dropped.
pub(super) fn sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let in_number = c == '.'
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && i > 0
            && chars[i - 1].is_ascii_digit();
        current.push(c);
        if matches!(c, '!' | '?' | '\n') || (c == '.' && !in_number) {
            push_trimmed(&mut out, &mut current);
        }
    }
    push_trimmed(&mut out, &mut current);
    out
}

fn push_trimmed(out: &mut Vec<String>, current: &mut String) {
    let trimmed = current.trim();
    if trimmed.chars().any(char::is_alphanumeric) {
        out.push(trimmed.to_string());
    }
    current.clear();
}

/// Where `pattern` occurs in `words`, as the index of its first word, but not where a
/// negation stands just before ("not buying"). The pattern is words separated by spaces; a
/// word ending in `*` matches any word it starts; `...` skips up to three words.
pub(super) fn find_affirmed<S: AsRef<str>>(words: &[S], pattern: &str) -> Option<usize> {
    let parts: Vec<&str> = pattern.split_whitespace().collect();
    (0..words.len()).find(|&i| matches_at(words, i, &parts) && !negated(words, i))
}

/// Words that may stand between a negation and what it negates: "not really buying".
const BETWEEN: &[&str] = &[
    "really", "even", "ever", "actually", "yet", "any", "a", "be", "to",
];

fn negated<S: AsRef<str>>(words: &[S], i: usize) -> bool {
    let at = |j: Option<usize>| j.map_or("", |j| words[j].as_ref());
    let (one, two) = (at(i.checked_sub(1)), at(i.checked_sub(2)));
    NEGATIONS.contains(&one) || (NEGATIONS.contains(&two) && BETWEEN.contains(&one))
}

fn matches_at<S: AsRef<str>>(words: &[S], i: usize, parts: &[&str]) -> bool {
    match parts.split_first() {
        None => true,
        Some((&"...", rest)) => (i..=(i + 3).min(words.len())).any(|j| matches_at(words, j, rest)),
        Some((part, rest)) => {
            words.get(i).is_some_and(|w| word_matches(w.as_ref(), part))
                && matches_at(words, i + 1, rest)
        }
    }
}

fn word_matches(word: &str, part: &str) -> bool {
    match part.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == part,
    }
}

/// Any pattern of a comma-separated list occurs (affirmed).
pub(super) fn any_of<S: AsRef<str>>(words: &[S], list: &str) -> bool {
    list.split(',')
        .any(|p| find_affirmed(words, p.trim()).is_some())
}

/// The customer's turns since the store last spoke (the ones a reply answers).
pub(super) fn latest_customer(turns: &[Turn]) -> &[Turn] {
    let start = turns.iter().rposition(|t| !t.customer).map_or(0, |i| i + 1);
    &turns[start..]
}

/// What the store said last before the latest customer turns, if anything.
pub(super) fn store_before_latest(turns: &[Turn]) -> Option<&Turn> {
    turns.iter().rev().find(|t| !t.customer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_money_times_and_percentages_whole() {
        let got = words("What's the OTD on a $25,000 car, 20% off? 5:30pm works.");
        assert_eq!(
            got,
            ["whats", "the", "otd", "on", "a", "$25,000", "car", "20%", "off", "5:30pm", "works"]
        );
    }

    #[test]
    fn words_fold_accents_and_split_hyphens() {
        assert_eq!(
            words("Sábado en la mañana, F-150"),
            ["sabado", "en", "la", "manana", "f", "150"]
        );
    }

    #[test]
    fn sentences_split_at_punctuation_but_not_inside_prices() {
        assert_eq!(
            sentences("Hi! Is it $2.50 a gallon? ok\nthanks 👍"),
            ["Hi!", "Is it $2.50 a gallon?", "ok", "thanks 👍"]
        );
    }

    #[test]
    fn patterns_take_stems_and_gaps() {
        let w = words("you charged my card twice");
        assert_eq!(find_affirmed(&w, "charged ... twice"), Some(1));
        assert_eq!(find_affirmed(&w, "charg*"), Some(1));
        assert_eq!(find_affirmed(&w, "card once"), None);
    }

    #[test]
    fn a_negated_cue_is_not_affirmed() {
        let w = words("no complaints, but im not buying");
        assert!(find_affirmed(&w, "complaint*").is_none());
        assert!(find_affirmed(&w, "buying").is_none());
        assert!(any_of(&w, "but, complaint*"));
    }

    #[test]
    fn the_latest_customer_turns_are_those_after_the_store_spoke() {
        let t = |customer, text: &str| Turn {
            customer,
            text: text.into(),
        };
        let turns = [t(true, "a"), t(false, "b"), t(true, "c"), t(true, "d")];
        assert_eq!(latest_customer(&turns).len(), 2);
        assert_eq!(store_before_latest(&turns).unwrap().text, "b");
        assert_eq!(latest_customer(&turns[..2]).len(), 0);
    }
}
