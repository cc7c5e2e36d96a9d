//! A customer's answer to a reminder, in the inbound message's transaction: C or YES
//! confirms their next appointment, R asks for another time (flagged for the person they
//! meet), and an opt-out (STOP, or a bare CANCEL) stays an opt-out: the visit is not
//! silently cancelled, it is flagged for a person (SPEC §3.3).

use super::{facts, notice};
use crate::model::{AuditAction, AuditObject, MessageCategory};
use crate::rules::appointment::{reply, Reply};
use crate::rules::intent::Intent;
use crate::server::db::{self, audit::AuditEvent};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn after_inbound(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    body: &str,
    intent: Intent,
) -> Result<(), sqlx::Error> {
    let meaning = reply(body, intent);
    if meaning == Reply::Other {
        return Ok(());
    }
    // An opt-out concerns every visit of the lead; a C or R only the one whose text it answers.
    let next = match meaning {
        Reply::OptedOut => next_of_lead(tx, org_id, conversation).await?,
        _ => prompted(tx, org_id, conversation).await?,
    };
    let Some(id) = next else {
        return Ok(());
    };
    let (sql, action, answer) = match meaning {
        Reply::Confirm => (
            "UPDATE appointments SET status = 'confirmed', updated_at = now(),
                 sequence = sequence + CASE WHEN status = 'scheduled' THEN 1 ELSE 0 END
             WHERE id = $1",
            AuditAction::AppointmentConfirmed,
            Some("Thanks, you're confirmed. See you then!"),
        ),
        Reply::Reschedule => (
            "UPDATE appointments SET attention = 'reschedule_requested', updated_at = now() WHERE id = $1",
            AuditAction::AppointmentMarked,
            Some("Thanks, we'll be in touch shortly to find a better time."),
        ),
        Reply::OptedOut => (
            "UPDATE appointments SET attention = 'opted_out', updated_at = now()
             WHERE lead_id = (SELECT lead_id FROM appointments WHERE id = $1)
               AND status IN ('scheduled', 'confirmed') AND ends_at > now()",
            AuditAction::AppointmentMarked,
            None,
        ),
        _ => return Ok(()),
    };
    sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    let object = (AuditObject::Appointment, id.to_string());
    let detail = json!({ "by_customer": format!("{meaning:?}") });
    db::audit::record(&mut *tx, AuditEvent::system(org_id, action, object, detail)).await?;
    if let Some(answer) = answer {
        let f = facts::facts(tx, org_id, id).await?;
        let body = format!("{}: {answer}", f.store);
        // An answer to the customer's own text: conversational, through `may_send`.
        let sent = notice::tell(
            tx,
            org_id,
            Some(conversation),
            &body,
            MessageCategory::Conversational,
        )
        .await?;
        match sent {
            // The answer is now the text a further C or R replies to.
            Ok(message) => notice::prompts(tx, id, message).await?,
            Err(reason) => tracing::info!(%reason, "appointment answer not sent"),
        }
    }
    Ok(())
}

/// The lead's next live appointment (one that started in the last hour still counts).
async fn next_of_lead(
    tx: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.id FROM appointments a JOIN conversations c ON c.lead_id = a.lead_id
         WHERE c.id = $1 AND a.org_id = $2 AND a.status IN ('scheduled', 'confirmed')
           AND a.starts_at > now() - interval '1 hour'
         ORDER BY a.starts_at LIMIT 1 FOR UPDATE OF a",
    )
    .bind(conversation)
    .bind(org_id)
    .fetch_optional(tx)
    .await
}

/// The live appointment whose C-or-R text is the store's last word in the conversation
/// before the customer's latest message: only then is a bare "yes" about that visit.
/// Messages of the transaction storing that latest message share its time, so the store's
/// own answers to it do not count.
pub async fn prompted(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.id FROM appointments a
         WHERE a.org_id = $2 AND a.status IN ('scheduled', 'confirmed') AND a.starts_at > now() - interval '1 hour'
           AND a.prompt_message_id = (
               SELECT m.id FROM messages m
               WHERE m.conversation_id = $1 AND m.direction = 'outbound' AND m.status <> 'blocked'
                 AND m.created_at < (SELECT max(i.created_at) FROM messages i
                                     WHERE i.conversation_id = $1 AND i.direction = 'inbound')
               ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
         FOR UPDATE OF a",
    )
    .bind(conversation)
    .bind(org_id)
    .fetch_optional(conn)
    .await
}
