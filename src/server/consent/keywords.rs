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
    if m.channel == Channel::Voice {
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
    let medium = match m.channel {
        Channel::Chat => ConsentMedium::ChatMessage,
        _ => ConsentMedium::SmsKeyword,
    };
    let event = |family, grant: Option<ConsentLevel>, categories: Vec<MessageCategory>| NewEvent {
        org_id: m.org_id,
        phone: m.phone.to_string(),
        family,
        grant,
        categories,
        medium,
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
            // A STOP revokes all messaging consent with the organisation, on every
            // channel family, not only the one it arrived on (SPEC §3.3).
            let mut stop = None;
            for each in ChannelFamily::ALL {
                let appended =
                    append(conn, &event(*each, None, MessageCategory::ALL.to_vec())).await?;
                if *each == family {
                    stop = Some(appended);
                }
            }
            // Exactly one confirmation: a repeated STOP is recorded, but not answered again.
            if !fully_out {
                let text = format!("{org}: You are unsubscribed and will get no more messages from us. Reply START to resubscribe.");
                queue(conn, m, "opt_out_confirmation", &text, stop).await?;
            }
        }
        // YES is an opt-in only while the number is opted out; otherwise it is just a reply.
        Intent::Yes if !opted_out => {}
        // A START from a number already subscribed changes nothing and is not answered
        // again: one confirmation per opt-in (SPEC §3.6).
        Intent::OptIn if !opted_out && subscribed(&events) => {}
        Intent::OptIn | Intent::Yes => {
            let start = append(
                conn,
                &event(
                    family,
                    Some(ConsentLevel::Express),
                    ConsentLevel::Express.covers(),
                ),
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

fn subscribed(events: &[crate::rules::consent::Event]) -> bool {
    matches!(
        standing(events, MessageCategory::Informational),
        Standing::Granted(level, _) if level >= ConsentLevel::Express
    )
}

/// The keyword's answer: through the outbox to a phone, or straight into a web chat,
/// which the visitor reads on our own page.
async fn queue(
    conn: &mut PgConnection,
    m: &Inbound<'_>,
    purpose: &str,
    body: &str,
    answers: Option<super::Appended>,
) -> Result<(), sqlx::Error> {
    let in_chat = m.channel == Channel::Chat;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, category, status, purpose, consent_event_id)
         VALUES ($1, $2, 'outbound', $3, 'system', 'informational', $6::delivery_status, $4, $5) RETURNING id",
    )
    .bind(m.org_id)
    .bind(m.conversation)
    .bind(body)
    .bind(purpose)
    .bind(answers.map(|a| a.id))
    .bind(if in_chat { "delivered" } else { "queued" })
    .fetch_one(&mut *conn)
    .await?;
    if !in_chat {
        sqlx::query("INSERT INTO outbox (message_id, org_id) VALUES ($1, $2)")
            .bind(id)
            .bind(m.org_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    channel: Channel,
    phone: Option<String>,
    message_id: Option<Uuid>,
    body: Option<String>,
}

/// A person's decision on a text the detector could not read for sure: an opt-out (then
/// recorded, and confirmed once, as if it had been a keyword) or not. Either way the
/// conversation leaves review and promotions are no longer held for it.
pub async fn settle_review(
    conn: &mut PgConnection,
    caller: crate::server::auth::Caller,
    conversation: Uuid,
    opted_out: bool,
) -> Result<bool, sqlx::Error> {
    let found: Option<ReviewRow> = sqlx::query_as(
        "SELECT c.channel, l.phone, m.id AS message_id, m.body FROM conversations c JOIN leads l ON l.id = c.lead_id
         LEFT JOIN LATERAL (SELECT id, body FROM messages WHERE conversation_id = c.id AND direction = 'inbound'
                            ORDER BY created_at DESC, id DESC LIMIT 1) m ON true
         WHERE c.id = $1 AND c.org_id = $2 AND c.consent_review FOR UPDATE OF c",
    )
    .bind(conversation)
    .bind(caller.org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(ReviewRow {
        channel,
        phone,
        message_id,
        body,
    }) = found
    else {
        return Ok(false);
    };
    let last = message_id.zip(body);
    sqlx::query("UPDATE conversations SET consent_review = false WHERE id = $1")
        .bind(conversation)
        .execute(&mut *conn)
        .await?;
    if let (true, Some(phone), Some((message_id, body))) = (opted_out, phone, last) {
        let org: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(caller.org_id)
            .fetch_one(&mut *conn)
            .await?;
        let family = ChannelFamily::of(channel);
        let events = events_for(conn, caller.org_id, &phone, family).await?;
        let fully_out = MessageCategory::ALL
            .iter()
            .all(|c| matches!(standing(&events, *c), Standing::Revoked(_)));
        let m = Inbound {
            org_id: caller.org_id,
            conversation,
            message_id,
            phone: &phone,
            channel,
            body: &body,
        };
        let mut stop = None;
        for each in ChannelFamily::ALL {
            let event = NewEvent {
                org_id: caller.org_id,
                phone: phone.clone(),
                family: *each,
                grant: None,
                categories: MessageCategory::ALL.to_vec(),
                medium: match channel {
                    Channel::Chat => ConsentMedium::ChatMessage,
                    _ => ConsentMedium::SmsKeyword,
                },
                language: Some(body.trim().to_string()),
                campaign: None,
                ip: None,
                user_agent: None,
                person_name: None,
                captured_by: Some(caller.user_id),
                source_ref: Some(format!("message:{message_id} (reviewed)")),
            };
            let appended = append(conn, &event).await?;
            if *each == family {
                stop = Some(appended);
            }
        }
        if !fully_out {
            let text = format!("{org}: You are unsubscribed and will get no more messages from us. Reply START to resubscribe.");
            queue(conn, &m, "opt_out_confirmation", &text, stop).await?;
        }
    }
    Ok(true)
}
