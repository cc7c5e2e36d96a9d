//! What an inbound text asks for (SPEC §3.3, 3.6, 3.7): a pure function, no network.
//!
//! Opt-out: the whole text is opt-out keywords (any case and any Unicode compatibility form
//! such as full-width letters; accents, surrounding space, punctuation, quotes and emoji
//! ignored; one slip of the keyboard forgiven on longer keywords; a keyword may be repeated
//! or joined by another; a few filler words like "please" or "it" allowed), including the
//! Spanish and French keywords carriers honour (ALTO, PARAR, BAJA, ARRÊT, ...); a sentence
//! of its own that is a keyword ("Who is this? STOP"); or a plain-language request to stop
//! or to be removed, in English, Spanish or French. A text that merely uses the word in
//! another sense ("stop by the store", "when does the sale end?", "cancel my appointment",
//! "a stop light", "I quit smoking") is not. Anything else that talks about stopping or
//! unsubscribing is `Unclear`: a person looks at it, and promotional messages wait.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    OptOut,
    /// START / UNSTOP.
    OptIn,
    /// YES: an opt-in only when the number is opted out.
    Yes,
    /// HELP / INFO.
    Help,
    Unclear,
    Other,
}

// ---------------------------------------------------------------------------------------
// Reading the text

/// Letters that NFKC leaves alone but that "fancy text" and look-alike typing use for Latin
/// ones (after lower-casing): small capitals, Canadian syllabics, Cyrillic and Greek. Each
/// pair is the look-alike, then its Latin letter.
const LOOK_ALIKES: &str =
    "ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz \
    ᗩa ᗷb ᑕc ᗪd ᖴf ᕼh ᒍj ᒪl ᗰm ᑎn ᑭp ᑫq ᖇr ᔕs ᑌu ᐯv ᗯw ᙭x ᘔz \
    аa вb еe іi јj кk мm нh оo рp сc ѕs тt уy хx \
    αa βb εe ζz ηh ιi κk μm νn οo ρp τt χx";

fn plain_letter(c: char) -> char {
    // Negative circled and negative squared capitals (🅐, 🅰) have no decomposition.
    let offset = |first: u32| (c as u32).checked_sub(first).filter(|o| *o < 26);
    if let Some(o) = offset(0x1F150).or_else(|| offset(0x1F170)) {
        return char::from(b'a' + o as u8);
    }
    if c.is_ascii() {
        return c;
    }
    LOOK_ALIKES
        .split_whitespace()
        .find_map(|pair| {
            let mut pair = pair.chars();
            (pair.next() == Some(c)).then(|| pair.next()).flatten()
        })
        .unwrap_or(c)
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Compatibility forms (full-width, mathematical, circled letters, ligatures) read as plain
/// letters, accents and invisible characters go, and everything but letters, digits and
/// apostrophes becomes a space. Lower case, single spaces.
fn normalise(text: &str) -> String {
    let plain: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(plain_letter)
        .nfd()
        .filter(|c| !is_combining_mark(*c) && !is_invisible(*c))
        .map(|c| match c {
            '’' | 'ʼ' => '\'',
            c if c.is_alphanumeric() || c == '\'' => c,
            _ => ' ',
        })
        .collect();
    let words: Vec<&str> = plain
        .split_whitespace()
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect();
    split_elisions(join_spelled_out(&words)).join(" ")
}

/// "S T O P" and "S.T.O.P." are one word: three or more single letters in a row.
fn join_spelled_out(words: &[&str]) -> Vec<String> {
    let single = |w: &&str| w.chars().count() == 1 && w.chars().all(char::is_alphabetic);
    let mut out = Vec::new();
    for run in words.chunk_by(|a, b| single(a) == single(b)) {
        if single(&run[0]) && run.len() >= 3 {
            out.push(run.concat());
        } else {
            out.extend(run.iter().map(|w| w.to_string()));
        }
    }
    out
}

/// French elisions are two words: "m'envoyez" reads "m envoyez", "s'il" "s il".
fn split_elisions(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        match word.split_once('\'') {
            Some((head @ ("m" | "n" | "l" | "d" | "j" | "s" | "t" | "c" | "qu"), tail))
                if !tail.is_empty() =>
            {
                out.push(head.to_string());
                out.push(tail.to_string());
            }
            _ => out.push(word),
        }
    }
    out
}

/// The text cut at sentence punctuation, each piece normalised; empty pieces dropped.
fn clauses(text: &str) -> Vec<String> {
    let text: String = text.nfkc().collect();
    text.split(['.', '!', '?', ';', ',', '\n', '¡', '¿'])
        .map(normalise)
        .filter(|c| !c.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Keywords

const OPT_OUT: &str = "stop, stopall, end, unsubscribe, cancel, quit, revoke, optout, opt out, \
    stop all";
/// A slip away from a keyword, but words of their own; "subscribe" means the opposite.
const NOT_KEYWORDS: &str = "spot cancer subscribe subscribed resubscribe resubscribed";
/// Said on their own, removal requests too. Exact spelling only: "remote", "removed".
const REQUESTS: &str = "remove unsub";
/// The Spanish and French keywords carriers honour.
const FOREIGN: &str = "parar, detener, cancelar, no mas, dar de baja, arret, arreter, \
    desabonner, desinscrire, desabonnement, desinscription";
/// Everyday Spanish words ("para" is "for", "alto" "tall", "baja" "low"): keywords only
/// when they are the whole text.
const ALONE_ONLY: &str = "alto para baja";

const FILLER: &str = "please, pls, plz, it, now, me, ok, okay, thanks, thank you, all, this, \
    por favor, porfa, gracias, svp, stp, merci, s il vous plait, s il te plait";
/// Around an opt-out keyword only: "no start" is a car that will not start, not an opt-in.
const OPT_OUT_FILLER: &str = "no, and, non, these, sorry, hi, hello, hey, just, kindly, \
    i said, said, for now, for good, forever, asap, immediately, right now, right away, \
    already, thx, ty, thank u, ya, ahora, moi, maintenant";

/// Optimal string alignment distance (adjacent transpositions count as one edit).
fn distance(a: &str, b: &str) -> usize {
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
fn collapse_repeats(word: &str) -> impl Iterator<Item = char> + '_ {
    let mut last = None;
    word.chars().filter(move |c| last.replace(*c) != Some(*c))
}

fn same_collapsed(a: &str, b: &str) -> bool {
    collapse_repeats(a).eq(collapse_repeats(b))
}

/// The word is an opt-out keyword, allowing for a slip of the keyboard. Short keywords
/// forgive only swapped or doubled letters: one other letter turns "stop" into "shop" or
/// "step" and "quit" into "quite", which are words of their own.
fn is_keyword(word: &str) -> bool {
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

fn same_letters(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes().to_vec(), b.as_bytes().to_vec());
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// At most `edits` apart. Each edit adds or takes away at most one of each letter, so the
/// length and the letter counts rule most words out before the distance is computed.
fn within(word: &str, keyword: &str, edits: usize) -> bool {
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
fn is_foreign_keyword(word: &str) -> bool {
    phrases(FOREIGN).any(|k| same_collapsed(word, k) || (k.len() >= 7 && within(word, k, 1)))
}

/// "stopstop": a keyword typed more than once without a space.
fn repeats_keyword(word: &str) -> bool {
    phrases(OPT_OUT).any(|k| {
        word.len() > k.len()
            && word.len().is_multiple_of(k.len())
            && word == k.repeat(word.len() / k.len())
    })
}

/// One to three words that make one keyword ("stop", "opt out", "un subscribe", "no mas").
fn keyword_part(part: &[&str]) -> bool {
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

fn is_filler(part: &[&str]) -> bool {
    let spaced = part.join(" ");
    phrases(FILLER)
        .chain(phrases(OPT_OUT_FILLER))
        .any(|f| f == spaced)
}

/// What one to three words in a row are.
#[derive(Clone, Copy, PartialEq)]
enum Span {
    Nothing,
    Filler,
    /// A keyword only when the text is nothing else ("para").
    Alone,
    Keyword,
}

/// `spans[i][n - 1]`: what the `n` words from `i` are. Worked out once per text: the
/// readings below try many stretches of the same words.
fn read_spans(words: &[&str]) -> Vec<[Span; 3]> {
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
fn only_keywords(spans: &[[Span; 3]], from: usize, to: usize, alone: bool) -> bool {
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
fn asks_politely_to_stop(words: &[&str]) -> bool {
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
const COMPLAINTS: &str = "interested told who who's number signed list consent wrong stranger \
    unsubscribe remove spam spamming annoying harassment harassing tired sick many";
/// A STOP after these is part of a question or a statement: "should I stop", "how to stop".
const SUBJECTS: &str = "i we you u to can should could would will don't dont not never do does \
    did it they he she must gonna might why how what when";
/// After these, a STOP is followed by why: "STOP I'm not interested", "stop who is this".
const REASONS: &str = "i i'm im who who's whos not wrong this you're";

/// The longest run of keywords tried at the start or the end of a text.
const RUN: usize = 8;

/// A keyword said with a complaint: a sentence of its own that is only keywords, last
/// ("Who is this? STOP") or anywhere in a complaint ("STOP. I never signed up"), or
/// keywords opening or closing a complaint ("not interested please stop").
fn keyword_with_complaint(sentences: &[Vec<&str>], words: &[&str], spans: &[[Span; 3]]) -> bool {
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

fn strip_filler(mut text: &str) -> &str {
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

// ---------------------------------------------------------------------------------------
// Plain-language requests, one sentence at a time

/// What a sentence asks for in plain words. `Review`: it may ask to stop, a person decides.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ask {
    No,
    Review,
    Stop,
}

const CONTACT_VERBS: &str = "text texting texts txt txting message messaging messages msg \
    msging contact contacting call calling send sending sms email emailing write writing ping \
    dm reach";

/// What is being sent, as people name it.
const MESSAGES: &str = "texts text txts messages msgs sms notifications alerts promotions \
    promos offers ads marketing spam emails calls robocalls subscription updates reminders \
    newsletter newsletters mailings";

/// Words between a verb and the messages it is about: "no more of these annoying texts".
const MESSAGE_SKIP: &str = "the these those your ur all any more this my our with further so \
    many too annoying stupid constant promotional";
/// And between "don't want" and the messages: "don't want to receive any more texts".
const WANT_SKIP: &str = "to receive receiving get getting from you anymore";

const NEGATIONS: &str = "don't dont not never pas ne n jamais";
/// Dropped before matching phrases: "please don't ever text me" is "don't text me".
const SOFTENERS: &str = "please pls plz kindly just ever really";

/// The entries of a comma-separated list of phrases.
fn phrases(list: &str) -> impl Iterator<Item = &str> {
    list.split(", ")
}

/// The word is one of a space-separated list.
fn among(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

fn has(words: &[&str], word: &str) -> bool {
    words.contains(&word)
}

/// Two words in a row, the first in one of the `first` lists, the second in one of `second`.
fn follows(words: &[&str], first: &[&str], second: &[&str]) -> bool {
    words
        .windows(2)
        .any(|w| first.iter().any(|l| among(l, w[0])) && second.iter().any(|l| among(l, w[1])))
}

/// Past words of the `skip` lists, the next word is in one of the `nouns` lists; reaching
/// the end counts if `end`.
fn then_noun(rest: &[&str], skip: &[&str], nouns: &[&str], end: bool) -> bool {
    let any = |lists: &[&str], w: &str| lists.iter().any(|list| among(list, w));
    match rest.iter().find(|w| !any(skip, w)) {
        None => end,
        Some(w) => any(nouns, w),
    }
}

fn negated_before(words: &[&str], i: usize) -> bool {
    words[i.saturating_sub(3)..i]
        .iter()
        .any(|w| among(NEGATIONS, w))
}

fn stop_negated(words: &[&str]) -> bool {
    words.windows(2).any(|w| {
        matches!(w[0], "don't" | "dont" | "not" | "never") && matches!(w[1], "stop" | "quit")
    })
}

/// Someone else does the contacting: "you don't text me anymore?", "they never call".
const SUBJECTS_OTHER: &str = "you u guys they he she it nobody y'all";

/// "please stop texting me", "don't text me anymore", "do not contact this number"; not
/// "you never text me back", which complains of the opposite.
fn stops_contact(words: &[&str]) -> bool {
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
const RESTRICTIONS: &str = "before after during until till today tonight tomorrow while \
    between past weekend weekends morning mornings evening evenings night nights late early \
    work working driving busy meeting sleeping yet manana hoy manejando ocupado ocupada \
    trabajando noche temprano";

/// A plain-language request to stop the messages ("stop the texts", "no more promos",
/// "cancel my subscription", "I don't want these texts", "unsubscribe me").
fn asks_to_stop(words: &[&str]) -> bool {
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

const AFTER_NO_TEXTS: &str = "anymore again ever more period from you u thank";

/// "no more texts", "no texts", "enough with the messages", "done with your promos".
fn no_more_messages(words: &[&str]) -> bool {
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
fn messages_must_stop(words: &[&str]) -> bool {
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
fn unwanted_messages(words: &[&str]) -> bool {
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
fn points_at_them(rest: &[&str], before: &str) -> bool {
    let within = |w: &&str| among(MESSAGE_SKIP, w) || among(WANT_SKIP, w);
    rest.iter().all(within)
        && rest.iter().any(|w| matches!(*w, "these" | "those" | "any"))
        && (before == "longer"
            || rest
                .iter()
                .any(|w| matches!(*w, "receive" | "receiving" | "get" | "getting")))
}

/// "unsubscribe", "opt out" and "revoke" anywhere, unless negated ("don't unsubscribe").
fn opts_out(words: &[&str]) -> bool {
    opt_out_words(words)
        .into_iter()
        .any(|i| !negated_before(words, i))
}

fn opt_out_words(words: &[&str]) -> Vec<usize> {
    (0..words.len())
        .filter(|&i| match words[i] {
            "unsubscribe" | "optout" | "revoke" | "unsub" => true,
            "opt" => matches!(words.get(i + 1), Some(&("out" | "me"))),
            _ => false,
        })
        .collect()
}

const REMOVE: &str = "remove delete erase unsubscribe unsub unlist unenroll deregister";
const PERSONAL: &str = "number name phone cell info information details contact data email \
    mobile";
/// What one is removed from when it is the messages.
const LISTS: &str = "list lists mailing contacts database system records group chat thread \
    campaign program";
/// Passed over after "from" or "off": "from (all of) your list", "off, thanks".
const LEAD_INS: &str = "the your ur this these that all of my our any it thanks now asap ok \
    immediately too";

/// "me", "us", "my number", "this number": the words after it.
fn self_object<'s, 'a>(rest: &'s [&'a str]) -> Option<&'s [&'a str]> {
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
fn removed_from(rest: &[&str], nowhere: Ask) -> Ask {
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

const OTHER_LISTS: &str = "wait waiting hold priority reservation order interest build \
    delivery";

/// After "remove me", words that start another thought: "remove me and my wife".
const THEN_OK: &str = "and too also i i'm im we not no thank";
/// A question or a subject before a final "remove" makes it about something else.
const ASKING: &str = "what which who how where why should to i we you can could it";

/// "remove me", "delete my number", "take me off the list", "I'd like to be removed".
fn removal(words: &[&str]) -> Ask {
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
fn taken_off(rest: &[&str]) -> Ask {
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
fn removed_self(before: &[&str]) -> bool {
    matches!(
        before,
        [.., "want" | "like" | "wish" | "need", "to", "be"]
            | [.., "i" | "we", "be" | "get"]
            | [.., "wanna" | "gotta", "be"]
    ) || matches!(before, [.., "my" | "our", what] if among(PERSONAL, what))
}

/// "I never gave you my number", "I didn't sign up for this": no consent, says the sender.
fn denies_consent(words: &[&str]) -> bool {
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
fn doubtful(words: &[&str]) -> bool {
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
fn asks_for_other_contact(sentences: &[Vec<&str>]) -> bool {
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

/// What one sentence asks for; `restricted`: the text limits when or where to be contacted.
fn plain_request(sentence: &[&str], restricted: bool) -> Ask {
    let words: Vec<&str> = sentence
        .iter()
        .copied()
        .filter(|w| !among(SOFTENERS, w))
        .collect();
    if asks_to_stop(&words) || pide_la_baja(&words) || demande_l_arret(&words) {
        return Ask::Stop;
    }
    let contact = match (stops_contact(&words) || no_me_contacten(&words), restricted) {
        (true, true) => Ask::Review,
        (true, false) => Ask::Stop,
        (false, _) => Ask::No,
    };
    let doubt = if doubtful(&words) {
        Ask::Review
    } else {
        Ask::No
    };
    removal(&words).max(doubt).max(contact)
}

// ---------------------------------------------------------------------------------------
// Spanish

const ES_MESSAGES: &str = "mensajes mensaje msj msjs textos sms promociones ofertas \
    notificaciones llamadas correos whatsapp whatsapps publicidad suscripcion anuncios";
const ES_SEND: &str = "envien envies envie enviar enviarme manden mandes mande mandar mandarme \
    escriban escribas escriba escribir escribirme contacten contactes contacte contactar \
    contactarme llamen llames llame llamar llamarme molesten molestes molestarme";
const ES_SKIP: &str = "me nos los las sus tus estos esos estas esas de ya por favor gracias";

const ES_STOP_DOING: &str = "deja dejen deje dejar dejes para paren pare parar";
const ES_REMOVE_ME: &str = "borrenme borrame eliminenme eliminame quitenme quitame sacame \
    saquenme sacarme quitarme borrarme eliminarme retirenme";
const ES_REMOVE: &str = "borren borra borre borrar eliminen elimina elimine eliminar quiten \
    quita quitar";
const ES_CANCEL: &str = "cancelar cancelen cancela cancele parar paren detener detengan \
    suspender suspendan";

/// "no me envíen más mensajes", "dejen de escribirme", "ya no quiero recibir mensajes",
/// "no más mensajes", "quiero darme de baja", "sáquenme de su lista", "borren mi número",
/// "cancelar suscripción".
fn pide_la_baja(w: &[&str]) -> bool {
    (0..w.len()).any(|i| {
        let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
        let (word, rest) = (w[i], &w[i + 1..]);
        if among(ES_SEND, word) {
            let ended = [ES_MESSAGES, "mas nada nunca"];
            (told_not_to(w, i) && then_noun(rest, &[ES_SKIP, "recibir"], &ended, false))
                || (before(1) == "de" && among(ES_STOP_DOING, before(2)))
        } else if among(ES_REMOVE_ME, word) {
            // "sáquenme de la lista", not "sácame de una duda".
            let lists = ["lista listas base contactos mensajes envios"];
            then_noun(rest, &[ES_SKIP, "la su esta tu"], &lists, true)
        } else if among(ES_REMOVE, word) {
            matches!(rest, [mine, what, ..]
                if among("mi mis nuestro", mine) && among("numero telefono contacto datos", what))
        } else if among(ES_CANCEL, word) {
            then_noun(
                rest,
                &["la los las mi mis sus estos esos el de"],
                &[ES_MESSAGES],
                false,
            )
        } else {
            match (before(1), word) {
                ("no", "quiero" | "deseo" | "necesito") => {
                    let receive = has(w, "recibir");
                    then_noun(rest, &[ES_SKIP, "recibir mas"], &[ES_MESSAGES], receive)
                }
                ("no", "mas") => then_noun(rest, &[ES_SKIP, "recibir mas"], &[ES_MESSAGES], false),
                ("de", "baja") => da_de_baja(before(2), rest),
                _ => false,
            }
        }
    })
}

/// "darme de baja", "dar de baja mi número"; not "dar de baja mi carro viejo" (deregister
/// the car).
fn da_de_baja(giver: &str, rest: &[&str]) -> bool {
    let mine = ["mi mis a este por favor de la su sus los"];
    let what = ["numero telefono lista suscripcion mensajes"];
    among("darme denme dame deme darnos doy damos", giver)
        || (among("dar den da", giver) && then_noun(rest, &mine, &what, true))
}

/// "no me envíen", "no nos llamen".
fn told_not_to(w: &[&str], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
    before(1) == "no" || (among("me nos", before(1)) && before(2) == "no")
}

/// "no me escriban", "no me llames": nothing more said, so possibly only for now.
fn no_me_contacten(w: &[&str]) -> bool {
    (0..w.len()).any(|i| {
        among(ES_SEND, w[i]) && told_not_to(w, i) && w[i + 1..].iter().all(|x| among(ES_SKIP, x))
    })
}

// ---------------------------------------------------------------------------------------
// French

const FR_MESSAGES: &str = "messages message textos texto sms courriels courriel promotions \
    promos offres notifications appels pubs publicites infolettre infolettres abonnement \
    envois alertes";
const FR_SEND: &str = "envoyez envoyer envoie envoies envoient ecrivez ecrire ecris textez \
    texter texte contactez contacter contacte appelez appeler appelle relancez relancer \
    sollicitez derangez deranger";
const FR_SKIP: &str = "de d des vos les ces tes aucun aucune svp stp merci s il vous te plait \
    jamais rien recevoir";
const FR_UNSUBSCRIBE: &str = "desabonner desabonnez desabonne desabonnement desinscrire \
    desinscrivez desinscris desinscription desinscrit";

const FR_STOP: &str = "arretez arrete arreter arretes cessez cesse cesser";
const FR_REMOVE: &str = "retirez retire retirer enlevez enleve enlever supprimez supprime \
    supprimer effacez efface effacer rayez sortez";
const FR_WANT: &str = "veux veut voulons souhaite desire";
const FR_SUBJECTS: &str = "vous tu ils on il elle";

/// "ne m'envoyez plus de messages", "arrêtez de m'écrire", "je ne veux plus recevoir vos
/// messages", "plus de messages svp", "retirez-moi de votre liste", "me désabonner".
fn demande_l_arret(w: &[&str]) -> bool {
    if let ["plus", "de" | "d", noun, rest @ ..] = w {
        if among(FR_MESSAGES, noun) && rest.iter().all(|r| among(FR_SKIP, r)) {
            return true;
        }
    }
    (0..w.len()).any(|i| {
        let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
        let (word, rest) = (w[i], &w[i + 1..]);
        if among(FR_SEND, word) {
            ne_plus_envoyer(w, i)
        } else if among(FR_STOP, word) || word == "arret" {
            then_noun(rest, &["les vos ces tes des d de"], &[FR_MESSAGES], false)
        } else if among(FR_REMOVE, word) {
            french_removal(rest, among("me m nous", before(1)))
        } else if among(FR_UNSUBSCRIBE, word) {
            !negated_before(w, i)
        } else {
            match word {
                // "je ne veux plus (recevoir) de messages", Québec "je veux pu de messages";
                // not "je ne reçois plus vos messages", which complains of the opposite.
                "plus" | "pu"
                    if among(FR_WANT, before(1)) && (before(2) == "ne" || word == "pu") =>
                {
                    then_noun(rest, &[FR_SKIP], &[FR_MESSAGES], has(w, "recevoir"))
                }
                "plus" if before(1) == "ne" && rest.first() == Some(&"recevoir") => {
                    then_noun(rest, &[FR_SKIP], &[FR_MESSAGES], true)
                }
                _ => false,
            }
        }
    })
}

/// "ne m'envoyez plus (de messages)", "ne plus m'envoyer", "arrêtez de m'écrire"; not "vous
/// ne m'envoyez plus ?", which complains of the opposite.
fn ne_plus_envoyer(w: &[&str], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
    let rest = &w[i + 1..];
    let pronoun = among("ne n m me nous", before(1))
        && !among(FR_SUBJECTS, before(2))
        && !among(FR_SUBJECTS, before(3));
    let no_more = pronoun
        && matches!(rest.first(), Some(&("plus" | "jamais" | "pu")))
        && then_noun(&rest[1..], &[FR_SKIP], &[FR_MESSAGES], true);
    let ne_plus = (1..=3).any(|n| before(n) == "plus")
        && (2..=4).any(|n| before(n) == "ne")
        && then_noun(rest, &[FR_SKIP], &[FR_MESSAGES], true);
    let stop_doing =
        among("de d m me nous", before(1)) && (1..=3).any(|n| among(FR_STOP, before(n)));
    no_more || ne_plus || stop_doing
}

/// "retirez-moi de votre liste", "supprimez mon numéro"; not the waiting list ("liste
/// d'attente").
fn french_removal(rest: &[&str], me_before: bool) -> bool {
    let lists = ["liste listes envois messages textos sms contacts base"];
    let skip = ["de d la votre vos ta cette des svp merci s il vous plait"];
    if rest.contains(&"attente") {
        return false;
    }
    match rest {
        [who, tail @ ..] if among("moi nous", who) => then_noun(tail, &skip, &lists, true),
        [whose, what, ..] if among("mon notre", whose) => among(
            "numero nom contact courriel telephone cellulaire coordonnees",
            what,
        ),
        _ => me_before && then_noun(rest, &skip, &lists, false),
    }
}

// ---------------------------------------------------------------------------------------
// "stop", "end", "quit", "cancel" in their everyday sense

const TRIGGERS: &str = "stop stopall cancel quit end opt";
/// Before the word, it is a noun: "a stop", "the end", "bus stop", "year-end", "start-stop".
const NOUN_BEFORE: &str = "a an the one next last first final every each more quick short full \
    rest pit bus truck train shuttle door glass gas back front rear tail dead high low top \
    bottom far deep west east north south year month week quarter other its his start hard my \
    your our their her";
/// "don't stop the deal", "the car won't stop pulling", "a non stop driver".
const NEGATED_BEFORE: &str = "don't dont not won't wont never didn't didnt doesn't doesnt non";
/// After the word, it is part of a compound or a phrasal verb: "stop light", "end of",
/// "end up".
const COMPOUND_AFTER: &str = "light lights sign signs sale sales gap watch loss motion start \
    go bar lamp leak table date dates result user cap game point zone line of up claim piece \
    switch button plate unit card";
/// A place, time or manner: "stop by", "stop at the bank", "end soon", "stop fine".
const PLACE_TIME: &str = "by in at over on off into onto there here around somewhere near \
    early soon late later fine well quickly smoothly halfway suddenly";
/// "I can stop anytime", "stop tomorrow": a visit. ("Cancel anytime?" stays a question.)
const VISIT_TIME: &str = "anytime whenever tomorrow monday tuesday wednesday thursday friday \
    saturday sunday";
/// Starting a clause about something else ("stop to get gas", "quit when I'm there").
const LINKS: &str = "to when if because so and before after until till while since";
/// "the deal", "her job", "my appointment": an object that is not the messages (those were
/// recognised before).
const OBJECTS: &str = "the my our your a an her his their its";
/// "-ing" words that are the messages, or may be: "stop doing that".
const NOT_GERUNDS: &str = "doing everything anything something nothing bothering spamming \
    harassing pestering bugging blowing hounding bombarding";

/// "stop for lunch", not "stop for now" or "stop for a while".
fn ordinary_for(then: Option<&str>, third: Option<&str>) -> bool {
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
fn ordinary(words: &[&str], i: usize) -> bool {
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
fn mentions_stopping(words: &[&str]) -> bool {
    (0..words.len()).any(|i| among(TRIGGERS, words[i]) && !ordinary(words, i))
}

pub fn classify(text: &str) -> Intent {
    let normal = normalise(text);
    let core = strip_filler(&normal);
    match core {
        "start" | "unstop" => return Intent::OptIn,
        "yes" | "y" => return Intent::Yes,
        "help" | "info" | "ayuda" | "aide" => return Intent::Help,
        "" => return Intent::Other,
        _ => {}
    }
    let words: Vec<&str> = normal.split(' ').collect();
    let sentences = clauses(text);
    let sentences: Vec<Vec<&str>> = sentences.iter().map(|s| s.split(' ').collect()).collect();
    let spans = read_spans(&words);
    if only_keywords(&spans, 0, words.len(), true)
        || asks_politely_to_stop(&words)
        || keyword_with_complaint(&sentences, &words, &spans)
    {
        return Intent::OptOut;
    }
    let restricted = words.iter().any(|w| among(RESTRICTIONS, w));
    let ask = sentences
        .iter()
        .map(|s| plain_request(s, restricted))
        .max()
        .unwrap_or(Ask::No);
    match ask {
        Ask::Stop if asks_for_other_contact(&sentences) => Intent::Unclear,
        Ask::Stop => Intent::OptOut,
        Ask::Review => Intent::Unclear,
        Ask::No if mentions_stopping(&words) => Intent::Unclear,
        Ask::No => Intent::Other,
    }
}

#[cfg(test)]
#[path = "keywords_tests.rs"]
mod tests;
