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

mod english;
mod french;
mod keyword;
mod ordinary;
mod removal;
mod spanish;
mod text;
mod words;

use english::{asks_to_stop, stops_contact, RESTRICTIONS};
use french::demande_l_arret;
use keyword::{
    asks_politely_to_stop, keyword_with_complaint, only_keywords, read_spans, strip_filler,
};
use ordinary::mentions_stopping;
use removal::{asks_for_other_contact, doubtful, removal, Ask};
use spanish::{no_me_contacten, pide_la_baja};
use text::{clauses, normalise};
use words::*;

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
mod tests;
