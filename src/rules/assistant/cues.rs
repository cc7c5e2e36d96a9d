//! The words that point to each intent, by strength, and what one text shows of them.
//! Patterns are written as `text::find` reads them; a negated cue ("not buying", "no
//! complaints") does not count.

use super::text::find_affirmed;
use crate::model::LeadIntent::{self, *};

/// A cue that settles the intent on its own.
pub(super) const STRONG: f32 = 3.0;
/// A cue that points the way but is also said in passing.
pub(super) const WEAK: f32 = 1.0;

/// (intent, weight, comma-separated patterns).
const CUES: &[(LeadIntent, f32, &str)] = &[
    (
        Complaint,
        STRONG,
        "rude, unacceptable, ridiculous, terrible, horrible, awful, scam*, \
        ripped off, rip off, not happy, unhappy, disappointed, disappointing, worst, \
        complain*, nobody calls, nobody called, no one calls, no one called, \
        never called back, never heard back, nobody ... back, been waiting, still waiting, \
        charged ... twice, double charged, mal servicio, pesimo, nadie me, molesto, \
        frustrated, frustrating, fed up, lied, doesnt work either, \
        nobody mentioned, nobody told, want to speak to a manager, speak to your manager",
    ),
    (
        Complaint,
        WEAK,
        "why are there, still not, again and, hidden",
    ),
    (
        Appointment,
        STRONG,
        "test drive, appointment, appt, appts, schedule, reschedule, \
        book a, book an, come in, come by, stop by, swing by, come see, come look, \
        come take a look, come check, drop by, pasar, cita, showing, a tour, \
        bring it by, bring it in, see it in person, does ... work, works best, \
        what time works, is * available to see",
    ),
    (Appointment, WEAK, "visit, see it, come"),
    (
        TradeIn,
        STRONG,
        "trade*, trading, a cambio, apprais*, kbb, blue book, what would you give, \
        give me for, how much would you give, buy my, buy cars, sell my, sell you my, \
        what its worth, what theyre worth, worth",
    ),
    (TradeIn, WEAK, "payoff, owe"),
    (
        Financing,
        STRONG,
        "financ*, credit, credito, loan, lease*, leasing, apr, \
        interest rate*, rates, monthly payment*, $* a month, per month, down payment, \
        cosign*, co sign*, get approved, be approved, approval, bankruptcy, repo",
    ),
    (Financing, WEAK, "payment*, down, bank"),
    (
        Service,
        STRONG,
        "oil change, tire rotation, rotation, check engine, recall, brake*, \
        transmission, maintenance, inspection, noise, ruido, revis*, leak*, leaking, \
        battery, alignment, warning light, light came on, is my car ready, car ready, \
        dropped it off, mechanic, diagnos*, repair*, fix*, not working, stopped working, \
        stopped blowing, broken, grinding, squeak*, tires, tire, oil, service appt, \
        freno, taller, plumb*, heater, ac unit, sink, toilet, clogged",
    ),
    (
        Service,
        WEAK,
        "service, servicio, engine, light, airbag, ac",
    ),
    (
        Buying,
        STRONG,
        "still available, available, still have, in stock, interested in, \
        me interesa, interesa, looking for, looking at, ready to buy, buy, buying, \
        purchase, on the market, do you have, do you guys have, tienen, pre approved, \
        updates on, want a, wanna get, get something, in the market, still there, \
        cash buyer, busco, quiero comprar",
    ),
    (
        Buying,
        WEAK,
        "price, interested, want, need a, looking, new, used",
    ),
    (
        Question,
        STRONG,
        "hours, what time do you, where are you, where are u, located, \
        address, who is this, whos this, warranty, fees, hoa, allowed, what do i need, \
        do you accept, is this a bot, bot, quien es, how does, can i ask, question, \
        questions",
    ),
    (
        Question,
        WEAK,
        "what, where, when, how, who, does, is there, do you, can i",
    ),
];

/// Words that say the customer is unsure: the intent may be right, the reply is not.
const HEDGES: &str = "maybe, idk, not sure, kinda, kind of, i guess, dunno, possibly, \
    we will see, well see, not yet, undecided, no se";

/// What one text shows: the weight of each intent's cues and whether it hedges.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Evidence {
    pub weights: Vec<(LeadIntent, f32)>,
    pub hedges: bool,
    /// Matched cue patterns, for the summary's choice of sentences.
    pub hits: usize,
}

impl Evidence {
    pub fn add(&mut self, intent: LeadIntent, weight: f32) {
        match self.weights.iter_mut().find(|(i, _)| *i == intent) {
            Some((_, w)) => *w += weight,
            None => self.weights.push((intent, weight)),
        }
    }

    pub fn weight(&self, intent: LeadIntent) -> f32 {
        self.weights
            .iter()
            .find(|(i, _)| *i == intent)
            .map_or(0.0, |(_, w)| *w)
    }
}

/// The cues in `words`. Each intent counts its strongest matching cue once, and a second
/// strong cue adds half: "test drive ... saturday" is surer than "test drive".
pub(super) fn evidence(words: &[String]) -> Evidence {
    let mut found = Evidence::default();
    for &(intent, weight, list) in CUES {
        let n = list
            .split(',')
            .filter(|p| find_affirmed(words, p.trim()).is_some())
            .count();
        found.hits += n;
        if n > 0 {
            let already = found.weight(intent);
            let extra = if already > 0.0 {
                0.0
            } else {
                weight + weight * 0.5 * (n - 1).min(2) as f32
            };
            found.add(intent, extra);
        }
    }
    found.hedges = HEDGES
        .split(',')
        .any(|p| find_affirmed(words, p.trim()).is_some());
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::assistant::text::words;

    fn top(text: &str) -> Option<LeadIntent> {
        let e = evidence(&words(text));
        e.weights
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| *i)
    }

    #[test]
    fn each_intent_has_a_cue_people_use() {
        assert_eq!(top("can i come test drive it"), Some(Appointment));
        assert_eq!(top("need an oil change"), Some(Service));
        assert_eq!(top("can my dad cosign"), Some(Financing));
        assert_eq!(top("thinking about trading in my civic"), Some(TradeIn));
        assert_eq!(top("your salesman was rude"), Some(Complaint));
        assert_eq!(top("is it still available"), Some(Buying));
        assert_eq!(top("where are u guys located"), Some(Question));
    }

    #[test]
    fn a_negated_cue_does_not_count() {
        assert_eq!(evidence(&words("no complaints")).weight(Complaint), 0.0);
        assert_eq!(evidence(&words("im not buying")).weight(Buying), 0.0);
    }

    #[test]
    fn more_strong_cues_weigh_more_but_only_a_little() {
        let one = evidence(&words("test drive")).weight(Appointment);
        let two = evidence(&words("test drive, schedule an appointment")).weight(Appointment);
        assert!(two > one && two <= one * 2.0);
    }

    #[test]
    fn hedges_are_seen() {
        assert!(evidence(&words("maybe, idk yet")).hedges);
        assert!(!evidence(&words("yes please")).hedges);
    }
}
