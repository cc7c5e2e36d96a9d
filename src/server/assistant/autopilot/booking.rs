//! The autopilot books: when the customer asks for an appointment it offers the next free
//! slots instead of its draft, and a reply that picks one books it, through the same tool
//! and checks a person's booking passes (`appointments::tool`).

use super::act;
use crate::model::{Insight, LeadIntent};
use crate::server::appointments::tool;
use crate::server::assistant::{runtime::Runtime, Context};
use sqlx::PgConnection;

/// Books the slot the customer's last text picked from the assistant's offer, and says so;
/// false when the text picks nothing (the autopilot answers as usual).
pub async fn picked(rt: &Runtime, context: &Context) -> Result<bool, sqlx::Error> {
    let Some(last) = context.turns.iter().rev().find(|t| t.customer) else {
        return Ok(false);
    };
    let (org_id, conversation) = (context.org_id, context.conversation_id);
    let mut tx = rt.pool.begin().await?;
    let Some(result) = tool::book_pick(&mut tx, org_id, conversation, &last.text).await? else {
        return Ok(false);
    };
    let body = match result {
        Ok((_, when)) => {
            format!("You're booked for {when}. Reply C to confirm, or R if you need another time.")
        }
        Err(_) => match tool::offer(&mut tx, org_id, conversation).await? {
            Some(offer) => format!("Sorry, that time was just taken. {}", offer.text()),
            None => "Sorry, that time was just taken. A member of our team will find you another."
                .into(),
        },
    };
    let reading = crate::rules::assistant::read(&context.turns);
    let said = act::Said {
        body: &body,
        reading: &reading,
        stalled: 0,
    };
    act::send(&mut tx, org_id, conversation, &context.store.name, said).await?;
    // That answer is the text a C or R about the new booking replies to.
    sqlx::query(
        "UPDATE appointments SET prompt_message_id = (
             SELECT id FROM messages WHERE conversation_id = $2 AND sender = 'ai' AND status <> 'blocked'
             ORDER BY created_at DESC, id DESC LIMIT 1)
         WHERE org_id = $1 AND conversation_id = $2 AND source = 'assistant' AND status = 'scheduled'
           AND prompt_message_id IS NULL",
    )
    .bind(org_id)
    .bind(conversation)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The customer's latest text was answered as a reply about an appointment when it arrived
/// (`appointments::replies` made its answer that appointment's prompt, in the same
/// transaction): the autopilot does not answer it a second time.
pub async fn about_a_booking(pool: &sqlx::PgPool, context: &Context) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM appointments a JOIN messages m ON m.id = a.prompt_message_id
          WHERE a.org_id = $2 AND m.conversation_id = $1
            AND m.created_at = (SELECT max(i.created_at) FROM messages i
                                WHERE i.conversation_id = $1 AND i.direction = 'inbound'))",
    )
    .bind(context.conversation_id)
    .bind(context.org_id)
    .fetch_one(pool)
    .await
}

/// The slots to offer in place of the draft, when the customer asks to come in and has
/// no appointment ahead.
pub async fn offer_if_asked(
    tx: &mut PgConnection,
    context: &Context,
    reading: &Insight,
) -> Result<Option<String>, sqlx::Error> {
    if reading.intent != LeadIntent::Appointment {
        return Ok(None);
    }
    let booked: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM appointments a JOIN conversations c ON c.lead_id = a.lead_id
          WHERE c.id = $1 AND a.status IN ('scheduled', 'confirmed') AND a.starts_at > now())",
    )
    .bind(context.conversation_id)
    .fetch_one(&mut *tx)
    .await?;
    if booked {
        return Ok(None);
    }
    let offer = tool::offer(tx, context.org_id, context.conversation_id).await?;
    Ok(offer.map(|o| o.text()))
}
