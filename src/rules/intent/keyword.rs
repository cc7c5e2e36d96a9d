//! Opt-out keywords and the words allowed around them.

use super::words::*;

pub(super) const OPT_OUT: &str =
    "stop, stopall, end, unsubscribe, cancel, quit, revoke, optout, opt out, \
    stop all";
/// A slip away from a keyword, but words of their own; "subscribe" means the opposite.
pub(super) const NOT_KEYWORDS: &str = "spot cancer subscribe subscribed resubscribe resubscribed";
/// Said on their own, removal requests too. Exact spelling only: "remote", "removed".
pub(super) const REQUESTS: &str = "remove unsub";
/// The Spanish and French keywords carriers honour.
pub(super) const FOREIGN: &str = "parar, detener, cancelar, no mas, dar de baja, arret, arreter, \
    desabonner, desinscrire, desabonnement, desinscription";
/// Everyday Spanish words ("para" is "for", "alto" "tall", "baja" "low"): keywords only
/// when they are the whole text.
pub(super) const ALONE_ONLY: &str = "alto para baja";

pub(super) const FILLER: &str =
    "please, pls, plz, it, now, me, ok, okay, thanks, thank you, all, this, \
    por favor, porfa, gracias, svp, stp, merci, s il vous plait, s il te plait";
/// Around an opt-out keyword only: "no start" is a car that will not start, not an opt-in.
pub(super) const OPT_OUT_FILLER: &str =
    "no, and, non, these, sorry, hi, hello, hey, just, kindly, \
    i said, said, for now, for good, forever, asap, immediately, right now, right away, \
    already, thx, ty, thank u, ya, ahora, moi, maintenant";

/// Optimal string alignment distance (adjacent transpositions count as one edit).
pub(super) fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Runs of one letter collapse ("stoppp" reads "stop").
pub(super) fn collapse_repeats(word: &str) -> impl Iterator<Item = char> + '_ {
    let mut last = None;
    word.chars().filter(move |c| last.replace(*c) != Some(*c))
}

pub(super) fn same_collapsed(a: &str, b: &str) -> bool {
    collapse_repeats(a).eq(collapse_repeats(b))
}

/// The word is an opt-out keyword, allowing for a slip of the keyboard. Short keywords
/// forgive only swapped or doubled letters: one other letter turns "stop" into "shop" or
/// "step" and "quit" into "quite", which are words of their own.
pub(super) fn is_keyword(word: &str) -> bool {
    if among(NOT_KEYWORDS, word) {
        return false;
    }
    phrases(OPT_OUT).any(|k| match k.len() {
        0..=3 => word == k,
        4..=5 => {
            word == k
                || collapse_repeats(word).eq(k.chars())
                || (word.len() == k.len() && same_letters(word, k) && within(word, k, 1))
        }
        6..=7 => within(word, k, 1),
        _ => within(word, k, 2),
    })
}

pub(super) fn same_letters(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes().to_vec(), b.as_bytes().to_vec());
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// At most `edits` apart. Each edit adds or takes away at most one of each letter, so the
/// length and the letter counts rule most words out before the distance is computed.
pub(super) fn within(word: &str, keyword: &str, edits: usize) -> bool {
    if word.chars().count().abs_diff(keyword.len()) > edits {
        return false;
    }
    let mut counts = [0i32; 128];
    for c in word.chars() {
        counts[if c.is_ascii() { c as usize } else { 0 }] += 1;
    }
    for b in keyword.bytes() {
        counts[usize::from(b & 0x7F)] -= 1;
    }
    let extra: i32 = counts.iter().filter(|n| **n > 0).sum();
    let missing: i32 = -counts.iter().filter(|n| **n < 0).sum::<i32>();
    extra.max(missing) <= edits as i32 && distance(word, keyword) <= edits
}

/// Foreign keywords forgive a slip only when long ("arretez", "desabonne"): short ones are
/// a letter away from everyday words ("alto" / "alot").
pub(super) fn is_foreign_keyword(word: &str) -> bool {
    phrases(FOREIGN).any(|k| same_collapsed(word, k) || (k.len() >= 7 && within(word, k, 1)))
}

/// "stopstop": a keyword typed more than once without a space.
pub(super) fn repeats_keyword(word: &str) -> bool {
    phrases(OPT_OUT).any(|k| {
        word.len() > k.len()
            && word.len().is_multiple_of(k.len())
            && word == k.repeat(word.len() / k.len())
    })
}

/// One to three words that make one keyword ("stop", "opt out", "un subscribe", "no mas").
pub(super) fn keyword_part(part: &[&str]) -> bool {
    let spaced = part.join(" ");
    // "st0p": a zero typed for the letter.
    let zero_for_o = spaced.contains('0')
        && spaced.contains(char::is_alphabetic)
        && is_keyword(&spaced.replace('0', "o"));
    is_keyword(&spaced)
        || zero_for_o
        || (part.len() > 1 && is_keyword(&part.concat()))
        || is_foreign_keyword(&spaced)
        || (part.len() == 1 && (among(REQUESTS, part[0]) || repeats_keyword(part[0])))
}

pub(super) fn is_filler(part: &[&str]) -> bool {
    let spaced = part.join(" ");
    phrases(FILLER)
        .chain(phrases(OPT_OUT_FILLER))
        .any(|f| f == spaced)
}

/// What one to three words in a row are.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Span {
    Nothing,
    Filler,
    /// A keyword only when the text is nothing else ("para").
    Alone,
    Keyword,
}

/// `spans[i][n - 1]`: what the `n` words from `i` are. Worked out once per text: the
/// readings below try many stretches of the same words.
pub(super) fn read_spans(words: &[&str]) -> Vec<[Span; 3]> {
    let span = |part: &[&str]| {
        if keyword_part(part) {
            Span::Keyword
        } else if part.len() == 1 && among(ALONE_ONLY, part[0]) {
            Span::Alone
        } else if is_filler(part) {
            Span::Filler
        } else {
            Span::Nothing
        }
    };
    (0..words.len())
        .map(|i| {
            let mut row = [Span::Nothing; 3];
            for n in 1..=3.min(words.len() - i) {
                row[n - 1] = span(&words[i..i + n]);
            }
            row
        })
        .collect()
}

/// Words `from..to` are keywords and filler only, at least one keyword: "STOP STOP",
/// "unsubscribe stop", "stop please thank you". `alone`: they are the whole text.
pub(super) fn only_keywords(spans: &[[Span; 3]], from: usize, to: usize, alone: bool) -> bool {
    // reach[i]: the words up to from + i read as keywords and filler, and whether a
    // keyword was among them.
    let mut reach: Vec<Option<bool>> = vec![None; to - from + 1];
    reach[0] = Some(false);
    for i in from..to {
        let Some(seen) = reach[i - from] else {
            continue;
        };
        for n in 1..=3.min(to - i) {
            let keyword = match spans[i][n - 1] {
                Span::Keyword => true,
                Span::Alone => alone,
                _ => false,
            };
            if keyword || spans[i][n - 1] == Span::Filler {
                let next = &mut reach[i - from + n];
                *next = Some(*next == Some(true) || seen || keyword);
            }
        }
    }
    reach[to - from] == Some(true)
}

/// "Can you stop?", "could you stop please".
pub(super) fn asks_politely_to_stop(words: &[&str]) -> bool {
    match words {
        [modal, you, rest @ ..] => {
            matches!(*modal, "can" | "could" | "would" | "will")
                && matches!(*you, "you" | "u")
                && strip_filler(&rest.join(" ")) == "stop"
        }
        _ => false,
    }
}

/// What people say around a STOP when they complain about the messages.
pub(super) const COMPLAINTS: &str =
    "interested told who who's number signed list consent wrong stranger \
    unsubscribe remove spam spamming annoying harassment harassing tired sick many";
/// A STOP after these is part of a question or a statement: "should I stop", "how to stop".
pub(super) const SUBJECTS: &str =
    "i we you u to can should could would will don't dont not never do does \
    did it they he she must gonna might why how what when";
/// After these, a STOP is followed by why: "STOP I'm not interested", "stop who is this".
pub(super) const REASONS: &str = "i i'm im who who's whos not wrong this you're";

/// The longest run of keywords tried at the start or the end of a text.
pub(super) const RUN: usize = 8;

/// A keyword said with a complaint: a sentence of its own that is only keywords, last
/// ("Who is this? STOP") or anywhere in a complaint ("STOP. I never signed up"), or
/// keywords opening or closing a complaint ("not interested please stop").
pub(super) fn keyword_with_complaint(
    sentences: &[Vec<&str>],
    words: &[&str],
    spans: &[[Span; 3]],
) -> bool {
    let complains = |part: &[&str]| part.iter().any(|w| among(COMPLAINTS, w));
    let said: Vec<bool> = sentences
        .iter()
        .map(|s| only_keywords(&read_spans(s), 0, s.len(), false))
        .collect();
    let n = words.len();
    said.last() == Some(&true)
        || (said.contains(&true) && complains(words))
        || (1..n).any(|k| {
            // A run of keywords is a few words long; longer ones need not be tried.
            let opens = k <= RUN && only_keywords(spans, 0, k, false) && among(REASONS, words[k]);
            let closes =
                n - k <= RUN && only_keywords(spans, k, n, false) && !among(SUBJECTS, words[k - 1]);
            (opens && complains(&words[k..])) || (closes && complains(&words[..k]))
        })
}

pub(super) fn strip_filler(mut text: &str) -> &str {
    loop {
        let before = text;
        for filler in phrases(FILLER) {
            if let Some(rest) = text
                .strip_prefix(filler)
                .filter(|r| r.is_empty() || r.starts_with(' '))
            {
                text = rest.trim_start();
            }
            if let Some(rest) = text
                .strip_suffix(filler)
                .filter(|r| r.is_empty() || r.ends_with(' '))
            {
                text = rest.trim_end();
            }
        }
        if text == before {
            return text;
        }
    }
}
