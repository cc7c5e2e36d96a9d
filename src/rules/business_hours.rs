//! A store's opening hours as the AI settings hold them: days 1 (Monday) to 7, and whole
//! hours in the organisation's time zone.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    pub days: Vec<i16>,
    pub opens_at: i16,
    pub closes_at: i16,
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl BusinessHours {
    /// Whether the store is open at this local weekday (1 = Monday) and hour.
    pub fn open(&self, weekday: i16, hour: i16) -> bool {
        self.days.contains(&weekday) && hour >= self.opens_at && hour < self.closes_at
    }

    /// "Mon–Sat 9 am–7 pm", or "by appointment" when no day is set.
    pub fn describe(&self) -> String {
        let mut days: Vec<i16> = self
            .days
            .iter()
            .copied()
            .filter(|d| (1..=7).contains(d))
            .collect();
        days.sort_unstable();
        days.dedup();
        if days.is_empty() {
            return "by appointment".into();
        }
        let mut runs: Vec<(i16, i16)> = Vec::new();
        for day in days {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == day => *end = day,
                _ => runs.push((day, day)),
            }
        }
        let name = |d: i16| DAY_NAMES[(d - 1) as usize];
        let hours = match (self.opens_at, self.closes_at) {
            (0, 24) => "24 hours".to_string(),
            (opens, closes) => format!("{}–{}", clock(opens), clock(closes)),
        };
        if runs == [(1, 7)] {
            return format!("every day, {hours}");
        }
        let days = runs
            .iter()
            .map(|&(a, b)| match b - a {
                0 => name(a).to_string(),
                1 => format!("{}, {}", name(a), name(b)),
                _ => format!("{}–{}", name(a), name(b)),
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!("{days} {hours}")
    }
}

fn clock(hour: i16) -> String {
    match hour {
        0 | 24 => "midnight".into(),
        12 => "noon".into(),
        h if h < 12 => format!("{h} am"),
        h => format!("{} pm", h - 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(days: &[i16], opens_at: i16, closes_at: i16) -> BusinessHours {
        BusinessHours {
            days: days.to_vec(),
            opens_at,
            closes_at,
        }
    }

    #[test]
    fn describes_runs_of_days_and_the_clock() {
        assert_eq!(
            hours(&[1, 2, 3, 4, 5, 6], 9, 19).describe(),
            "Mon–Sat 9 am–7 pm"
        );
        assert_eq!(hours(&[6, 7], 10, 12).describe(), "Sat, Sun 10 am–noon");
        assert_eq!(
            hours(&[1, 3, 4, 5], 8, 24).describe(),
            "Mon, Wed–Fri 8 am–midnight"
        );
        assert_eq!(hours(&[], 9, 17).describe(), "by appointment");
        assert_eq!(
            hours(&[1, 2, 3, 4, 5, 6, 7], 0, 24).describe(),
            "every day, 24 hours"
        );
    }

    #[test]
    fn open_only_on_its_days_between_opening_and_closing() {
        let h = hours(&[1, 2, 3, 4, 5], 9, 17);
        assert!(h.open(1, 9));
        assert!(h.open(5, 16));
        assert!(!h.open(5, 17), "closing hour is closed");
        assert!(!h.open(1, 8));
        assert!(!h.open(6, 12), "Saturday is not a business day");
    }
}
