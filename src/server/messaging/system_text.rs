//! Texts the system sends on its own: keyword answers, one-time codes, the consent form's
//! "reply YES". Each is counted against the daily caps per number and per organisation
//! when it is queued (SPEC §3.12), in the caller's transaction, and checked by
//! `may_send_answer` again when the worker sends it. A text that carries a code is stored
//! masked; only the outbox row, which leaves when the text does, holds the real one.

use super::queue::{queue_outbound, Outbound};
use crate::model::Purpose;
use crate::model::{DeliveryStatus, MessageCategory, Sender};
use crate::rules::send_policy::mask_codes;
use crate::server::rate_limit;
use sqlx::PgConnection;
use uuid::Uuid;

pub struct SystemText<'a> {
    pub org_id: Uuid,
    /// The number it goes to, in E.164.
    pub phone: &'a str,
    /// The conversation it belongs to; none for someone who is nobody's conversation yet
    /// (then it is addressed to the number and creates no lead).
    pub conversation: Option<Uuid>,
    pub purpose: Purpose,
    pub body: &'a str,
    /// The consent event it answers (the opt-out it confirms).
    pub answers: Option<i64>,
}

/// Whether the text was queued, or refused by a daily cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    Yes(Uuid),
    Capped,
}

pub async fn queue(conn: &mut PgConnection, text: &SystemText<'_>) -> Result<Queued, sqlx::Error> {
    if let Some((per_number, per_org)) = crate::rules::send_policy::caps(text.purpose) {
        // Both counts or neither: a text the organisation's cap refuses must not use up
        // the number's allowance.
        sqlx::query("SAVEPOINT system_text_caps")
            .execute(&mut *conn)
            .await?;
        let number = format!("{} {}", text.org_id, text.phone);
        for (limit, subject) in [
            (per_number, number.as_str()),
            (per_org, &text.org_id.to_string()),
        ] {
            if rate_limit::take(&mut *conn, limit, subject)
                .await?
                .is_some()
            {
                sqlx::query("ROLLBACK TO SAVEPOINT system_text_caps")
                    .execute(&mut *conn)
                    .await?;
                tracing::warn!(
                    purpose = text.purpose.as_str(),
                    limit = limit.name,
                    "system text not sent: daily cap"
                );
                return Ok(Queued::Capped);
            }
        }
        sqlx::query("RELEASE SAVEPOINT system_text_caps")
            .execute(&mut *conn)
            .await?;
    }
    let (shown, secret) = match text.purpose.carries_code() {
        true => (mask_codes(text.body), Some(text.body)),
        false => (text.body.to_string(), None),
    };
    let message = Outbound {
        to_phone: text.conversation.is_none().then_some(text.phone),
        purpose: Some(text.purpose),
        consent_event_id: text.answers,
        secret_body: secret,
        ..Outbound::new(
            text.org_id,
            text.conversation,
            &shown,
            Sender::System,
            MessageCategory::Informational,
            DeliveryStatus::Queued,
        )
    };
    let id = queue_outbound(conn, &message).await?;
    Ok(Queued::Yes(id))
}
