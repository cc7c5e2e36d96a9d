//! Reading a text: Unicode look-alikes and compatibility forms folded to plain letters,
//! invisible characters dropped, spelled-out letters joined, split into sentences.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

// Reading the text

/// Letters that NFKC leaves alone but that "fancy text" and look-alike typing use for Latin
/// ones (after lower-casing): small capitals, Canadian syllabics, Cyrillic and Greek. Each
/// pair is the look-alike, then its Latin letter.
pub(super) const LOOK_ALIKES: &str =
    "ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz \
    ᗩa ᗷb ᑕc ᗪd ᖴf ᕼh ᒍj ᒪl ᗰm ᑎn ᑭp ᑫq ᖇr ᔕs ᑌu ᐯv ᗯw ᙭x ᘔz \
    аa вb еe іi јj кk мm нh оo рp сc ѕs тt уy хx \
    αa βb εe ζz ηh ιi κk μm νn οo ρp τt χx";

pub(super) fn plain_letter(c: char) -> char {
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

pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Compatibility forms (full-width, mathematical, circled letters, ligatures) read as plain
/// letters, accents and invisible characters go, and everything but letters, digits and
/// apostrophes becomes a space. Lower case, single spaces.
pub(super) fn normalise(text: &str) -> String {
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
pub(super) fn join_spelled_out(words: &[&str]) -> Vec<String> {
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
pub(super) fn split_elisions(words: Vec<String>) -> Vec<String> {
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
pub(super) fn clauses(text: &str) -> Vec<String> {
    let text: String = text.nfkc().collect();
    text.split(['.', '!', '?', ';', ',', '\n', '¡', '¿'])
        .map(normalise)
        .filter(|c| !c.is_empty())
        .collect()
}
