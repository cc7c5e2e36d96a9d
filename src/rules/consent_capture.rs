//! The checks a captured consent must pass before anything is written (SPEC §3.1, §3.11),
//! over the facts as submitted: a spoken agreement is never written consent, the wording
//! recorded is the wording shown (its SHA-256 came back with the form), and only a box the
//! person ticked counts: nothing is pre-ticked, and ticking nothing records nothing,
//! because consent is never required.

use crate::model::{
    ConsentLevel, ConsentMedium, ConsentWording, MessageCategory, PublicConsentInput,
};

/// The facts of a grant staff record by hand (paper, in person, on a call, by e-mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffGrant<'a> {
    pub level: &'a str,
    pub medium: &'a str,
    /// The wording the customer agreed to, trimmed; `None` when left empty.
    pub language: Option<&'a str>,
}

pub const CHOOSE_LEVEL: &str = "Choose express or express written consent.";
pub const CHOOSE_GRANT_MEDIUM: &str = "Choose paper form, in person, on a call or e-mail.";
pub const SPOKEN_IS_NOT_WRITTEN: &str =
    "Written consent needs a signed form or an e-mail; a spoken agreement is express consent.";
pub const WRITE_THE_WORDING: &str =
    "Write the wording the customer agreed to, as it was shown or read to them.";

/// A medium staff may record by hand (web forms and keywords record themselves).
pub fn staff_medium(text: &str) -> Option<ConsentMedium> {
    text.parse::<ConsentMedium>()
        .ok()
        .filter(|m| ConsentMedium::STAFF.contains(m))
}

/// Whether a grant at `level`, given through `medium`, can be what it claims: agreement
/// given by voice (in person, on a call) is at most express consent.
pub fn spoken_is_never_written(
    level: ConsentLevel,
    medium: ConsentMedium,
) -> Result<(), &'static str> {
    let spoken = matches!(medium, ConsentMedium::VerbalCall | ConsentMedium::InPerson);
    if level == ConsentLevel::ExpressWritten && spoken {
        Err(SPOKEN_IS_NOT_WRITTEN)
    } else {
        Ok(())
    }
}

/// The level and medium of a staff-recorded grant, or each field's problem in the order
/// a person reads the form. Staff never record implied consent: that comes only from a
/// customer writing first.
pub fn check_staff_grant(
    facts: &StaffGrant<'_>,
) -> Result<(ConsentLevel, ConsentMedium), Vec<(&'static str, &'static str)>> {
    let mut problems = Vec::new();
    let level = match facts.level.trim() {
        "express" => Some(ConsentLevel::Express),
        "express_written" => Some(ConsentLevel::ExpressWritten),
        _ => {
            problems.push(("level", CHOOSE_LEVEL));
            None
        }
    };
    let medium = staff_medium(facts.medium);
    if medium.is_none() {
        problems.push(("medium", CHOOSE_GRANT_MEDIUM));
    }
    if let (Some(level), Some(medium)) = (level, medium) {
        if let Err(why) = spoken_is_never_written(level, medium) {
            problems.push(("level", why));
        }
    }
    if facts.language.is_none_or(|l| l.chars().count() < 10) {
        problems.push(("language", WRITE_THE_WORDING));
    }
    match (level, medium) {
        (Some(level), Some(medium)) if problems.is_empty() => Ok((level, medium)),
        _ => Err(problems),
    }
}

/// One box of the public form as submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormBox<'a> {
    pub category: MessageCategory,
    /// Browsers send a checkbox only when it is ticked.
    pub ticked: bool,
    /// The SHA-256 of the wording the page showed beside the box.
    pub shown_sha256: &'a str,
}

/// The form's boxes, in the order the page shows them.
pub fn form_boxes(input: &PublicConsentInput) -> [FormBox<'_>; 2] {
    [
        FormBox {
            category: MessageCategory::Informational,
            ticked: input.informational.is_some(),
            shown_sha256: &input.informational_sha256,
        },
        FormBox {
            category: MessageCategory::Promotional,
            ticked: input.promotional.is_some(),
            shown_sha256: &input.promotional_sha256,
        },
    ]
}

pub const WORDING_CHANGED: &str =
    "This wording changed while the page was open. Please read it again and tick the box again.";
pub const NOTHING_TICKED: &str =
    "Nothing was recorded: no box was ticked. Agreeing to messages is optional.";

/// Why a form records nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormRefusal {
    /// These ticked boxes were shown a wording that is no longer the organisation's.
    WordingChanged(Vec<MessageCategory>),
    /// No box was ticked.
    NothingTicked,
}

/// The wordings the person agreed to: each ticked box whose shown wording is the current
/// one. A box left unticked is never recorded, whatever came with it.
pub fn form_choice(
    boxes: &[FormBox<'_>],
    current: &[ConsentWording],
) -> Result<Vec<ConsentWording>, FormRefusal> {
    let mut chosen = Vec::new();
    let mut changed = Vec::new();
    for b in boxes.iter().filter(|b| b.ticked) {
        let Some(wording) = current.iter().find(|w| w.category == b.category) else {
            continue;
        };
        if wording.sha256 == b.shown_sha256.trim() {
            chosen.push(wording.clone());
        } else {
            changed.push(b.category);
        }
    }
    if !changed.is_empty() {
        Err(FormRefusal::WordingChanged(changed))
    } else if chosen.is_empty() {
        Err(FormRefusal::NothingTicked)
    } else {
        Ok(chosen)
    }
}

#[cfg(test)]
#[path = "consent_capture_tests.rs"]
mod tests;
