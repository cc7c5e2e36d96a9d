//! Vehicles named in a text: a year, a make from a table of common makes, and a model
//! (from a table of common models, or the word after the make), in either order
//! ("2021 honda civic", "Toyota Tacoma 2019", "the rav4", "odysseys").

/// Makes as people type them, then as they are written.
const MAKES: &[(&str, &str)] = &[
    ("acura", "Acura"),
    ("audi", "Audi"),
    ("bmw", "BMW"),
    ("buick", "Buick"),
    ("cadillac", "Cadillac"),
    ("chevy", "Chevy"),
    ("chevrolet", "Chevrolet"),
    ("chrysler", "Chrysler"),
    ("dodge", "Dodge"),
    ("ford", "Ford"),
    ("genesis", "Genesis"),
    ("gmc", "GMC"),
    ("honda", "Honda"),
    ("hyundai", "Hyundai"),
    ("infiniti", "Infiniti"),
    ("jeep", "Jeep"),
    ("kia", "Kia"),
    ("lexus", "Lexus"),
    ("lincoln", "Lincoln"),
    ("mazda", "Mazda"),
    ("mercedes", "Mercedes"),
    ("mini", "Mini"),
    ("mitsubishi", "Mitsubishi"),
    ("nissan", "Nissan"),
    ("porsche", "Porsche"),
    ("ram", "Ram"),
    ("subaru", "Subaru"),
    ("tesla", "Tesla"),
    ("toyota", "Toyota"),
    ("volkswagen", "Volkswagen"),
    ("vw", "VW"),
    ("volvo", "Volvo"),
];

/// Models that name a vehicle on their own, without hyphens or spaces, then as written.
const MODELS: &[(&str, &str)] = &[
    ("civic", "Civic"),
    ("accord", "Accord"),
    ("crv", "CR-V"),
    ("hrv", "HR-V"),
    ("pilot", "Pilot"),
    ("odyssey", "Odyssey"),
    ("ridgeline", "Ridgeline"),
    ("camry", "Camry"),
    ("corolla", "Corolla"),
    ("rav4", "RAV4"),
    ("tacoma", "Tacoma"),
    ("tundra", "Tundra"),
    ("highlander", "Highlander"),
    ("sienna", "Sienna"),
    ("4runner", "4Runner"),
    ("prius", "Prius"),
    ("f150", "F-150"),
    ("f250", "F-250"),
    ("escape", "Escape"),
    ("explorer", "Explorer"),
    ("mustang", "Mustang"),
    ("bronco", "Bronco"),
    ("ranger", "Ranger"),
    ("expedition", "Expedition"),
    ("silverado", "Silverado"),
    ("tahoe", "Tahoe"),
    ("suburban", "Suburban"),
    ("equinox", "Equinox"),
    ("malibu", "Malibu"),
    ("traverse", "Traverse"),
    ("colorado", "Colorado"),
    ("sierra", "Sierra"),
    ("yukon", "Yukon"),
    ("wrangler", "Wrangler"),
    ("cherokee", "Cherokee"),
    ("gladiator", "Gladiator"),
    ("altima", "Altima"),
    ("sentra", "Sentra"),
    ("rogue", "Rogue"),
    ("pathfinder", "Pathfinder"),
    ("frontier", "Frontier"),
    ("elantra", "Elantra"),
    ("tucson", "Tucson"),
    ("sonata", "Sonata"),
    ("palisade", "Palisade"),
    ("telluride", "Telluride"),
    ("sorento", "Sorento"),
    ("sportage", "Sportage"),
    ("forte", "Forte"),
    ("outback", "Outback"),
    ("forester", "Forester"),
    ("crosstrek", "Crosstrek"),
    ("impreza", "Impreza"),
    ("cx5", "CX-5"),
    ("cx30", "CX-30"),
    ("jetta", "Jetta"),
    ("tiguan", "Tiguan"),
    ("atlas", "Atlas"),
    ("charger", "Charger"),
    ("durango", "Durango"),
    ("challenger", "Challenger"),
];

/// Words after a make that are not its model ("my honda is making a noise", "in my jeep,
/// what do i do").
const NOT_MODELS: &[&str] = &[
    "is",
    "was",
    "has",
    "had",
    "have",
    "and",
    "or",
    "for",
    "with",
    "that",
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "to",
    "of",
    "from",
    "still",
    "you",
    "dealer",
    "dealership",
    "truck",
    "car",
    "suv",
    "van",
    "too",
    "again",
    "what",
    "when",
    "where",
    "how",
    "why",
    "who",
    "do",
    "does",
    "did",
    "i",
    "it",
    "its",
    "my",
    "we",
    "they",
    "but",
    "so",
    "just",
    "if",
    "now",
    "here",
    "there",
    "this",
    "that",
    "these",
    "any",
    "some",
    "one",
    "ones",
    "will",
    "wont",
    "can",
    "cant",
    "doesnt",
    "isnt",
    "keeps",
    "broke",
    "runs",
    "needs",
    "lol",
    "pls",
    "thanks",
    "thx",
    "service",
    "dealers",
    "please",
    "today",
    "yesterday",
    "be",
    "are",
    "were",
];

/// Models that are also everyday words or places: a vehicle only after a year, a make or
/// "the", "a", "my" ("maybe a pilot", not "we moved from colorado").
const EVERYDAY: &[&str] = &[
    "accord",
    "pilot",
    "escape",
    "explorer",
    "ranger",
    "colorado",
    "sierra",
    "frontier",
    "rogue",
    "atlas",
    "charger",
    "challenger",
    "forte",
    "expedition",
];
const DETERMINERS: &[&str] = &["the", "a", "an", "my", "our", "that", "this", "his", "her"];

/// One vehicle named in a text: where it starts and ends (word indexes) and how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mention {
    pub start: usize,
    pub end: usize,
    pub name: String,
    /// Year, make and model all named: the most specific mentions win.
    pub parts: u8,
}

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

fn year(word: &str) -> Option<&str> {
    let y: u32 = word.parse().ok().filter(|_| word.len() == 4)?;
    (1980..=2035).contains(&y).then_some(word)
}

/// A model at `i` (one word, two words joined as in "f 150" or "cr v", or a plural):
/// its written form and how many words it took.
fn model_at(words: &[String], i: usize) -> Option<(&'static str, usize)> {
    let word = words.get(i)?;
    if let Some(next) = words.get(i + 1) {
        if let Some(m) = lookup(MODELS, &format!("{word}{next}")) {
            return Some((m, 2));
        }
    }
    let single = lookup(MODELS, word).or_else(|| lookup(MODELS, word.strip_suffix('s')?));
    single.map(|m| (m, 1))
}

/// The word after a make when it is not in the table: "mazda 3", "honda fit".
fn free_model(word: Option<&String>) -> Option<String> {
    let w = word?;
    let plausible = w.chars().all(|c| c.is_ascii_alphanumeric())
        && !NOT_MODELS.contains(&w.as_str())
        && year(w).is_none()
        && (w.len() > 1 || w.chars().all(|c| c.is_ascii_digit()));
    plausible.then(|| capitalise(w))
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Every vehicle named in `words`, in order.
pub(super) fn mentions(words: &[String]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match mention_at(words, i) {
            Some(m) => {
                i = m.end;
                out.push(m);
            }
            None => i += 1,
        }
    }
    out
}

fn mention_at(words: &[String], start: usize) -> Option<Mention> {
    let mut i = start;
    let mut name = Vec::new();
    let lead_year = year(&words[i]).map(str::to_string);
    if let Some(y) = &lead_year {
        name.push(y.clone());
        i += 1;
    }
    let make = words.get(i).and_then(|w| lookup(MAKES, w));
    if let Some(make) = make {
        name.push(make.to_string());
        i += 1;
    }
    let model = match model_at(words, i) {
        Some((m, n)) => {
            i += n;
            Some(m.to_string())
        }
        None if make.is_some() => free_model(words.get(i)).inspect(|_| i += 1),
        None => None,
    };
    let has_model = model.is_some();
    let bare = lead_year.is_none() && make.is_none();
    let determined = start > 0 && DETERMINERS.contains(&words[start - 1].as_str());
    if bare && !determined && EVERYDAY.iter().any(|e| words[start].starts_with(e)) {
        return None;
    }
    name.extend(model);
    let trailing_year = lead_year.is_none() && has_model;
    let trailing_year = trailing_year
        .then(|| words.get(i).and_then(|w| year(w)))
        .flatten();
    if let Some(y) = trailing_year {
        name.insert(0, y.to_string());
        i += 1;
    }
    let has_year = lead_year.is_some() || trailing_year.is_some();
    // A year alone is a date, a make alone too vague ("my jeep").
    let parts = u8::from(has_year) + u8::from(make.is_some()) + u8::from(has_model);
    (has_model || (has_year && make.is_some())).then(|| Mention {
        start,
        end: i,
        name: name.join(" "),
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::assistant::text::words;

    fn names(text: &str) -> Vec<String> {
        mentions(&words(text)).into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn year_make_and_model_are_read_in_either_order() {
        assert_eq!(
            names("is the 2021 honda civic still there"),
            ["2021 Honda Civic"]
        );
        assert_eq!(names("la Toyota Tacoma 2019?"), ["2019 Toyota Tacoma"]);
    }

    #[test]
    fn a_model_alone_plurals_and_joined_spellings_are_vehicles() {
        assert_eq!(names("any odysseys or siennas"), ["Odyssey", "Sienna"]);
        assert_eq!(names("my 2016 F-150 and a crv"), ["2016 F-150", "CR-V"]);
    }

    #[test]
    fn the_word_after_a_make_is_its_model_unless_it_is_a_common_word() {
        assert_eq!(names("have a 2018 mazda 3"), ["2018 Mazda 3"]);
        assert_eq!(names("my honda is making noise"), Vec::<String>::new());
        assert_eq!(names("a 2015 ford"), ["2015 Ford"]);
    }

    #[test]
    fn a_make_or_a_year_alone_is_not_a_vehicle() {
        assert!(names("check engine light in my jeep").is_empty());
        assert!(names("light came on in my jeep, what do i do").is_empty());
        assert!(names("since 2019 i have been waiting").is_empty());
    }

    #[test]
    fn a_model_that_is_an_everyday_word_needs_a_determiner() {
        assert!(names("we moved from colorado to escape the snow").is_empty());
        assert_eq!(names("maybe a pilot"), ["Pilot"]);
    }
}
