//! Texts about an appointment (a booking's confirmation, a move, a cancellation, a
//! reminder, an answer to C or R): each goes through `may_send` as it is queued, and again
//! in the outbox when it leaves, like every other text (SPEC §3.12).

use crate::model::{Channel, MessageCategory, Sender};
use crate::rules::quiet_hours;
use crate::rules::send_decision::ReplyPlan;
use crate::rules::send_policy::may_send;
use crate::server::auth::Caller;
use crate::server::messaging::queue::{queue_outbound, Outbound};
use crate::server::messaging::{events, send_facts::send_facts};
use sqlx::PgConnection;
use uuid::Uuid;

/// The conversation an appointment's texts go to: the one it was booked from when that
/// one takes texts, else the lead's SMS conversation (made, not customer-initiated, when
/// the lead has none). None when the lead has no phone number.
pub async fn conversation(
    conn: &mut PgConnection,
    org_id: Uuid,
    lead: Uuid,
    booked_from: Option<Uuid>,
) -> Result<Option<Uuid>, sqlx::Error> {
    if let Some(id) = booked_from {
        let texts: Option<Channel> = sqlx::query_scalar(
            "SELECT channel FROM conversations WHERE id = $1 AND org_id = $2 AND lead_id = $3",
        )
        .bind(id)
        .bind(org_id)
        .bind(lead)
        .fetch_optional(&mut *conn)
        .await?;
        if matches!(texts, Some(Channel::Sms | Channel::Whatsapp)) {
            return Ok(Some(id));
        }
    }
    sqlx::query_scalar(
        "INSERT INTO conversations (org_id, lead_id, channel, customer_initiated)
         SELECT $1, $2, 'sms', false FROM leads WHERE id = $2 AND org_id = $1 AND phone IS NOT NULL
         ON CONFLICT (org_id, lead_id, channel) WHERE channel <> 'chat'
             DO UPDATE SET channel = excluded.channel
         RETURNING id",
    )
    .bind(org_id)
    .bind(lead)
    .fetch_optional(conn)
    .await
}

/// Queues `body` to the conversation as `category` when `may_send` allows, holding it until
/// the customer's morning during quiet hours; a refusal is returned, and nothing is stored
/// (the appointment shows why). Returns the message's id when queued.
pub async fn tell(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Option<Uuid>,
    body: &str,
    category: MessageCategory,
) -> Result<Result<Uuid, String>, sqlx::Error> {
    let (conversation, facts) = match checked(tx, org_id, conversation, category).await? {
        Ok(checked) => checked,
        Err(reason) => return Ok(Err(reason)),
    };
    let caller = Caller::system(org_id);
    let wait = crate::server::messaging::send_facts::quiet_wait(tx, caller, conversation).await?;
    let plan = ReplyPlan::of(Ok(()), facts.channel, wait);
    let message = Outbound {
        not_before: wait,
        ..Outbound::new(
            org_id,
            Some(conversation),
            body,
            Sender::System,
            category,
            plan.status(),
        )
    };
    let id = queue_outbound(tx, &message).await?;
    events::notify(tx, org_id, conversation).await?;
    Ok(Ok(id))
}

/// The conversation a text about the appointment would go to, when `may_send` lets it go
/// now; a refusal leaves nothing behind (not even a conversation made to ask).
pub async fn reachable(
    tx: &mut PgConnection,
    org_id: Uuid,
    lead: Uuid,
    booked_from: Option<Uuid>,
    category: MessageCategory,
) -> Result<Result<Uuid, String>, sqlx::Error> {
    sqlx::query("SAVEPOINT notice").execute(&mut *tx).await?;
    let to = conversation(tx, org_id, lead, booked_from).await?;
    let verdict = checked(tx, org_id, to, category).await?;
    let end = match verdict {
        Ok(_) => "RELEASE SAVEPOINT notice",
        Err(_) => "ROLLBACK TO SAVEPOINT notice",
    };
    sqlx::query(end).execute(&mut *tx).await?;
    Ok(verdict.map(|(to, _)| to))
}

/// Marks a queued text as the one a C, YES or R about the appointment answers.
pub async fn prompts(
    tx: &mut PgConnection,
    appointment: Uuid,
    message: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE appointments SET prompt_message_id = $2 WHERE id = $1")
        .bind(appointment)
        .bind(message)
        .execute(tx)
        .await?;
    Ok(())
}

type Checked = (Uuid, crate::rules::send_policy::SendFacts);

async fn checked(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Option<Uuid>,
    category: MessageCategory,
) -> Result<Result<Checked, String>, sqlx::Error> {
    let Some(conversation) = conversation else {
        return Ok(Err("This lead has no phone number to text.".into()));
    };
    let Some(facts) = send_facts(tx, Caller::system(org_id), conversation, true).await? else {
        return Ok(Err("The conversation is gone.".into()));
    };
    Ok(may_send(&facts, category).map(|()| (conversation, facts)))
}

/// Whether `now` is inside the customer's quiet hours, and when they end.
pub fn quiet_until(
    now: chrono::DateTime<chrono::Utc>,
    lead_zone: Option<&str>,
    org_zone: &str,
) -> Option<chrono::DateTime<chrono::Utc>> {
    quiet_hours::promotional_wait(now, quiet_hours::zone_of(lead_zone, org_zone))
}
