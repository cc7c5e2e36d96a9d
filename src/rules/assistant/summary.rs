//! The extractive summary: up to three of the customer's own sentences, the most
//! informative ones (cues and facts in them, recent ones first on a tie), in the order
//! they were said, each cut to about 90 characters. Nothing is written that they did not.

use super::cues::evidence;
use super::text::{latest_customer, sentences, words};
use super::types::Turn;
use super::vehicle::mentions;
use super::when::when;

pub(super) const MAX_LINES: usize = 3;
pub(super) const MAX_CHARS: usize = 90;

pub(super) fn summary(turns: &[Turn]) -> Vec<String> {
    let latest_from = turns.len() - latest_customer(turns).len();
    let mut candidates: Vec<(usize, i32, String)> = Vec::new();
    for (t, turn) in turns.iter().enumerate().filter(|(_, t)| t.customer) {
        for sentence in sentences(&turn.text) {
            let w = words(&sentence);
            let (timeline, preferred) = when(&w);
            let facts = [
                timeline.is_some(),
                preferred.is_some(),
                !mentions(&w).is_empty(),
            ];
            let informative = evidence(&w).hits.min(3) as i32 * 2
                + facts.iter().filter(|f| **f).count() as i32 * 2
                + i32::from(w.len() >= 4)
                + i32::from(t >= latest_from);
            candidates.push((candidates.len(), informative, sentence));
        }
    }
    let mut ranked: Vec<&(usize, i32, String)> = candidates.iter().collect();
    ranked.sort_by_key(|(order, score, _)| (std::cmp::Reverse(*score), std::cmp::Reverse(*order)));
    let mut chosen: Vec<&(usize, i32, String)> = ranked.into_iter().take(MAX_LINES).collect();
    chosen.sort_by_key(|(order, _, _)| *order);
    chosen.into_iter().map(|(_, _, s)| trim(s)).collect()
}

/// At most `MAX_CHARS` characters, cut at a word with "…" when it had to be cut.
fn trim(sentence: &str) -> String {
    if sentence.chars().count() <= MAX_CHARS {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(MAX_CHARS - 1).collect();
    let at_word = cut
        .rfind(' ')
        .filter(|&i| i > MAX_CHARS / 2)
        .unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end_matches([',', ';', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(customer: bool, text: &str) -> Turn {
        Turn {
            customer,
            text: text.into(),
        }
    }

    #[test]
    fn the_summary_is_the_customers_own_words() {
        let turns = [
            t(true, "hi. is the 2021 honda civic still available?"),
            t(false, "It is! Would you like to come see it?"),
            t(true, "yes. can i come saturday morning"),
        ];
        let lines = summary(&turns);
        assert!(lines.len() <= MAX_LINES);
        for line in &lines {
            assert!(
                turns
                    .iter()
                    .filter(|t| t.customer)
                    .any(|t| t.text.contains(line.as_str())),
                "{line}"
            );
        }
        assert!(lines.iter().any(|l| l.contains("civic")));
        assert!(lines.iter().any(|l| l.contains("saturday")));
    }

    #[test]
    fn long_sentences_are_cut_at_a_word() {
        let long = "i am looking for a reliable family suv with three rows of seats and good gas mileage for long road trips";
        let line = &summary(&[t(true, long)])[0];
        assert!(
            line.chars().count() <= MAX_CHARS && line.ends_with('…'),
            "{line}"
        );
        assert!(long.starts_with(line.trim_end_matches('…')));
    }

    #[test]
    fn at_most_three_lines_in_the_order_said() {
        let text = "hi. need a truck. budget 30k. by next month. tacoma or tundra. thanks";
        let lines = summary(&[t(true, text)]);
        assert_eq!(lines.len(), 3);
        let at = |l: &String| text.find(l.as_str()).unwrap();
        assert!(lines.windows(2).all(|w| at(&w[0]) < at(&w[1])));
    }
}
