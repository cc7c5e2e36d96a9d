//! Plain-language requests in English to stop texting or calling.

use super::keyword::is_filler;
use super::words::*;

pub(super) const CONTACT_VERBS: &str =
    "text texting texts txt txting message messaging messages msg \
    msging contact contacting call calling send sending sms email emailing write writing ping \
    dm reach";

/// What is being sent, as people name it.
pub(super) const MESSAGES: &str =
    "texts text txts messages msgs sms notifications alerts promotions \
    promos offers ads marketing spam emails calls robocalls subscription updates reminders \
    newsletter newsletters mailings";

/// Words between a verb and the messages it is about: "no more of these annoying texts".
pub(super) const MESSAGE_SKIP: &str =
    "the these those your ur all any more this my our with further so \
    many too annoying stupid constant promotional";
/// And between "don't want" and the messages: "don't want to receive any more texts".
pub(super) const WANT_SKIP: &str = "to receive receiving get getting from you anymore";

pub(super) fn stop_negated(words: &[&str]) -> bool {
    words.windows(2).any(|w| {
        matches!(w[0], "don't" | "dont" | "not" | "never") && matches!(w[1], "stop" | "quit")
    })
}

/// Someone else does the contacting: "you don't text me anymore?", "they never call".
pub(super) const SUBJECTS_OTHER: &str = "you u guys they he she it nobody y'all";

/// "please stop texting me", "don't text me anymore", "do not contact this number"; not
/// "you never text me back", which complains of the opposite.
pub(super) fn stops_contact(words: &[&str]) -> bool {
    let request = |i: usize, verb: usize| {
        let someone_else = i > 0 && among(SUBJECTS_OTHER, words[i - 1]);
        let call_back = words.get(verb + 2) == Some(&"back");
        among(CONTACT_VERBS, words[verb]) && !(someone_else || call_back)
    };
    let do_not = (0..words.len().saturating_sub(2))
        .any(|i| words[i] == "do" && words[i + 1] == "not" && request(i, i + 2));
    let stop_verb = (0..words.len().saturating_sub(1))
        .any(|i| matches!(words[i], "stop" | "quit") && request(i, i + 1));
    let not_again = (0..words.len().saturating_sub(1))
        .any(|i| matches!(words[i], "don't" | "dont" | "never" | "stop") && request(i, i + 1))
        && ["me", "us", "anymore", "number", "again"]
            .iter()
            .any(|w| has(words, w));
    do_not || (!stop_negated(words) && (stop_verb || not_again))
}

/// Words that make "don't call me" a restriction, not a revocation: "don't call me at
/// work", "do not call before noon", "no me llames, estoy manejando".
pub(super) const RESTRICTIONS: &str =
    "before after during until till today tonight tomorrow while \
    between past weekend weekends morning mornings evening evenings night nights late early \
    work working driving busy meeting sleeping yet manana hoy manejando ocupado ocupada \
    trabajando noche temprano";

/// A plain-language request to stop the messages ("stop the texts", "no more promos",
/// "cancel my subscription", "I don't want these texts", "unsubscribe me").
pub(super) fn asks_to_stop(words: &[&str]) -> bool {
    let stop_negated = stop_negated(words);
    // "cancel the subscription to SiriusXM" is about the car.
    let other_subscription = words
        .windows(2)
        .any(|w| w[0] == "subscription" && matches!(w[1], "to" | "for" | "on" | "with"));
    let stop_the_messages = !other_subscription
        && (0..words.len()).any(|i| {
            matches!(words[i], "stop" | "quit" | "cancel" | "end" | "pause")
                && then_noun(&words[i + 1..], &[MESSAGE_SKIP], &[MESSAGES], false)
        });
    (!stop_negated && stop_the_messages)
        || no_more_messages(words)
        || messages_must_stop(words)
        || follows(
            words,
            &["stop", "quit"],
            &["bothering", "spamming", "harassing", "pestering", "blowing"],
        )
        || unwanted_messages(words)
        || (follows(words, &["leave"], &["me", "us"]) && has(words, "alone"))
        || words.windows(3).any(|w| {
            matches!(w[0], "lose" | "forget") && matches!(w[1], "my" | "this") && w[2] == "number"
        })
        || opts_out(words)
        || (has(words, "wrong") && has(words, "number"))
}

pub(super) const AFTER_NO_TEXTS: &str = "anymore again ever more period from you u thank";

/// "no more texts", "no texts", "enough with the messages", "done with your promos".
pub(super) fn no_more_messages(words: &[&str]) -> bool {
    let skip = [MESSAGE_SKIP, "of"];
    (0..words.len()).any(|i| {
        let rest = &words[i + 1..];
        match words[i] {
            "no" if rest.first() == Some(&"more") => then_noun(rest, &skip, &[MESSAGES], false),
            // "no texts (please)", not "no text yet from the finance guy".
            "no" => {
                rest.first().is_some_and(|w| among(MESSAGES, w))
                    && rest[1..]
                        .iter()
                        .all(|w| is_filler(&[*w]) || among(AFTER_NO_TEXTS, w))
            }
            "enough" if i == 0 => then_noun(rest, &skip, &[MESSAGES], false),
            "done" => rest.first() == Some(&"with") && then_noun(rest, &skip, &[MESSAGES], false),
            _ => false,
        }
    })
}

/// "I need these texts to stop", "the messages have to end".
pub(super) fn messages_must_stop(words: &[&str]) -> bool {
    !words.iter().any(|w| among(NEGATIONS, w))
        && (2..words.len()).any(|i| {
            matches!(words[i], "stop" | "end")
                && words[i - 1] == "to"
                && words[i.saturating_sub(5)..i]
                    .iter()
                    .any(|w| among(MESSAGES, w))
        })
}

/// "I don't want these texts", "I no longer want these", "I do not wish to receive these",
/// "not interested in your messages".
pub(super) fn unwanted_messages(words: &[&str]) -> bool {
    let skip = [MESSAGE_SKIP, WANT_SKIP];
    // "I don't want the texts to stop" asks for the opposite.
    if words
        .windows(2)
        .any(|w| w[0] == "to" && matches!(w[1], "stop" | "end"))
    {
        return false;
    }
    (1..words.len()).any(|i| {
        let before = words[i - 1];
        let negated = matches!(before, "don't" | "dont" | "not" | "longer" | "never");
        let rest = &words[i + 1..];
        match words[i] {
            "want" | "need" | "wish" if negated => {
                then_noun(rest, &skip, &[MESSAGES], false) || points_at_them(rest, before)
            }
            "interested" if negated => then_noun(
                rest,
                &["in", "the", "your", "these", "any"],
                &[MESSAGES],
                false,
            ),
            _ => false,
        }
    })
}

/// "these" with nothing after it is the messages when the sentence is about receiving
/// them or no longer wanting them ("I do not wish to receive these").
pub(super) fn points_at_them(rest: &[&str], before: &str) -> bool {
    let within = |w: &&str| among(MESSAGE_SKIP, w) || among(WANT_SKIP, w);
    rest.iter().all(within)
        && rest.iter().any(|w| matches!(*w, "these" | "those" | "any"))
        && (before == "longer"
            || rest
                .iter()
                .any(|w| matches!(*w, "receive" | "receiving" | "get" | "getting")))
}

/// "unsubscribe", "opt out" and "revoke" anywhere, unless negated ("don't unsubscribe").
pub(super) fn opts_out(words: &[&str]) -> bool {
    opt_out_words(words)
        .into_iter()
        .any(|i| !negated_before(words, i))
}

pub(super) fn opt_out_words(words: &[&str]) -> Vec<usize> {
    (0..words.len())
        .filter(|&i| match words[i] {
            "unsubscribe" | "optout" | "revoke" | "unsub" => true,
            "opt" => matches!(words.get(i + 1), Some(&("out" | "me"))),
            _ => false,
        })
        .collect()
}
