//! The lead score: a sum of weighted features, each kept as a reason a person can read
//! ("Named a vehicle +15"), clamped to 0–100.

use crate::model::{Facts, LeadIntent, ScoreReason};

/// Timelines that mean this week.
const SOON: &[&str] = &[
    "today",
    "tonight",
    "tomorrow",
    "tmrw",
    "tomorow",
    "asap",
    "right away",
    "this week",
    "this weekend",
];

/// What the rules saw, as far as the score goes.
pub(super) struct Seen<'a> {
    pub intent: LeadIntent,
    pub facts: &'a Facts,
    pub hedges: bool,
    pub customer_turns: usize,
}

fn intent_reason(intent: LeadIntent) -> Option<(&'static str, i16)> {
    Some(match intent {
        LeadIntent::Buying => ("Shopping for a vehicle or home", 15),
        LeadIntent::Appointment => ("Wants to come in", 20),
        LeadIntent::TradeIn => ("Wants to trade in", 10),
        LeadIntent::Financing => ("Asked about financing", 10),
        LeadIntent::Service => ("Service customer", 5),
        LeadIntent::Complaint => ("Unhappy with the store", -20),
        LeadIntent::OptOut => ("Asked to stop", -100),
        LeadIntent::Question => return None,
    })
}

pub(super) fn score(seen: &Seen) -> (i16, Vec<ScoreReason>) {
    let f = seen.facts;
    let timeline = f.timeline.as_deref().map(|t| {
        let soon = SOON.iter().any(|s| t.contains(s));
        if soon {
            ("Wants to move this week", 20)
        } else {
            ("Has a timeline", 10)
        }
    });
    let features = [
        (seen.customer_turns > 0).then_some(("Wrote to the store", 10)),
        intent_reason(seen.intent),
        f.vehicle.as_ref().map(|_| ("Named a vehicle", 15)),
        f.budget.as_ref().map(|_| ("Gave a budget", 10)),
        timeline,
        f.preferred_time
            .as_ref()
            .map(|_| ("Gave a time to come in", 10)),
        f.trade_in.as_ref().map(|_| ("Has a car to trade", 10)),
        (seen.customer_turns >= 2).then_some(("Kept the conversation going", 5)),
        seen.hedges.then_some(("Sounded unsure", -10)),
    ];
    let mut reasons: Vec<ScoreReason> = features
        .into_iter()
        .flatten()
        .map(|(label, points)| ScoreReason {
            label: label.to_string(),
            points,
        })
        .collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.points.abs()));
    let sum: i16 = reasons.iter().map(|r| r.points).sum();
    (sum.clamp(0, 100), reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(intent: LeadIntent, facts: &Facts) -> Seen<'_> {
        Seen {
            intent,
            facts,
            hedges: false,
            customer_turns: 1,
        }
    }

    #[test]
    fn every_point_of_the_score_has_a_reason() {
        let facts = Facts {
            vehicle: Some("2021 Honda Civic".into()),
            timeline: Some("this weekend".into()),
            ..Facts::default()
        };
        let (score, reasons) = score(&seen(LeadIntent::Buying, &facts));
        assert_eq!(score, reasons.iter().map(|r| r.points).sum::<i16>());
        assert!(reasons
            .iter()
            .any(|r| r.label == "Named a vehicle" && r.points == 15));
        assert!(reasons
            .iter()
            .any(|r| r.label == "Wants to move this week" && r.points == 20));
    }

    #[test]
    fn reasons_come_largest_first_whatever_their_sign() {
        let (_, reasons) = score(&seen(LeadIntent::OptOut, &Facts::default()));
        assert_eq!(reasons[0].label, "Asked to stop");
        assert!(reasons
            .windows(2)
            .all(|w| w[0].points.abs() >= w[1].points.abs()));
    }

    #[test]
    fn the_score_is_clamped_to_0_100() {
        let (low, _) = score(&seen(LeadIntent::OptOut, &Facts::default()));
        assert_eq!(low, 0);
        let all = Facts {
            vehicle: Some("v".into()),
            budget: Some("b".into()),
            timeline: Some("today".into()),
            trade_in: Some("t".into()),
            preferred_time: Some("p".into()),
        };
        let (high, _) = score(&Seen {
            customer_turns: 3,
            ..seen(LeadIntent::Appointment, &all)
        });
        assert_eq!(high, 100);
    }
}
