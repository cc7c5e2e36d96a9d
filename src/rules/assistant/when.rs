//! When: the customer's timeline for buying ("this weekend", "next month", "june") and the
//! time they would like to come ("Saturday morning", "after 5 pm", "tmrw at 10am"). A day
//! word next to a time of day is part of the preferred time, not the timeline.

use super::text::find_affirmed;

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "tues",
    "thurs",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
];
const RELATIVE_DAYS: &[&str] = &[
    "today", "tomorrow", "tmrw", "tmr", "tomorow", "tonight", "manana",
];
const DAY_PARTS: &[&str] = &[
    "morning",
    "mornings",
    "afternoon",
    "afternoons",
    "evening",
    "evenings",
    "noon",
    "lunch",
    "lunchtime",
    "tarde",
    "noche",
];
/// Words that may join the parts of a time: "tmrw at 10am", "sabado en la mañana".
const CONNECTORS: &[&str] = &[
    "at", "around", "after", "before", "in", "the", "en", "la", "next", "this", "on", "by", "a",
    "las",
];
/// Connectors kept when they open the time: "after 5 pm", "next tuesday".
const OPENERS: &[&str] = &["after", "before", "around", "next", "this"];
/// A sentence about the store's hours names days that are not the customer's.
const HOURS_WORDS: &[&str] = &["open", "close", "closed", "closing", "hours", "horario"];

/// Timelines, most specific first.
const TIMELINES: &str = "end of the month, end of month, end of the year, end of year, \
    this weekend, next weekend, this week, next week, this month, next month, next year, \
    in * * weeks, in * weeks, in * days, in * months, in * * months, within * week*, \
    within * month*, couple weeks, couple of weeks, right away, asap, today, tonight, \
    tomorrow, tmrw, tomorow, this summer, this spring, this fall, this winter, in may, \
    by may, january, february, march, april, june, july, august, september, october, \
    november, december";

/// The timeline and the preferred time a sentence names, if any.
pub(super) fn when(w: &[String]) -> (Option<String>, Option<String>) {
    let hours = w.iter().any(|x| HOURS_WORDS.contains(&x.as_str()));
    let span = if hours { None } else { preferred_span(w) };
    let outside = |i: usize| span.is_none_or(|(s, e)| i < s || i >= e);
    let timeline = TIMELINES.split(',').map(str::trim).find_map(|p| {
        let i = find_affirmed(w, p)?;
        let n = p.split_whitespace().count();
        outside(i).then(|| w[i..i + n].join(" "))
    });
    let preferred = span.map(|(s, e)| w[s..e].join(" "));
    (timeline, preferred)
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Weekday,
    RelativeDay,
    Time,
    Connector,
    Other,
}

fn is_clock(word: &str) -> bool {
    let digits = word.trim_end_matches("am").trim_end_matches("pm");
    let suffixed = digits.len() < word.len();
    let numeric = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == ':');
    numeric && (suffixed || digits.contains(':'))
}

fn part(w: &[String], i: usize) -> Part {
    let word = w[i].as_str();
    let prev = i.checked_sub(1).map_or("", |j| w[j].as_str());
    let next = w.get(i + 1).map_or("", String::as_str);
    let small_number = word.parse::<u8>().is_ok_and(|n| (1..=12).contains(&n));
    let plural_day = word
        .strip_suffix('s')
        .is_some_and(|d| WEEKDAYS.contains(&d));
    if WEEKDAYS.contains(&word) || plural_day {
        Part::Weekday
    } else if RELATIVE_DAYS.contains(&word) && !(word == "manana" && prev == "la") {
        Part::RelativeDay
    } else if DAY_PARTS.contains(&word)
        || word == "manana"
        || is_clock(word)
        || matches!(word, "am" | "pm") && i > 0
        || small_number
            && (matches!(next, "am" | "pm") || matches!(prev, "after" | "at" | "around" | "before"))
        || word == "work" && prev == "after"
    {
        Part::Time
    } else if CONNECTORS.contains(&word) {
        Part::Connector
    } else {
        Part::Other
    }
}

/// The words of the first run of days, times and connectors that names a weekday or a time
/// of day, without connectors at its ends (but with an opening "after", "next").
fn preferred_span(w: &[String]) -> Option<(usize, usize)> {
    let parts: Vec<Part> = (0..w.len()).map(|i| part(w, i)).collect();
    let mut i = 0;
    while i < w.len() {
        let start = i;
        while i < w.len() && parts[i] != Part::Other {
            i += 1;
        }
        let run = &parts[start..i];
        if run.iter().any(|p| matches!(p, Part::Weekday | Part::Time)) {
            let first = (start..i).find(|&j| parts[j] != Part::Connector)?;
            let last = (start..i).rev().find(|&j| parts[j] != Part::Connector)?;
            let open = first > start && OPENERS.contains(&w[first - 1].as_str());
            return Some((if open { first - 1 } else { first }, last + 1));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::assistant::text::words;

    fn read(text: &str) -> (Option<String>, Option<String>) {
        when(&words(text))
    }

    #[test]
    fn a_day_and_a_time_of_day_are_the_preferred_time() {
        assert_eq!(
            read("prob saturday morning").1.as_deref(),
            Some("saturday morning")
        );
        assert_eq!(
            read("could I stop by after 5 pm tomorrow").1.as_deref(),
            Some("after 5 pm tomorrow")
        );
        assert_eq!(
            read("reschedule to next tuesday afternoon").1.as_deref(),
            Some("next tuesday afternoon")
        );
        assert_eq!(
            read("puedo pasar el sabado en la mañana").1.as_deref(),
            Some("sabado en la manana")
        );
        assert_eq!(
            read("I'll stop by after work").1.as_deref(),
            Some("after work")
        );
    }

    #[test]
    fn a_relative_day_next_to_a_time_is_not_a_timeline() {
        assert_eq!(
            read("does tmrw at 10am work"),
            (None, Some("tmrw at 10am".into()))
        );
    }

    #[test]
    fn periods_are_timelines() {
        assert_eq!(
            read("need it by end of month").0.as_deref(),
            Some("end of month")
        );
        assert_eq!(
            read("wanna get something this weekend").0.as_deref(),
            Some("this weekend")
        );
        assert_eq!(read("relocating in june").0.as_deref(), Some("june"));
        assert_eq!(read("ready to buy today").0.as_deref(), Some("today"));
    }

    #[test]
    fn the_store_hours_are_not_a_preferred_time() {
        assert_eq!(read("what time do you close on sundays?"), (None, None));
    }

    #[test]
    fn may_the_verb_is_not_may_the_month() {
        assert_eq!(read("i may want a truck").0, None);
    }
}
