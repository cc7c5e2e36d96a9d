//! What a provider may see of a conversation (issue 14, "data minimisation"): the most
//! recent customer and store lines that fit a character budget, with one-time codes masked;
//! never a system text (codes, confirmations), never an erased line, and nothing at all of
//! a restricted or erased person.

use super::settings::AiConfig;
use super::Context;
use crate::model::Channel;
use crate::rules::assistant::{Store, Turn};
use crate::rules::business_hours::BusinessHours;
use crate::rules::send_policy::mask_codes;
use sqlx::PgConnection;
use uuid::Uuid;

/// Characters of conversation a provider is given at most.
pub const CHAR_BUDGET: usize = 4000;
/// Lines read from the database to fill the budget.
const LINES: i64 = 40;

/// Why there is no context to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// No such conversation in this organisation.
    Missing,
    /// The person restricted processing or was erased: nothing goes to any provider.
    Restricted,
}

type Head = (Channel, bool, String, String);

/// The context for one conversation of the organisation, or why there is none.
pub async fn load(
    conn: &mut PgConnection,
    config: &AiConfig,
    org_id: Uuid,
    conversation_id: Uuid,
) -> Result<Result<Context, Withheld>, sqlx::Error> {
    let head: Option<Head> = sqlx::query_as(
        "SELECT c.channel, (l.restricted_at IS NOT NULL OR l.erased_at IS NOT NULL), l.name, o.name
         FROM conversations c JOIN leads l ON l.id = c.lead_id JOIN organisations o ON o.id = c.org_id
         WHERE c.id = $1 AND c.org_id = $2",
    )
    .bind(conversation_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((channel, withheld, lead_name, store_name)) = head else {
        return Ok(Err(Withheld::Missing));
    };
    if withheld {
        return Ok(Err(Withheld::Restricted));
    }
    let lines: Vec<(bool, String)> = sqlx::query_as(
        "SELECT direction = 'inbound', body FROM messages
         WHERE conversation_id = $1 AND org_id = $2 AND sender <> 'system' AND purpose IS NULL
           AND status <> 'blocked' AND body <> '[erased]'
         ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(conversation_id)
    .bind(org_id)
    .bind(LINES)
    .fetch_all(&mut *conn)
    .await?;
    let hours = BusinessHours {
        days: config.business_days.clone(),
        opens_at: config.opens_at,
        closes_at: config.closes_at,
    };
    Ok(Ok(Context {
        org_id,
        conversation_id,
        store: Store {
            name: store_name,
            hours: hours.describe(),
        },
        channel,
        turns: within_budget(lines, CHAR_BUDGET),
        first_name: first_name(&lead_name),
    }))
}

/// The newest lines (given newest first) that fit the budget, oldest first, codes masked.
/// A line longer than the whole budget is cut, so the latest message always counts.
pub fn within_budget(newest_first: Vec<(bool, String)>, budget: usize) -> Vec<Turn> {
    let mut left = budget;
    let mut turns = Vec::new();
    for (customer, body) in newest_first {
        let text = mask_codes(body.trim());
        let length = text.chars().count();
        if length == 0 {
            continue;
        }
        if length > left {
            if turns.is_empty() {
                turns.push(Turn {
                    customer,
                    text: text.chars().take(left).collect(),
                });
            }
            break;
        }
        left -= length;
        turns.push(Turn { customer, text });
    }
    turns.reverse();
    turns
}

/// A lead named after their number (an inbound text from a stranger) has no first name.
fn first_name(name: &str) -> Option<String> {
    let first = name.split_whitespace().next()?;
    let looks_like_name = first
        .chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        && name != "Erased person";
    looks_like_name.then(|| first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_lines_that_fit_oldest_first() {
        let lines = vec![
            (true, "third".to_string()),
            (false, "second".to_string()),
            (true, "first message is long".to_string()),
        ];
        let turns = within_budget(lines, 12);
        let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["second", "third"]);
    }

    #[test]
    fn a_one_time_code_never_reaches_a_provider() {
        let turns = within_budget(vec![(true, "my code is 482913 ok".into())], 100);
        assert_eq!(turns[0].text, "my code is •••••• ok");
    }

    #[test]
    fn the_latest_line_counts_even_when_longer_than_the_budget() {
        let turns = within_budget(vec![(true, "x".repeat(50))], 10);
        assert_eq!(turns[0].text.len(), 10);
    }

    #[test]
    fn a_number_is_not_a_first_name() {
        assert_eq!(first_name("Ana Lima").as_deref(), Some("Ana"));
        assert_eq!(first_name("+1 555 0100"), None);
        assert_eq!(first_name("Erased person"), None);
    }
}
