//! What an inbound text asks for (SPEC §3.3, 3.6, 3.7): a pure function, no network.
//!
//! Opt-out: the whole text is an opt-out keyword (any case, surrounding space, punctuation,
//! quotes and emoji ignored; one slip of the keyboard forgiven on longer keywords; a few
//! filler words like "please" or "it" allowed), or a plain-language request to stop. A text
//! that merely uses the word in another sense ("stop by the store", "when does the sale
//! end?", "cancel my appointment") is not. Anything else that talks about stopping or
//! unsubscribing is `Unclear`: a person looks at it, and promotional messages wait.

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

const OPT_OUT: [&str; 10] = [
    "stop",
    "stopall",
    "end",
    "unsubscribe",
    "cancel",
    "quit",
    "revoke",
    "optout",
    "opt out",
    "stop all",
];
const FILLER: [&str; 12] = [
    "please",
    "pls",
    "plz",
    "it",
    "now",
    "me",
    "ok",
    "okay",
    "thanks",
    "thank you",
    "all",
    "this",
];

/// Lower-case letters, digits, apostrophes and single spaces; everything else is a space.
fn normalise(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' || c == '’' {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .map(|c| if c == '’' { '\'' } else { c })
        .collect();
    cleaned
        .split_whitespace()
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

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
fn collapse_repeats(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The word is an opt-out keyword, allowing for a slip of the keyboard. Short keywords
/// forgive only swapped or doubled letters: one other letter turns "stop" into "shop" or
/// "step" and "quit" into "quite", which are words of their own.
fn is_keyword(word: &str) -> bool {
    OPT_OUT.iter().any(|k| match k.len() {
        0..=3 => word == *k,
        4..=5 => {
            let mut sorted: Vec<char> = word.chars().collect();
            let mut wanted: Vec<char> = k.chars().collect();
            sorted.sort_unstable();
            wanted.sort_unstable();
            word == *k
                || collapse_repeats(word) == *k
                || (sorted == wanted && distance(word, k) == 1)
        }
        6..=7 => distance(word, k) <= 1,
        _ => distance(word, k) <= 2,
    })
}

fn strip_filler(mut text: &str) -> &str {
    loop {
        let before = text;
        for filler in FILLER {
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

const CONTACT_VERBS: [&str; 14] = [
    "text",
    "texting",
    "texts",
    "message",
    "messaging",
    "messages",
    "contact",
    "contacting",
    "call",
    "calling",
    "send",
    "sending",
    "sms",
    "email",
];

fn has(words: &[&str], word: &str) -> bool {
    words.contains(&word)
}

fn follows(words: &[&str], first: &[&str], second: &[&str]) -> bool {
    words
        .windows(2)
        .any(|w| first.contains(&w[0]) && second.contains(&w[1]))
}

/// What is being sent, as people name it.
const MESSAGES: [&str; 17] = [
    "texts",
    "text",
    "messages",
    "msgs",
    "sms",
    "notifications",
    "alerts",
    "promotions",
    "promos",
    "offers",
    "marketing",
    "spam",
    "emails",
    "calls",
    "subscription",
    "updates",
    "reminders",
];

/// A plain-language request to stop contact ("please stop texting me", "remove me from
/// your list", "don't text me anymore", "cancel my subscription").
fn asks_to_stop(words: &[&str]) -> bool {
    let negations = ["don't", "dont", "never", "stop"];
    let do_not = words
        .windows(3)
        .any(|w| w[0] == "do" && w[1] == "not" && CONTACT_VERBS.contains(&w[2]));
    // "don't stop texting me" asks for the opposite.
    let stop_negated = words.windows(2).any(|w| {
        matches!(w[0], "don't" | "dont" | "not" | "never") && matches!(w[1], "stop" | "quit")
    });
    let stop_the_messages = words.windows(3).any(|w| {
        matches!(w[0], "stop" | "quit" | "cancel" | "end" | "pause")
            && matches!(
                w[1],
                "the" | "my" | "your" | "these" | "those" | "all" | "this" | "ur"
            )
            && MESSAGES.contains(&w[2])
    }) || follows(words, &["stop", "cancel", "end", "quit"], &MESSAGES);
    do_not
        || (!stop_negated
            && (stop_the_messages || follows(words, &["stop", "quit"], &CONTACT_VERBS)))
        || follows(
            words,
            &["no"],
            &["texts", "messages", "calls", "sms", "emails"],
        )
        || follows(
            words,
            &["stop", "quit"],
            &["bothering", "spamming", "harassing"],
        )
        || (!stop_negated
            && follows(words, &negations, &CONTACT_VERBS)
            && (has(words, "me")
                || has(words, "us")
                || has(words, "anymore")
                || has(words, "number")))
        || follows(
            words,
            &["remove", "take", "delete"],
            &["me", "my", "this", "us"],
        ) && (has(words, "list")
            || has(words, "off")
            || has(words, "from")
            || has(words, "number")
            || has(words, "contacts"))
        || follows(words, &["no", "more"], &["more", "texts", "messages"])
            && (has(words, "texts") || has(words, "messages"))
        || follows(words, &["leave"], &["me", "us"]) && has(words, "alone")
        || follows(words, &["opt", "unsubscribe"], &["me", "out"])
        || has(words, "unsubscribe")
        || has(words, "optout")
        || has(words, "revoke")
        || (has(words, "wrong") && has(words, "number"))
}

/// The word is used in its everyday sense: "stop by", "don't stop", "the sale ends",
/// "cancel my appointment".
fn other_sense(words: &[&str]) -> bool {
    follows(
        words,
        &["stop"],
        &["by", "in", "at", "over", "the", "my", "our", "your", "a"],
    ) || follows(
        words,
        &[
            "don't", "dont", "not", "won't", "never", "bus", "non", "one", "to",
        ],
        &["stop"],
    ) || follows(
        words,
        &["cancel", "end", "quit"],
        &["my", "the", "our", "a", "that"],
    ) || (has(words, "end") && (has(words, "when") || has(words, "does") || has(words, "the")))
}

pub fn classify(text: &str) -> Intent {
    let normal = normalise(text);
    let core = strip_filler(&normal);
    match core {
        "start" | "unstop" => return Intent::OptIn,
        "yes" | "y" => return Intent::Yes,
        "help" | "info" => return Intent::Help,
        "" => return Intent::Other,
        _ => {}
    }
    if is_keyword(core) || is_keyword(&core.replace(' ', "")) {
        return Intent::OptOut;
    }
    let words: Vec<&str> = normal.split(' ').collect();
    if asks_to_stop(&words) {
        return Intent::OptOut;
    }
    let mentions = words
        .iter()
        .any(|w| matches!(*w, "stop" | "stopall" | "cancel" | "quit" | "end" | "opt"));
    if mentions && !other_sense(&words) {
        return Intent::Unclear;
    }
    Intent::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use Intent::*;

    fn check(cases: &[(&str, Intent)]) {
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(text, expected)| classify(text) != *expected)
            .map(|(text, expected)| {
                format!("{text:?}: expected {expected:?}, got {:?}", classify(text))
            })
            .collect();
        assert!(wrong.is_empty(), "misclassified:\n{}", wrong.join("\n"));
    }

    #[test]
    fn every_keyword_in_any_case_spacing_punctuation_quotes_or_emoji() {
        let mut cases = Vec::new();
        for keyword in [
            "STOP",
            "STOPALL",
            "END",
            "UNSUBSCRIBE",
            "CANCEL",
            "QUIT",
            "REVOKE",
            "OPTOUT",
            "OPT OUT",
            "STOP ALL",
        ] {
            let lower = keyword.to_lowercase();
            let title: String = keyword
                .chars()
                .take(1)
                .chain(lower.chars().skip(1))
                .collect();
            for text in [
                keyword.to_string(),
                lower.clone(),
                title.clone(),
                format!("  {keyword}  "),
                format!("{title}."),
                format!("{keyword}!!"),
                format!("'{lower}'"),
                format!("\"{keyword}\""),
                format!("{keyword} 🛑"),
                format!("🙅 {lower}"),
                format!("\t{keyword}\n"),
            ] {
                cases.push((text, OptOut));
            }
        }
        let cases: Vec<(&str, Intent)> = cases.iter().map(|(t, i)| (t.as_str(), *i)).collect();
        check(&cases);
    }

    #[test]
    fn minor_misspellings_and_fillers() {
        check(&[
            ("stpo", OptOut),
            ("Stpo.", OptOut),
            ("sotp", OptOut),
            ("stopp", OptOut),
            ("unsubscrbe", OptOut),
            ("unsubcribe", OptOut),
            ("unsusbcribe", OptOut),
            ("Cancel it", OptOut),
            ("cancle", OptOut),
            ("STOP PLEASE", OptOut),
            ("please stop", OptOut),
            ("stop now", OptOut),
            ("ok stop", OptOut),
            ("Unsubscribe me", OptOut),
            ("opt-out", OptOut),
            ("Opt out please", OptOut),
            ("stop all", OptOut),
            ("qiut", OptOut),
            ("stoppp", OptOut),
            ("quitt", OptOut),
            ("revok", OptOut),
        ]);
    }

    #[test]
    fn plain_language_requests_to_stop() {
        check(&[
            ("please stop texting me", OptOut),
            ("Stop texting me!", OptOut),
            ("stop messaging me", OptOut),
            ("Stop sending me these", OptOut),
            ("stop contacting me", OptOut),
            ("quit calling me", OptOut),
            ("remove me from your list", OptOut),
            ("Please remove my number", OptOut),
            ("take me off your list", OptOut),
            ("don't text me anymore", OptOut),
            ("Dont text me", OptOut),
            ("do not contact me again", OptOut),
            ("Do not message this number", OptOut),
            ("no more texts please", OptOut),
            ("No more messages", OptOut),
            ("leave me alone", OptOut),
            ("How do I unsubscribe?", OptOut),
            ("I revoke my consent", OptOut),
            ("opt me out", OptOut),
            ("wrong number", OptOut),
            ("Stop bothering me", OptOut),
            ("Stop the texts", OptOut),
            ("stop your messages", OptOut),
            ("cancel my subscription", OptOut),
            ("End the texts please", OptOut),
            ("no texts", OptOut),
            ("Stop sending promotions", OptOut),
        ]);
        check(&[("I'm not calling about the car, text me back", Other)]);
    }

    #[test]
    fn the_word_in_another_sense_is_not_an_opt_out() {
        check(&[
            ("don't stop the deal", Other),
            ("Don't stop texting me, I love the deals", Other),
            ("Please do call me", Other),
            ("No, text me instead", Other),
            ("Shop", Other),
            ("Step", Other),
            ("Quite", Other),
            ("Quiet", Other),
            ("Stop the car at the service door?", Other),
            ("When does the sale end?", Other),
            ("stop by the store", Other),
            ("I'll stop by the store Saturday", Other),
            ("Can I stop in tomorrow?", Other),
            ("cancel my appointment", Other),
            ("I need to cancel my test drive", Other),
            ("Can we end the lease early?", Other),
            ("Is the bus stop near the dealership?", Other),
            ("The weekend works", Other),
            ("I'm a non stop driver", Other),
            ("Is it still available?", Other),
            ("Thanks, see you then", Other),
            ("What's the price of the RAV4?", Other),
        ]);
    }

    #[test]
    fn unclear_mentions_go_to_a_person() {
        check(&[
            ("stop what?", Unclear),
            ("I might cancel", Unclear),
            ("should I stop?", Unclear),
        ]);
    }

    #[test]
    fn start_unstop_yes_help_and_info() {
        check(&[
            ("START", OptIn),
            ("start.", OptIn),
            ("Unstop", OptIn),
            ("UNSTOP!", OptIn),
            ("Yes", Yes),
            ("YES!", Yes),
            ("HELP", Help),
            ("help?", Help),
            ("Info", Help),
            ("INFO.", Help),
            ("", Other),
            ("👍", Other),
        ]);
    }

    #[test]
    fn distance_counts_transpositions_as_one_edit() {
        assert_eq!(distance("stpo", "stop"), 1);
        assert_eq!(distance("stop", "stop"), 0);
        assert_eq!(distance("end", "and"), 1);
    }
}
