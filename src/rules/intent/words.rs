//! Word lists and the small matchers every language's rules use.

pub(super) const NEGATIONS: &str = "don't dont not never pas ne n jamais";
/// Dropped before matching phrases: "please don't ever text me" is "don't text me".
pub(super) const SOFTENERS: &str = "please pls plz kindly just ever really";

/// The entries of a comma-separated list of phrases.
pub(super) fn phrases(list: &str) -> impl Iterator<Item = &str> {
    list.split(", ")
}

/// The word is one of a space-separated list.
pub(super) fn among(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

pub(super) fn has(words: &[&str], word: &str) -> bool {
    words.contains(&word)
}

/// Two words in a row, the first in one of the `first` lists, the second in one of `second`.
pub(super) fn follows(words: &[&str], first: &[&str], second: &[&str]) -> bool {
    words
        .windows(2)
        .any(|w| first.iter().any(|l| among(l, w[0])) && second.iter().any(|l| among(l, w[1])))
}

/// Past words of the `skip` lists, the next word is in one of the `nouns` lists; reaching
/// the end counts if `end`.
pub(super) fn then_noun(rest: &[&str], skip: &[&str], nouns: &[&str], end: bool) -> bool {
    let any = |lists: &[&str], w: &str| lists.iter().any(|list| among(list, w));
    match rest.iter().find(|w| !any(skip, w)) {
        None => end,
        Some(w) => any(nouns, w),
    }
}

pub(super) fn negated_before(words: &[&str], i: usize) -> bool {
    words[i.saturating_sub(3)..i]
        .iter()
        .any(|w| among(NEGATIONS, w))
}
