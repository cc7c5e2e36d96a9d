//! The assistant's booking tool: it offers the next free slots in a conversation and books
//! the one the customer picks, through the same slot function and the same booking checks
//! as a person (`book::insert`). What it offered is kept on the conversation, so a reply of
//! "2" means the second of those, and a slot taken meanwhile is refused, not double-booked.

use super::availability::Availability;
use super::book::{bookable, insert, Booking};
use super::{hours, types};
use crate::error::AppError;
use crate::model::{AppointmentSource, AuditAction, AuditObject};
use crate::rules::appointment::likely_type;
use crate::rules::slots::label;
use crate::server::db::{self, audit::AuditEvent};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::types::Json;
use sqlx::PgConnection;
use uuid::Uuid;

/// How many slots the assistant offers at once.
pub const OFFERED: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub type_id: Uuid,
    pub type_name: String,
    pub assignee: Uuid,
    pub assignee_name: String,
    pub starts: Vec<DateTime<Utc>>,
    pub labels: Vec<String>,
    pub offered_at: DateTime<Utc>,
}

impl Offer {
    /// "I can book a test drive with Sam at: 1) Tue 8 Dec, 10:00 am; 2) …. Reply 1, 2 or 3."
    pub fn text(&self) -> String {
        let list = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{}) {l}", i + 1))
            .collect::<Vec<_>>()
            .join("; ");
        let numbers = (1..=self.labels.len())
            .map(|n| n.to_string())
            .collect::<Vec<_>>();
        let reply = match numbers.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        format!(
            "I can book a {} with {} at: {list}. Reply {reply} to pick one.",
            self.type_name.to_lowercase(),
            self.assignee_name.split_whitespace().next().unwrap_or("us")
        )
    }
}

/// The next free slots with the lead's own agent (or the first bookable person), kept on
/// the conversation; none when nothing is free in the horizon.
pub async fn offer(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<Option<Offer>, sqlx::Error> {
    let kinds = types::list(conn, org_id, true).await?;
    let Some(kind) = likely_type(&kinds) else {
        return Ok(None);
    };
    let people = bookable(conn, org_id).await?;
    let own: Option<Uuid> = sqlx::query_scalar(
        "SELECT l.assigned_to FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1 AND c.org_id = $2",
    )
    .bind(conversation)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    let Some(person) = own
        .and_then(|id| people.iter().find(|p| p.id == id))
        .or(people.first())
    else {
        return Ok(None);
    };
    let now = Utc::now();
    let zone = hours::org_zone(conn, org_id).await?;
    let today = now.with_timezone(&zone).date_naive();
    // An hour's notice at least: the customer must be able to get there.
    let (minutes, notice) = (kind.duration_minutes, now + Duration::hours(1));
    let starts =
        Availability::next_free(conn, org_id, person.id, minutes, (today, notice), OFFERED).await?;
    if starts.is_empty() {
        return Ok(None);
    }
    let offer = Offer {
        type_id: kind.id,
        type_name: kind.name.clone(),
        assignee: person.id,
        assignee_name: person.name.clone(),
        labels: starts.iter().map(|s| label(*s, zone)).collect(),
        starts,
        offered_at: now,
    };
    sqlx::query("UPDATE conversations SET ai_offered_slots = $3 WHERE id = $1 AND org_id = $2")
        .bind(conversation)
        .bind(org_id)
        .bind(Json(&offer))
        .execute(conn)
        .await?;
    Ok(Some(offer))
}

/// Which offered slot a reply picks: "2", "#2", "option 2", "the second".
pub fn pick(text: &str, offered: usize) -> Option<usize> {
    let lower = text.trim().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let ordinal = |w: &str| match w {
        "1" | "first" | "one" => Some(0),
        "2" | "second" | "two" => Some(1),
        "3" | "third" | "three" => Some(2),
        _ => None,
    };
    let chosen: Vec<usize> = match words.as_slice() {
        [w] | ["option" | "number" | "the", w] => ordinal(w).into_iter().collect(),
        [w, "please" | "pls" | "thanks"] => ordinal(w).into_iter().collect(),
        _ => Vec::new(),
    };
    chosen.first().copied().filter(|i| *i < offered)
}

/// Books the slot a reply picked from the conversation's last offer (made within a day),
/// in the caller's transaction. `None` when the reply picks nothing; `Err` when the slot
/// is no longer free (the caller offers again).
pub async fn book_pick(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    reply: &str,
) -> Result<Option<Result<(Uuid, String), String>>, sqlx::Error> {
    let found: Option<(Uuid, Option<Json<Offer>>)> = sqlx::query_as(
        "SELECT lead_id, ai_offered_slots FROM conversations WHERE id = $1 AND org_id = $2",
    )
    .bind(conversation)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((lead, Some(Json(offer)))) = found else {
        return Ok(None);
    };
    if Utc::now() - offer.offered_at > Duration::days(1) {
        return Ok(None);
    }
    let Some(i) = pick(reply, offer.starts.len()) else {
        return Ok(None);
    };
    let booking = Booking {
        lead,
        type_id: offer.type_id,
        assignee: offer.assignee,
        starts_at: offer.starts[i],
        conversation: Some(conversation),
        notes: String::new(),
        source: AppointmentSource::Assistant,
    };
    sqlx::query("SAVEPOINT assistant_booking")
        .execute(&mut *tx)
        .await?;
    let booked = insert(tx, org_id, None, &booking).await;
    if let Err(refused) = booked {
        // Undone first (a refusal may have aborted the transaction); the offer stays until
        // the caller makes a new one.
        sqlx::query("ROLLBACK TO SAVEPOINT assistant_booking")
            .execute(&mut *tx)
            .await?;
        return Ok(Some(Err(match refused {
            AppError::Validation(e) => e.messages().join(" "),
            other => other.to_string(),
        })));
    }
    sqlx::query("UPDATE conversations SET ai_offered_slots = NULL WHERE id = $1")
        .bind(conversation)
        .execute(&mut *tx)
        .await?;
    if let Ok(id) = &booked {
        let object = (AuditObject::Appointment, id.to_string());
        let detail = json!({ "lead": lead, "starts_at": booking.starts_at, "by": "assistant" });
        let event = AuditEvent::system(org_id, AuditAction::AppointmentBooked, object, detail);
        db::audit::record(&mut *tx, event).await?;
    }
    Ok(Some(
        booked
            .map(|id| (id, offer.labels[i].clone()))
            .map_err(|e| e.to_string()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_picks_one_of_the_offered_slots() {
        assert_eq!(pick("2", 3), Some(1));
        assert_eq!(pick(" #1 ", 3), Some(0));
        assert_eq!(pick("the second", 3), Some(1));
        assert_eq!(pick("option 3", 3), Some(2));
        assert_eq!(pick("3 please", 3), Some(2));
        assert_eq!(pick("3", 2), None, "only two were offered");
        assert_eq!(pick("I have 2 kids", 3), None);
        assert_eq!(pick("can we do 4pm", 3), None);
    }
}
