//! The voice agent (issue 14): on an inbound call to an organisation whose autopilot
//! answers calls, TwiML greets the caller with the automated-assistant disclosure (and the
//! recording notice where calls are recorded), listens (`<Gather input="speech">`), answers
//! with `<Say>`, and connects the caller to the store (`<Dial>`) on request or on any
//! handoff rule. Each turn is a line of the call's conversation.

use super::autopilot::{decide, hand_off};
use super::events::CallPurpose;
use super::run::{logged, Configured};
use super::runtime::Runtime;
use super::settings::AiConfig;
use super::{context, insight};
use crate::model::{DeliveryStatus, Direction, Handoff, MessageCategory, Sender};
use crate::rules::assistant::disclosure;
use crate::server::messaging::events;
use crate::server::messaging::queue::{queue_outbound, Outbound};
use std::time::Duration;
use uuid::Uuid;

/// A caller on the line cannot wait for a slow provider: one try, briefly.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(6);

const CONNECTING: &str = "One moment, I'm connecting you to our team now.";
const NOBODY: &str =
    "Sorry, no one can take your call right now. Please call back during business hours, or send us a text.";

/// Text safe inside an XML element or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn response(verbs: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>{verbs}</Response>")
}

/// Says `text` while listening for speech; silence comes back to `action` with no speech.
fn listen(text: &str, action: &str) -> String {
    let action = escape(action);
    response(&format!(
        "<Gather input=\"speech\" action=\"{action}\" method=\"POST\" speechTimeout=\"auto\"><Say>{}</Say></Gather><Redirect method=\"POST\">{action}</Redirect>",
        escape(text)
    ))
}

/// The greeting: who answers (an automated assistant) and, if so, that the call is recorded.
pub fn greeting(store: &str, calls_recorded: bool, action: &str) -> String {
    let recorded = match calls_recorded {
        true => " This call is recorded and transcribed.",
        false => "",
    };
    let text = format!(
        "Thanks for calling {store}. {}{recorded} How can I help you today? You can ask for a person at any time.",
        disclosure(store)
    );
    listen(&text, action)
}

/// `text`, then the caller is put through to the store's number (or told to call back).
pub fn connect(text: &str, transfer: Option<&str>) -> String {
    match transfer {
        Some(number) => response(&format!(
            "<Say>{}</Say><Dial>{}</Dial>",
            escape(text),
            escape(number)
        )),
        None => response(&format!("<Say>{}</Say><Hangup/>", escape(NOBODY))),
    }
}

/// One turn of the call: the caller's words stored, the assistant's answer stored and
/// spoken, or the caller put through to a person. Returns the TwiML.
pub async fn turn(
    rt: &Runtime,
    config: &AiConfig,
    org_id: Uuid,
    conversation: Uuid,
    speech: &str,
    action: &str,
) -> Result<String, sqlx::Error> {
    let transfer = config.transfer_number.as_deref();
    let speech = speech.trim();
    if speech.is_empty() {
        return Ok(connect(CONNECTING, transfer));
    }
    let mut conn = rt.pool.acquire().await?;
    line(&mut conn, org_id, conversation, Direction::Inbound, speech).await?;
    let Ok(context) = context::load(&mut conn, config, org_id, conversation).await? else {
        return Ok(connect(CONNECTING, transfer));
    };
    drop(conn);
    let assistant = Configured::of(config, &rt.http, CALL_TIMEOUT, 0);
    let reading = logged(
        &rt.pool,
        &assistant,
        &context,
        CallPurpose::Voice,
        assistant.insight(&context),
    )
    .await;
    let answer = match reading {
        Ok(reading) => {
            let reply = assistant.reply(&context, &reading);
            logged(&rt.pool, &assistant, &context, CallPurpose::Voice, reply)
                .await
                .map(|d| (reading, d))
        }
        Err(error) => Err(error),
    };
    let mut tx = rt.pool.begin().await?;
    let handoff = match &answer {
        Ok((reading, draft)) => {
            insight::store(&mut tx, org_id, conversation, reading).await?;
            decide(&context.turns, reading, draft, 0)
        }
        Err(_) => Some(Handoff::ProviderFailure),
    };
    let twiml = match (handoff, answer) {
        (Some(reason), _) => {
            line(
                &mut tx,
                org_id,
                conversation,
                Direction::Outbound,
                CONNECTING,
            )
            .await?;
            hand_off(&mut tx, org_id, conversation, reason, None).await?;
            connect(CONNECTING, transfer)
        }
        (None, Ok((_, draft))) => {
            line(
                &mut tx,
                org_id,
                conversation,
                Direction::Outbound,
                &draft.body,
            )
            .await?;
            listen(&draft.body, action)
        }
        (None, Err(_)) => connect(CONNECTING, transfer),
    };
    tx.commit().await?;
    Ok(twiml)
}

/// One transcript line of the call's conversation: the caller's words, or the assistant's
/// (spoken on the caller's own call, so no text-message rule applies to them).
async fn line(
    conn: &mut sqlx::PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    direction: Direction,
    text: &str,
) -> Result<(), sqlx::Error> {
    let text: String = text.chars().take(1600).collect();
    match direction {
        Direction::Inbound => {
            sqlx::query(
                "INSERT INTO messages (org_id, conversation_id, direction, body, sender, status)
                 VALUES ($1, $2, 'inbound', $3, 'customer', 'received')",
            )
            .bind(org_id)
            .bind(conversation)
            .bind(&text)
            .execute(&mut *conn)
            .await?;
        }
        Direction::Outbound => {
            let message = Outbound {
                ai_assisted: true,
                ..Outbound::new(
                    org_id,
                    Some(conversation),
                    &text,
                    Sender::Ai,
                    MessageCategory::Conversational,
                    DeliveryStatus::Delivered,
                )
            };
            queue_outbound(&mut *conn, &message).await?;
        }
    }
    events::notify(conn, org_id, conversation).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_greeting_discloses_the_assistant_and_the_recording_and_listens() {
        let twiml = greeting(
            "Lakeside Motors",
            true,
            "https://x.test/hooks/twilio/lake/voice/gather",
        );
        assert!(twiml.contains("Lakeside Motors&apos;s automated assistant"));
        assert!(twiml.contains("This call is recorded and transcribed."));
        assert!(twiml.contains(
            "<Gather input=\"speech\" action=\"https://x.test/hooks/twilio/lake/voice/gather\""
        ));
        let quiet = greeting("Lakeside Motors", false, "https://x.test/g");
        assert!(!quiet.contains("recorded"));
    }

    #[test]
    fn what_the_assistant_says_is_escaped() {
        let twiml = listen("Tom & Jerry <script>", "https://x.test/g?a=1&b=2");
        assert!(twiml.contains("<Say>Tom &amp; Jerry &lt;script&gt;</Say>"));
        assert!(twiml.contains("action=\"https://x.test/g?a=1&amp;b=2\""));
    }

    #[test]
    fn connecting_dials_the_store_or_says_to_call_back() {
        assert!(connect(CONNECTING, Some("+15550100")).contains("<Dial>+15550100</Dial>"));
        assert!(connect(CONNECTING, None).contains("<Hangup/>"));
    }
}
