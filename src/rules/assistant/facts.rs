//! The facts a customer gave: the vehicle they want, their budget, their timeline, the car
//! they trade in and when they would like to come. Only the customer's own words count,
//! and the latest mention of each wins.

use super::text::{any_of, words};
use super::types::Turn;
use super::vehicle::{mentions, Mention};
use super::when::when;
use crate::model::Facts;

/// Words that make "my 2015 camry" the car they trade in.
const TRADE_CUES: &str =
    "trade*, trading, a cambio, sell my, buy my, give me for, worth, apprais*, owe";
/// Words before a money amount that make it a budget, kept with it ("under 30k").
const QUALIFIERS: &[&str] = &[
    "under", "around", "about", "below", "max", "roughly", "maybe",
];
const TWO_WORD_QUALIFIERS: &[(&str, &str)] = &[("up", "to"), ("less", "than"), ("no", "more")];
/// Words after an amount that make it something else: miles, fees, a down payment.
const NOT_BUDGET_AFTER: &[&str] = &[
    "miles", "mile", "mi", "km", "in", "fees", "fee", "down", "deposit", "off",
];
/// Words before an amount that make it something else: what they owe, what it is worth.
const NOT_BUDGET_BEFORE: &[&str] = &["owe", "worth", "paid", "charged", "score", "payoff"];

pub(super) fn facts(turns: &[Turn]) -> Facts {
    let mut found = Facts::default();
    let mut vehicle: Option<Mention> = None;
    let trading = turns
        .iter()
        .filter(|t| t.customer)
        .any(|t| any_of(&words(&t.text), TRADE_CUES));
    for sentence in turns
        .iter()
        .filter(|t| t.customer)
        .flat_map(|t| super::text::sentences(&t.text))
    {
        let w = words(&sentence);
        for m in mentions(&w) {
            if trades(&w, &m, trading) {
                found.trade_in = Some(m.name);
            } else if vehicle.as_ref().is_none_or(|v| m.parts >= v.parts) {
                vehicle = Some(m);
            }
        }
        found.budget = budget(&w).or(found.budget);
        let (timeline, preferred) = when(&w);
        found.timeline = timeline.or(found.timeline);
        found.preferred_time = preferred.or(found.preferred_time);
    }
    found.vehicle = vehicle.map(|m| m.name);
    found
}

/// The car is theirs and they mean to trade it: "trade in my 2015 camry", "we have 2 cars
/// to trade, a 2010 accord"; not "trading my civic for a pilot" (the pilot).
fn trades(w: &[String], m: &Mention, trading: bool) -> bool {
    let before = &w[m.start.saturating_sub(3)..m.start];
    let theirs = before
        .iter()
        .any(|b| matches!(b.as_str(), "my" | "our" | "mi"));
    let cue_before = w[..m.start]
        .iter()
        .rposition(|b| b.starts_with("trad") || b == "cambio")
        .is_some_and(|c| {
            !w[c..m.start]
                .iter()
                .any(|b| matches!(b.as_str(), "for" | "towards"))
        });
    (theirs && trading) || cue_before
}

fn is_amount(word: &str) -> bool {
    let digits = word.trim_start_matches('$').trim_end_matches('k');
    let numeric = !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.');
    numeric && (word.starts_with('$') || word.ends_with('k'))
}

/// A plain number is a budget only after "budget": "budget is about 35000".
fn budget_number(w: &[String], i: usize) -> bool {
    let word = &w[i];
    word.len() >= 4
        && word.chars().all(|c| c.is_ascii_digit() || c == ',')
        && w[i.saturating_sub(4)..i]
            .iter()
            .any(|b| b.starts_with("budget"))
}

/// The words name a budget.
pub(super) fn has_budget(w: &[String]) -> bool {
    budget(w).is_some()
}

/// "$25,000", "under 30k", "about 35000", "$400 a month".
fn budget(w: &[String]) -> Option<String> {
    let i = (0..w.len()).rev().find(|&i| {
        (is_amount(&w[i]) || budget_number(w, i))
            && !w
                .get(i + 1)
                .is_some_and(|n| NOT_BUDGET_AFTER.contains(&n.as_str()))
            && !w[i.saturating_sub(2)..i]
                .iter()
                .any(|b| NOT_BUDGET_BEFORE.contains(&b.as_str()))
    })?;
    let mut parts: Vec<&str> = Vec::new();
    let pair = (i > 1).then(|| (w[i - 2].as_str(), w[i - 1].as_str()));
    if let Some((a, b)) = pair.filter(|p| TWO_WORD_QUALIFIERS.contains(p)) {
        parts.extend([a, b]);
    } else if i > 0 && QUALIFIERS.contains(&w[i - 1].as_str()) {
        parts.push(&w[i - 1]);
    }
    parts.push(&w[i]);
    let monthly = w.get(i + 1).is_some_and(|n| n == "a" || n == "per")
        && w.get(i + 2).is_some_and(|n| n == "month" || n == "mo");
    if monthly {
        parts.push("a month");
    }
    Some(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(texts: &[&str]) -> Facts {
        let turns: Vec<Turn> = texts
            .iter()
            .map(|t| Turn {
                customer: true,
                text: t.to_string(),
            })
            .collect();
        facts(&turns)
    }

    #[test]
    fn a_budget_keeps_its_qualifier_and_its_period() {
        assert_eq!(
            read(&["suv under 25k"]).budget.as_deref(),
            Some("under 25k")
        );
        assert_eq!(
            read(&["pre-approved up to 450k"]).budget.as_deref(),
            Some("up to 450k")
        );
        assert_eq!(
            read(&["keep it under $400 a month"]).budget.as_deref(),
            Some("under $400 a month")
        );
        assert_eq!(
            read(&["budget is about 35000"]).budget.as_deref(),
            Some("about 35000")
        );
    }

    #[test]
    fn miles_fees_debts_and_down_payments_are_not_budgets() {
        for text in [
            "120k miles",
            "$2000 in fees",
            "3k down",
            "I owe about 8k",
            "worth 18k",
        ] {
            assert_eq!(read(&[text]).budget, None, "{text}");
        }
    }

    #[test]
    fn the_car_they_trade_is_not_the_car_they_want() {
        let f =
            read(&["thinking about trading in my 2012 civic for something bigger, maybe a pilot"]);
        assert_eq!(f.trade_in.as_deref(), Some("2012 Civic"));
        assert_eq!(f.vehicle.as_deref(), Some("Pilot"));
    }

    #[test]
    fn their_own_car_without_a_trade_is_the_vehicle() {
        let f = read(&["need an oil change on my 2017 ford escape"]);
        assert_eq!(f.vehicle.as_deref(), Some("2017 Ford Escape"));
        assert_eq!(f.trade_in, None);
    }

    #[test]
    fn the_most_specific_mention_of_the_vehicle_wins() {
        let f = read(&["do you have the 2023 ford mustang", "the mustang, in red"]);
        assert_eq!(f.vehicle.as_deref(), Some("2023 Ford Mustang"));
    }

    #[test]
    fn spanish_trade_ins_are_found() {
        let f = read(&["quiero dar mi carro a cambio, es un Nissan Sentra 2014"]);
        assert_eq!(f.trade_in.as_deref(), Some("2014 Nissan Sentra"));
    }
}
