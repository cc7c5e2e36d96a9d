//! "stop", "end", "quit", "cancel" in their everyday sense.

use super::english::CONTACT_VERBS;
use super::words::*;

pub(super) const TRIGGERS: &str = "stop stopall cancel quit end opt";
/// Before the word, it is a noun: "a stop", "the end", "bus stop", "year-end", "start-stop".
pub(super) const NOUN_BEFORE: &str =
    "a an the one next last first final every each more quick short full \
    rest pit bus truck train shuttle door glass gas back front rear tail dead high low top \
    bottom far deep west east north south year month week quarter other its his start hard my \
    your our their her";
/// "don't stop the deal", "the car won't stop pulling", "a non stop driver".
pub(super) const NEGATED_BEFORE: &str =
    "don't dont not won't wont never didn't didnt doesn't doesnt non";
/// After the word, it is part of a compound or a phrasal verb: "stop light", "end of",
/// "end up".
pub(super) const COMPOUND_AFTER: &str =
    "light lights sign signs sale sales gap watch loss motion start \
    go bar lamp leak table date dates result user cap game point zone line of up claim piece \
    switch button plate unit card";
/// A place, time or manner: "stop by", "stop at the bank", "end soon", "stop fine".
pub(super) const PLACE_TIME: &str =
    "by in at over on off into onto there here around somewhere near \
    early soon late later fine well quickly smoothly halfway suddenly";
/// "I can stop anytime", "stop tomorrow": a visit. ("Cancel anytime?" stays a question.)
pub(super) const VISIT_TIME: &str =
    "anytime whenever tomorrow monday tuesday wednesday thursday friday \
    saturday sunday";
/// Starting a clause about something else ("stop to get gas", "quit when I'm there").
pub(super) const LINKS: &str = "to when if because so and before after until till while since";
/// "the deal", "her job", "my appointment": an object that is not the messages (those were
/// recognised before).
pub(super) const OBJECTS: &str = "the my our your a an her his their its";
/// "-ing" words that are the messages, or may be: "stop doing that".
pub(super) const NOT_GERUNDS: &str =
    "doing everything anything something nothing bothering spamming \
    harassing pestering bugging blowing hounding bombarding";

/// "stop for lunch", not "stop for now" or "stop for a while".
pub(super) fn ordinary_for(then: Option<&str>, third: Option<&str>) -> bool {
    match then {
        Some("now" | "good" | "today" | "ever" | "real" | "me" | "us" | "awhile") | None => false,
        Some("a") => !third.is_some_and(|t| {
            matches!(
                t,
                "while" | "bit" | "few" | "couple" | "week" | "month" | "day" | "year"
            )
        }),
        Some(_) => true,
    }
}

/// The trigger at `i` is used in its everyday sense.
pub(super) fn ordinary(words: &[&str], i: usize) -> bool {
    let word = words[i];
    let before = i.checked_sub(1).map(|j| words[j]);
    let after = words.get(i + 1).copied();
    let then = words.get(i + 2).copied();
    if word == "opt" {
        return after == Some("for");
    }
    let noun = before.is_some_and(|b| among(NOUN_BEFORE, b) || among(NEGATED_BEFORE, b))
        || after.is_some_and(|a| among(COMPOUND_AFTER, a));
    let object = after.is_some_and(|a| among(OBJECTS, a) || (a == "that" && word != "stop"));
    let complement = match after {
        Some("for") => ordinary_for(then, words.get(i + 3).copied()),
        Some(a) if among(PLACE_TIME, a) => true,
        Some(a) if word == "stop" && among(VISIT_TIME, a) => true,
        Some(a) if among(LINKS, a) => then.is_some(),
        Some(a) => {
            a.len() > 4 && a.ends_with("ing") && !among(NOT_GERUNDS, a) && !among(CONTACT_VERBS, a)
        }
        None => false,
    };
    let sale_ends = word == "end" && ["when", "does", "the"].iter().any(|w| has(words, w));
    noun || object || complement || sale_ends
}

/// Some "stop", "end", "quit", "cancel" or "opt" that may be about the messages.
pub(super) fn mentions_stopping(words: &[&str]) -> bool {
    (0..words.len()).any(|i| among(TRIGGERS, words[i]) && !ordinary(words, i))
}
