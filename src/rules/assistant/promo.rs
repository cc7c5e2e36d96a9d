//! Whether a text reads as promotional. The assistant's messages are conversational only,
//! so any answer that does (whoever wrote it) goes to a person instead. Words are matched
//! whole: "dealer" and "ideal" are not "deal", "sales team" is not "sale".

use super::text::{any_of, words};

/// Promotional on their own.
const PHRASES: &str = "sale, on sale, discount*, deal, deals, rebate, rebates, clearance, \
    coupon, coupons, promo, promos, promotion, promotions, promo code, special offer*, \
    limited time, free gift*, bogo, giveaway, doorbuster*, blowout, percent off, \
    while supplies last, act now, hurry, specials";

pub fn promotional(text: &str) -> bool {
    let w = words(text);
    let amount_off = w.windows(2).any(|p| {
        let amount = p[0].ends_with('%') || p[0].starts_with('$');
        amount && matches!(p[1].as_str(), "off" | "apr" | "financing" | "cash" | "back")
    });
    let save_money = w
        .windows(2)
        .any(|p| p[0] == "save" && (p[1].starts_with('$') || p[1] == "up"));
    amount_off || save_money || any_of(&w, PHRASES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_read_as_promotional() {
        for text in [
            "Big SALE this weekend!",
            "20% off all SUVs",
            "Get a discount today",
            "Ask about our deals",
            "Special offer for you",
            "Limited time only",
            "Free gift with every test drive",
            "$1,000 rebate",
            "Clearance event",
            "Save $500 now",
            "Use coupon code X",
            "New promo inside",
            "0% APR for 60 months",
        ] {
            assert!(promotional(text), "{text}");
        }
    }

    #[test]
    fn ordinary_words_that_contain_an_offer_word_are_not_promotional() {
        for text in [
            "Our dealership is open Mon–Sat 9 am–7 pm.",
            "Talk to your dealer",
            "That sounds ideal",
            "Our sales team will call you back",
            "Would you like to come see it?",
            "Feel free to stop by.",
            "The wholesale market",
        ] {
            assert!(!promotional(text), "{text}");
        }
    }
}
