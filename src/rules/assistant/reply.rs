//! The built-in assistant's replies: one template per intent, filled with the store's name
//! and hours and the facts the customer gave (never a price, an offer or a budget), and a
//! holding reply when a person takes over.

use super::handoff::handoff_rules;
use super::promo::promotional;
use super::types::{Store, Turn};
use crate::model::{Draft, Handoff, Insight, LeadIntent};

/// A text message the customer reads in one go.
pub(super) const MAX_CHARS: usize = 320;

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(super) fn draft(
    turns: &[Turn],
    insight: &Insight,
    store: &Store,
    first_name: Option<&str>,
) -> Draft {
    let name = first_name.map(str::trim).filter(|n| !n.is_empty());
    let mut handoff = handoff_rules(turns, insight);
    let (body, hours) = match handoff {
        Some(h) => (holding(h, store, name), None),
        None => (
            answer(insight, name),
            Some(format!("We're open {}.", store.hours)),
        ),
    };
    let body = fit(&body, hours.as_deref());
    // A store name or hours that read as an offer must not go out as the assistant's.
    if handoff.is_none() && promotional(&body) {
        handoff = Some(Handoff::Promotional);
    }
    Draft {
        body,
        handoff,
        confidence: insight.confidence,
    }
}

fn thanks(name: Option<&str>) -> String {
    name.map_or_else(|| "Thanks!".to_string(), |n| format!("Thanks, {n}!"))
}

fn answer(insight: &Insight, name: Option<&str>) -> String {
    let thanks = thanks(name);
    let f = &insight.facts;
    match (insight.intent, f.vehicle.as_deref()) {
        (LeadIntent::Buying, Some(v)) => format!("{thanks} The {v} — would you like to come see it?"),
        (LeadIntent::Buying, None) => format!("{thanks} What are you looking for? You're welcome to stop by and have a look."),
        (LeadIntent::Appointment, _) => match (f.preferred_time.as_deref(), f.vehicle.as_deref()) {
            (Some(t), _) => format!("{thanks} {} sounds good — we'll confirm the time with you shortly.", sentence_case(t)),
            (None, Some(v)) => format!("{thanks} What day and time work best for you to come see the {v}?"),
            (None, None) => format!("{thanks} What day and time work best for you to come in?"),
        },
        (LeadIntent::Service, v) => {
            let what = v.map_or_else(String::new, |v| format!(" at your {v}"));
            format!("{thanks} Our service team can take a look{what}. What day works best to bring it in?")
        }
        (LeadIntent::Financing, _) => format!(
            "{thanks} Our finance team can go over your options with you in person. When would be a good time to stop by?"
        ),
        (LeadIntent::TradeIn, _) => {
            let car = f.trade_in.as_deref().map_or_else(|| "car".to_string(), |t| t.to_string());
            format!("{thanks} We'd be glad to take a look at your {car}. When could you bring it by?")
        }
        (LeadIntent::Question | LeadIntent::Complaint | LeadIntent::OptOut, _) => {
            format!("{thanks} Someone from our team will get you an answer shortly.")
        }
    }
}

/// What the customer reads while a person takes over.
fn holding(handoff: Handoff, store: &Store, name: Option<&str>) -> String {
    let comma_name = name.map_or_else(String::new, |n| format!(", {n}"));
    let team = format!("the team at {}", store.name);
    match handoff {
        Handoff::OptOut => format!("Understood{comma_name}. You won't get more messages from {}.", store.name),
        Handoff::Complaint => format!(
            "I'm sorry to hear that{comma_name}. I've passed this to {team}, and a person will get back to you shortly."
        ),
        Handoff::AskedForPerson => format!("Of course{comma_name}. Someone from {team} will get back to you shortly."),
        Handoff::Commitment => format!("{} Someone from {team} will follow up with you on that personally.", thanks(name)),
        _ => format!("{} Someone from {team} will get back to you shortly.", thanks(name)),
    }
}

/// "saturday morning" reads "Saturday morning".
fn sentence_case(time: &str) -> String {
    let words: Vec<String> = time
        .split(' ')
        .map(|w| match WEEKDAYS.iter().find(|d| **d == w) {
            Some(_) => capitalise(w),
            None => w.to_string(),
        })
        .collect();
    capitalise(&words.join(" "))
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The body and the hours if both fit in a text, else the body alone, cut if need be.
fn fit(body: &str, hours: Option<&str>) -> String {
    let with_hours = hours.map(|h| format!("{body} {h}"));
    match with_hours.filter(|t| t.chars().count() <= MAX_CHARS) {
        Some(full) => full,
        None if body.chars().count() <= MAX_CHARS => body.to_string(),
        None => format!("{}…", body.chars().take(MAX_CHARS - 1).collect::<String>()),
    }
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
