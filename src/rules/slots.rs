//! Free appointment slots (SPEC §9): the one function staff booking, the assistant and the
//! booking check itself go through. Slots sit on a grid of the location's local clock
//! (every `step` minutes from midnight), inside the store's hours and, where the person has
//! hours of their own, inside those too (in the person's zone), off the store's closed
//! days, clear of the person's other bookings, and not before `not_before`.
//!
//! Times are computed per local date through the zone database, so a day on which the
//! clocks change has the hours the clock shows: a spring-forward night loses the hour that
//! never happens, and a fall-back night's repeated hour is offered once.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Open from `opens` to `closes` (local clock) on `weekday` (1 = Monday … 7 = Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayHours {
    pub weekday: u32,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// Weekly hours in one zone; a weekday with no entry is closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Hours {
    pub zone: Tz,
    pub days: Vec<DayHours>,
}

pub type Span = (DateTime<Utc>, DateTime<Utc>);

/// Everything the answer depends on; nothing is read from the clock or the database.
#[derive(Debug, Clone)]
pub struct SlotQuery<'a> {
    /// The store's hours, in the location's zone: the grid and the customer's clock.
    pub location: &'a Hours,
    /// The person's own hours, in their zone, when they have any.
    pub assignee: Option<&'a Hours>,
    /// Dates (the location's) on which the store is closed.
    pub closed_days: &'a [NaiveDate],
    /// The person's live bookings.
    pub busy: &'a [Span],
    pub duration: Duration,
    pub step: Duration,
    /// The earliest start (now plus any notice).
    pub not_before: DateTime<Utc>,
}

impl Hours {
    /// The spans this week's hours give on one of this zone's dates, in UTC.
    fn spans_on(&self, date: NaiveDate) -> impl Iterator<Item = Span> + '_ {
        let weekday = date.weekday().number_from_monday();
        self.days
            .iter()
            .filter(move |d| d.weekday == weekday)
            .filter_map(move |d| {
                let opens = instant(self.zone, date.and_time(d.opens))?;
                let closes = instant(self.zone, date.and_time(d.closes))?;
                (closes > opens).then_some((opens, closes))
            })
    }

    /// Whether the whole of `span` lies within one opening of these hours.
    fn covers(&self, span: Span) -> bool {
        let local = span.0.with_timezone(&self.zone).date_naive();
        // An opening that began the day before cannot exist (closes > opens on one day),
        // but a zone far from UTC can put the start on a neighbouring date.
        [local.pred_opt(), Some(local), local.succ_opt()]
            .into_iter()
            .flatten()
            .flat_map(|date| self.spans_on(date).collect::<Vec<_>>())
            .any(|(opens, closes)| opens <= span.0 && span.1 <= closes)
    }
}

/// The instant a local clock reading names: the earlier one when the clock shows it twice,
/// and the first instant after the gap when it never shows it (the store opens when the
/// clock, having jumped, first passes its opening time).
fn instant(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    (0..=120).step_by(15).find_map(|extra| {
        zone.from_local_datetime(&(local + Duration::minutes(extra)))
            .earliest()
            .map(|at| at.with_timezone(&Utc))
    })
}

/// Up to `limit` free starts on the `days` location dates from `from`, earliest first.
pub fn free_slots(q: &SlotQuery, from: NaiveDate, days: u32, limit: usize) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    for date in from.iter_days().take(days as usize) {
        for start in grid(q, date) {
            if out.len() >= limit {
                return out;
            }
            if fits(q, start) {
                out.push(start);
            }
        }
    }
    out
}

/// Whether `start` is a slot `free_slots` would offer: the check a booking passes.
pub fn is_free(q: &SlotQuery, start: DateTime<Utc>) -> bool {
    let date = start.with_timezone(&q.location.zone).date_naive();
    grid(q, date).any(|s| s == start) && fits(q, start)
}

/// The grid's starts on one location date within the store's hours, earliest first,
/// each once (a repeated fall-back hour maps onto instants already listed).
fn grid(q: &SlotQuery, date: NaiveDate) -> std::vec::IntoIter<DateTime<Utc>> {
    let step = q.step.num_minutes().max(5);
    let mut starts: Vec<DateTime<Utc>> = (0..24 * 60)
        .step_by(step as usize)
        .filter_map(|minute| {
            let local = date.and_time(NaiveTime::MIN) + Duration::minutes(minute);
            q.location
                .zone
                .from_local_datetime(&local)
                .earliest()
                .map(|at| at.with_timezone(&Utc))
        })
        .collect();
    starts.sort_unstable();
    starts.dedup();
    starts.into_iter()
}

fn fits(q: &SlotQuery, start: DateTime<Utc>) -> bool {
    let span = (start, start + q.duration);
    let date = start.with_timezone(&q.location.zone).date_naive();
    start >= q.not_before
        && !q.closed_days.contains(&date)
        && q.location.covers(span)
        && q.assignee.is_none_or(|hours| hours.covers(span))
        && !q.busy.iter().any(|b| b.0 < span.1 && span.0 < b.1)
}

/// "Tue 8 Dec, 10:00 am": a moment as the customer and the store read it.
pub fn label(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%a %-d %b, %-I:%M %P")
        .to_string()
}

/// "10:00 am" in the zone.
pub fn time_label(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%-I:%M %P").to_string()
}

#[cfg(test)]
#[path = "slots_tests.rs"]
mod tests;
