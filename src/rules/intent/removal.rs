//! Asking to be removed from a list, denying consent, and doubtful mentions.

use super::english::{opt_out_words, MESSAGES};
use super::french::FR_UNSUBSCRIBE;
use super::keyword::is_filler;
use super::words::*;

/// What a sentence asks for in plain words. `Review`: it may ask to stop, a person decides.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Ask {
    No,
    Review,
    Stop,
}

pub(super) const REMOVE: &str = "remove delete erase unsubscribe unsub unlist unenroll deregister";
pub(super) const PERSONAL: &str =
    "number name phone cell info information details contact data email \
    mobile";
/// What one is removed from when it is the messages.
pub(super) const LISTS: &str =
    "list lists mailing contacts database system records group chat thread \
    campaign program";
/// Passed over after "from" or "off": "from (all of) your list", "off, thanks".
pub(super) const LEAD_INS: &str =
    "the your ur this these that all of my our any it thanks now asap ok \
    immediately too";

/// "me", "us", "my number", "this number": the words after it.
pub(super) fn self_object<'s, 'a>(rest: &'s [&'a str]) -> Option<&'s [&'a str]> {
    match rest {
        [who, tail @ ..] if matches!(*who, "me" | "us" | "myself") => Some(tail),
        // "remove number", "delete name from list"
        [what, tail @ ..] if matches!(*what, "number" | "name" | "info") => Some(tail),
        [whose, what, tail @ ..]
            if matches!(*whose, "my" | "our" | "this" | "that") && among(PERSONAL, what) =>
        {
            let personal = tail.iter().take_while(|w| among(PERSONAL, w)).count();
            Some(&tail[personal..])
        }
        _ => None,
    }
}

/// Where the text asks to be removed from: `Stop` for the list or the messages, `Review`
/// for something else ("from the waitlist", "as co-signer"), `nowhere` when it says nothing.
pub(super) fn removed_from(rest: &[&str], nowhere: Ask) -> Ask {
    let Some((first, tail)) = rest.split_first() else {
        return Ask::Stop;
    };
    if !matches!(*first, "from" | "off" | "of" | "out") {
        return nowhere;
    }
    let mut tail = tail.iter().skip_while(|w| among(LEAD_INS, w));
    let (noun, next) = (tail.next(), tail.next());
    match noun {
        None => Ask::Stop,
        Some(w) if among(LISTS, w) || among(MESSAGES, w) => match next {
            Some(&"for") => Ask::Review,
            _ => Ask::Stop,
        },
        // "contact list", "text list"; not "wait list", "hold list".
        Some(w) if matches!(next, Some(&("list" | "lists"))) && !among(OTHER_LISTS, w) => Ask::Stop,
        Some(_) => Ask::Review,
    }
}

pub(super) const OTHER_LISTS: &str = "wait waiting hold priority reservation order interest build \
    delivery";

/// After "remove me", words that start another thought: "remove me and my wife".
pub(super) const THEN_OK: &str = "and too also i i'm im we not no thank";
/// A question or a subject before a final "remove" makes it about something else.
pub(super) const ASKING: &str = "what which who how where why should to i we you can could it";

/// "remove me", "delete my number", "take me off the list", "I'd like to be removed".
pub(super) fn removal(words: &[&str]) -> Ask {
    let mut ask = Ask::No;
    for i in 0..words.len() {
        if i > 0 && among(NEGATIONS, words[i - 1]) {
            continue;
        }
        let rest = &words[i + 1..];
        let found = match words[i] {
            verb if among(REMOVE, verb) => match self_object(rest) {
                Some(tail)
                    if tail
                        .first()
                        .is_none_or(|w| among(THEN_OK, w) || is_filler(&[*w])) =>
                {
                    Ask::Stop
                }
                Some(tail) => removed_from(tail, Ask::Review),
                // "not interested, please remove" but not "which one should I remove?"
                None if rest.is_empty() => {
                    if words[..i].iter().any(|w| among(ASKING, w)) {
                        Ask::No
                    } else {
                        Ask::Stop
                    }
                }
                // "remove from your list", not "remove from the cart".
                None => match removed_from(rest, Ask::No) {
                    Ask::Stop => Ask::Stop,
                    _ => Ask::No,
                },
            },
            "take" | "get" | "drop" => self_object(rest).map_or(Ask::No, taken_off),
            // "I want off this list"
            "want" | "wanna" if rest.first() == Some(&"off") => taken_off(rest),
            "removed" if removed_self(&words[..i]) => removed_from(rest, Ask::Review),
            _ => Ask::No,
        };
        ask = ask.max(found);
    }
    ask
}

/// After "take me": "off" (the list), or "out of" the list. "Drop me off at the door" is a
/// ride; "take me off the waitlist" is for a person.
pub(super) fn taken_off(rest: &[&str]) -> Ask {
    match rest {
        ["off"] => Ask::Stop,
        ["off", next, ..] if among(LEAD_INS, next) || among(LISTS, next) => {
            removed_from(rest, Ask::No)
        }
        // "get me out of your system", not "get me out of this lease".
        ["out", "of", ..] => match removed_from(rest, Ask::No) {
            Ask::Stop => Ask::Stop,
            _ => Ask::No,
        },
        _ => Ask::No,
    }
}

/// Someone asks that they, or their number, be removed ("can I be removed", "I want my
/// number removed"), not a dent.
pub(super) fn removed_self(before: &[&str]) -> bool {
    matches!(
        before,
        [.., "want" | "like" | "wish" | "need", "to", "be"]
            | [.., "i" | "we", "be" | "get"]
            | [.., "wanna" | "gotta", "be"]
    ) || matches!(before, [.., "my" | "our", what] if among(PERSONAL, what))
}

/// "I never gave you my number", "I didn't sign up for this": no consent, says the sender.
pub(super) fn denies_consent(words: &[&str]) -> bool {
    let verbs = "gave give signed sign agreed opted subscribed consented";
    let denied = words
        .windows(2)
        .any(|w| among("never didn't didnt not", w[0]) && among(verbs, w[1]));
    let what = "permission number consent up this in to";
    (denied && words.iter().any(|w| among(what, w)))
        || words.windows(4).any(|w| w == ["did", "you", "get", "my"])
}

/// "Not interested" alone may mean this offer or every message, and a denial of consent
/// may or may not ask to stop: a person decides.
pub(super) fn doubtful(words: &[&str]) -> bool {
    let not_interested = words
        .windows(2)
        .position(|w| matches!(w[0], "not" | "longer" | "no") && w[1] == "interested");
    not_interested.is_some_and(|i| words[i + 2..].iter().all(|w| is_filler(&[*w])))
        || denies_consent(words)
        || opt_out_words(words)
            .into_iter()
            .any(|i| negated_before(words, i))
        || (0..words.len()).any(|i| among(FR_UNSUBSCRIBE, words[i]) && negated_before(words, i))
}

/// A person who asks for contact another way ("don't call me, text me instead") has not
/// clearly withdrawn consent to the messages.
pub(super) fn asks_for_other_contact(sentences: &[Vec<&str>]) -> bool {
    let instead = |s: &Vec<&str>| {
        s.iter().any(|w| among("instead rather", w))
            || s.windows(2)
                .any(|w| matches!(w, ["en", "vez"] | ["en", "lugar"] | ["la", "place"]))
    };
    let positive = |s: &Vec<&str>| {
        let contact_me = follows(
            s,
            &["text call email message txt contact phone ring appelez ecrivez textez"],
            &["me us moi"],
        ) || s
            .iter()
            .any(|w| among("escribeme escribanme mandame mandenme llamame llamenme", w));
        contact_me
            && !s
                .iter()
                .any(|w| among(NEGATIONS, w) || among("no stop quit", w))
    };
    sentences.iter().any(|s| instead(s) || positive(s))
}
