//! How strong a number's consent is, and what each strength covers (SPEC §3's table).
//! Higher consent covers lower: express written ⊃ express ⊃ implied.

use super::MessageCategory;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(
    feature = "ssr",
    sqlx(type_name = "consent_level", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ConsentLevel {
    Implied,
    Express,
    ExpressWritten,
}

impl ConsentLevel {
    pub fn label(self) -> &'static str {
        match self {
            ConsentLevel::Implied => "implied",
            ConsentLevel::Express => "express",
            ConsentLevel::ExpressWritten => "express written",
        }
    }

    /// The least consent a category needs.
    pub fn required(category: MessageCategory) -> ConsentLevel {
        match category {
            MessageCategory::Conversational => ConsentLevel::Implied,
            MessageCategory::Informational => ConsentLevel::Express,
            MessageCategory::Promotional => ConsentLevel::ExpressWritten,
        }
    }

    /// The categories a grant at this level covers.
    pub fn covers(self) -> Vec<MessageCategory> {
        MessageCategory::ALL
            .iter()
            .copied()
            .filter(|c| ConsentLevel::required(*c) <= self)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_covers_the_category_that_requires_it() {
        for category in MessageCategory::ALL {
            assert!(ConsentLevel::required(*category)
                .covers()
                .contains(category));
        }
    }

    #[test]
    fn levels_are_ordered_weakest_first() {
        assert!(ConsentLevel::Implied < ConsentLevel::Express);
        assert!(ConsentLevel::Express < ConsentLevel::ExpressWritten);
    }
}
