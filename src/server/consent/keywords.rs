//! Keywords in inbound texts (SPEC §3.3–3.7), applied in the transaction that stores the
//! text: the opt-out is committed with the message, so nothing queued can slip out after.

use super::{append, events_for, NewEvent};
use crate::model::Purpose;
use crate::model::{
    Channel, ChannelFamily, ConsentMedium, DeliveryStatus, MessageCategory, Sender,
};
use crate::rules::consent::{standing, ConsentLevel, Standing};
use crate::rules::intent::{classify, Intent};
use crate::server::messaging::queue::{queue_outbound, Outbound};
use crate::server::messaging::system_text::{self, SystemText};
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
#[tracing::instrument(skip_all, fields(org_id = %m.org_id, message_id = %m.message_id))]
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
    match intent {
        Intent::OptOut => opt_out(conn, m, &org, &events, None).await?,
        // YES confirms a web-form opt-in waiting for this number (SPEC §3.11), or, while
        // the number is opted out, opts it back in; otherwise it is just a reply.
        Intent::Yes => {
            if let Some(kinds) =
                super::record::confirm_pending(conn, m.org_id, m.phone, m.message_id).await?
            {
                let text = format!("{org}: you are subscribed to {} by text. Msg frequency varies. Reply STOP to unsubscribe, HELP for help. Msg & data rates may apply.", super::record::kinds(&kinds));
                answer(conn, m, Purpose::OptInConfirmation, &text, None).await?;
            } else if opted_out {
                opt_in(conn, m, &org, intent).await?;
            }
        }
        // A START from a number already subscribed changes nothing and is not answered
        // again: one confirmation per opt-in (SPEC §3.6).
        Intent::OptIn if !opted_out && subscribed(&events) => {}
        Intent::OptIn => opt_in(conn, m, &org, intent).await?,
        Intent::Help => {
            let text = format!("{org}: Reply here and a person will answer. Reply STOP to unsubscribe. Msg & data rates may apply.");
            answer(conn, m, Purpose::Help, &text, None).await?;
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

/// START (or YES while opted out): a new express consent, by keyword, and one confirmation.
async fn opt_in(
    conn: &mut PgConnection,
    m: &Inbound<'_>,
    org: &str,
    intent: Intent,
) -> Result<(), sqlx::Error> {
    let event = NewEvent {
        org_id: m.org_id,
        phone: m.phone.to_string(),
        family: ChannelFamily::of(m.channel),
        grant: Some(ConsentLevel::Express),
        categories: ConsentLevel::Express.covers(),
        medium: keyword_medium(m.channel),
        language: Some(words(intent, m.body, None)),
        campaign: None,
        ip: None,
        user_agent: None,
        person_name: None,
        captured_by: None,
        source_ref: Some(format!("message:{}", m.message_id)),
    };
    let start = append(conn, &event).await?;
    let text = format!("{org}: You are resubscribed to messages. Reply STOP to unsubscribe, HELP for help. Msg & data rates may apply.");
    answer(conn, m, Purpose::OptInConfirmation, &text, Some(start)).await
}

/// A text that asks to stop, read by the detector or by a person (`reviewed_by`): it
/// revokes all messaging consent with the organisation on every channel family, not only
/// the one it arrived on (SPEC §3.3), and is confirmed exactly once: a repeated STOP is
/// recorded but not answered again (§3.4). `events` are the number's, in its family.
async fn opt_out(
    conn: &mut PgConnection,
    m: &Inbound<'_>,
    org: &str,
    events: &[crate::rules::consent::Event],
    reviewed_by: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    let family = ChannelFamily::of(m.channel);
    let fully_out = MessageCategory::ALL
        .iter()
        .all(|c| matches!(standing(events, *c), Standing::Revoked(_)));
    let mut confirmed_event = None;
    for each in ChannelFamily::ALL {
        let event = NewEvent {
            org_id: m.org_id,
            phone: m.phone.to_string(),
            family: *each,
            grant: None,
            categories: MessageCategory::ALL.to_vec(),
            medium: keyword_medium(m.channel),
            language: Some(words(Intent::OptOut, m.body, reviewed_by)),
            campaign: None,
            ip: None,
            user_agent: None,
            person_name: None,
            captured_by: reviewed_by,
            source_ref: Some(match reviewed_by {
                Some(_) => format!("message:{} (reviewed)", m.message_id),
                None => format!("message:{}", m.message_id),
            }),
        };
        let appended = append(conn, &event).await?;
        if *each == family {
            confirmed_event = Some(appended);
        }
    }
    // "Reply STOP to cancel": a web-form opt-in waiting for this number's YES is cancelled.
    sqlx::query(
        "UPDATE consent_confirmations SET expires_at = now() WHERE org_id = $1 AND phone = $2
             AND confirmed_at IS NULL AND expires_at > now()",
    )
    .bind(m.org_id)
    .bind(m.phone)
    .execute(&mut *conn)
    .await?;
    if !fully_out {
        let text = format!("{org}: You are unsubscribed and will get no more messages from us. Reply START to resubscribe.");
        answer(conn, m, Purpose::OptOutConfirmation, &text, confirmed_event).await?;
    }
    Ok(())
}

/// Keywords the ledger names when a text is exactly one of them (any case, punctuation).
const KEYWORDS: [&str; 18] = [
    "STOP",
    "STOPALL",
    "END",
    "UNSUBSCRIBE",
    "CANCEL",
    "QUIT",
    "REVOKE",
    "OPTOUT",
    "ALTO",
    "PARAR",
    "ARRET",
    "ARRÊT",
    "START",
    "UNSTOP",
    "YES",
    "SI",
    "SÍ",
    "OUI",
];

/// What the ledger keeps of the customer's words: the kind of text and, when the text was
/// a keyword, which one (from a closed list) — never the text itself, which `source_ref`
/// points to and an erasure may clear (SPEC §3.9: the opt-out outlives the words).
fn words(intent: Intent, body: &str, reviewed_by: Option<Uuid>) -> String {
    let letters: String = body
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect();
    let keyword = KEYWORDS.iter().find(|k| **k == letters);
    let how = match (intent, keyword, reviewed_by) {
        (_, _, Some(_)) => "a text a person read as a request to stop".to_string(),
        (_, Some(keyword), None) => format!("keyword {keyword}"),
        (Intent::OptOut, None, None) => "a request to stop read by the detector".to_string(),
        (_, None, None) => "a reply".to_string(),
    };
    match intent {
        Intent::OptOut => format!("Opt-out by text: {how}"),
        _ => format!("Opt-in by text: {how}"),
    }
}

fn keyword_medium(channel: Channel) -> ConsentMedium {
    match channel {
        Channel::Chat => ConsentMedium::ChatMessage,
        _ => ConsentMedium::SmsKeyword,
    }
}

fn subscribed(events: &[crate::rules::consent::Event]) -> bool {
    matches!(
        standing(events, MessageCategory::Informational),
        Standing::Granted(level, _) if level >= ConsentLevel::Express
    )
}

/// The keyword's answer: through the outbox to a phone (counted against the day's caps on
/// system texts), or straight into a web chat, which the visitor reads on our own page.
async fn answer(
    conn: &mut PgConnection,
    m: &Inbound<'_>,
    purpose: Purpose,
    body: &str,
    answers: Option<super::Appended>,
) -> Result<(), sqlx::Error> {
    if m.channel != Channel::Chat {
        let text = SystemText {
            org_id: m.org_id,
            phone: m.phone,
            conversation: Some(m.conversation),
            purpose,
            body,
            answers: answers.map(|a| a.id),
        };
        system_text::queue(conn, &text).await?;
        return Ok(());
    }
    // In web chat the visitor is on the page: the answer is delivered as it is stored.
    let mut line = Outbound::new(
        m.org_id,
        Some(m.conversation),
        body,
        Sender::System,
        MessageCategory::Informational,
        DeliveryStatus::Delivered,
    );
    line.purpose = Some(purpose);
    line.consent_event_id = answers.map(|a| a.id);
    queue_outbound(conn, &line).await?;
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
#[tracing::instrument(skip_all, fields(org_id = %caller.org_id, user_id = %caller.user_id))]
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
        let m = Inbound {
            org_id: caller.org_id,
            conversation,
            message_id,
            phone: &phone,
            channel,
            body: &body,
        };
        let events = events_for(conn, caller.org_id, &phone, ChannelFamily::of(channel)).await?;
        opt_out(conn, &m, &org, &events, Some(caller.user_id)).await?;
    }
    Ok(true)
}
