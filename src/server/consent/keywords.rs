//! Keywords in inbound texts (SPEC §3.3–3.7), applied in the transaction that stores the
//! text: the opt-out is committed with the message, so nothing queued can slip out after.

use super::{append, events_for, NewEvent};
use crate::model::{Channel, MessageCategory};
use crate::model::{ChannelFamily, ConsentMedium};
use crate::rules::consent::{standing, ConsentLevel, Standing};
use crate::rules::keywords::{classify, Intent};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct Inbound<'a> {
    pub org_id: Uuid,
    pub conversation: Uuid,
    pub message_id: Uuid,
    pub phone: &'a str,
    pub channel: Channel,
    pub body: &'a str,
}

/// Records what the text asks for and queues the one answer it calls for.
pub async fn apply(conn: &mut PgConnection, m: &Inbound<'_>) -> Result<Intent, sqlx::Error> {
    if !matches!(m.channel, Channel::Sms | Channel::Whatsapp) {
        return Ok(Intent::Other);
    }
    let intent = classify(m.body);
    let family = ChannelFamily::of(m.channel);
    let org: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(m.org_id)
        .fetch_one(&mut *conn)
        .await?;
    let events = events_for(conn, m.org_id, m.phone, family).await?;
    let opted_out = matches!(
        standing(&events, MessageCategory::Conversational),
        Standing::Revoked(_)
    );
    let event = |grant: Option<ConsentLevel>, categories: Vec<MessageCategory>| NewEvent {
        org_id: m.org_id,
        phone: m.phone.to_string(),
        family,
        grant,
        categories,
        medium: ConsentMedium::SmsKeyword,
        // The customer's own words are the language of a keyword event.
        language: Some(m.body.trim().to_string()),
        campaign: None,
        ip: None,
        user_agent: None,
        person_name: None,
        captured_by: None,
        source_ref: Some(format!("message:{}", m.message_id)),
    };
    match intent {
        Intent::OptOut => {
            let fully_out = MessageCategory::ALL
                .iter()
                .all(|c| matches!(standing(&events, *c), Standing::Revoked(_)));
            let stop = append(conn, &event(None, MessageCategory::ALL.to_vec())).await?;
            // Exactly one confirmation: a repeated STOP is recorded, but not answered again.
            if !fully_out {
                let text = format!("{org}: You are unsubscribed and will get no more messages from us. Reply START to resubscribe.");
                queue(conn, m, "opt_out_confirmation", &text, Some(stop)).await?;
            }
        }
        // YES is an opt-in only while the number is opted out; otherwise it is just a reply.
        Intent::Yes if !opted_out => {}
        Intent::OptIn | Intent::Yes => {
            let start = append(
                conn,
                &event(Some(ConsentLevel::Express), ConsentLevel::Express.covers()),
            )
            .await?;
            let text = format!("{org}: You are resubscribed to messages. Reply STOP to unsubscribe, HELP for help. Msg & data rates may apply.");
            queue(conn, m, "opt_in_confirmation", &text, Some(start)).await?;
        }
        Intent::Help => {
            let text = format!("{org}: Reply here and a person will answer. Reply STOP to unsubscribe. Msg & data rates may apply.");
            queue(conn, m, "help", &text, None).await?;
        }
        Intent::Unclear => {
            sqlx::query("UPDATE conversations SET consent_review = true WHERE id = $1")
                .bind(m.conversation)
                .execute(&mut *conn)
                .await?;
        }
        Intent::Other => {}
    }
    Ok(intent)
}

async fn queue(
    conn: &mut PgConnection,
    m: &Inbound<'_>,
    purpose: &str,
    body: &str,
    answers: Option<super::Appended>,
) -> Result<(), sqlx::Error> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, category, status, purpose, consent_event_id)
         VALUES ($1, $2, 'outbound', $3, 'system', 'informational', 'queued', $4, $5) RETURNING id",
    )
    .bind(m.org_id)
    .bind(m.conversation)
    .bind(body)
    .bind(purpose)
    .bind(answers.map(|a| a.id))
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO outbox (message_id, org_id) VALUES ($1, $2)")
        .bind(id)
        .bind(m.org_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
