//! Telling the requester things (the acknowledgement, the one-time code): by e-mail when
//! they gave one, else by text through the outbox.

use crate::model::{LeadSource, E164};
use crate::server::messaging::inbound;
use sqlx::PgConnection;
use std::future::Future;
use uuid::Uuid;

/// One e-mail.
pub struct Mail<'a> {
    pub org_id: Uuid,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Where e-mail goes. Adapters for real mail services implement this; the built-in
/// `LocalMailer` delivers nowhere and keeps a copy, so the product runs offline.
pub trait Mailer {
    fn send(
        &self,
        conn: &mut PgConnection,
        mail: &Mail<'_>,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

/// Records the mail in `outbound_mail`, in the caller's transaction.
pub struct LocalMailer;

impl Mailer for LocalMailer {
    async fn send(&self, conn: &mut PgConnection, mail: &Mail<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO outbound_mail (org_id, recipient, subject, body) VALUES ($1, $2, $3, $4)",
        )
        .bind(mail.org_id)
        .bind(mail.to)
        .bind(mail.subject)
        .bind(mail.body)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Where a message to the requester went, for the request's history.
pub enum Sent {
    Email(String),
    Text(String),
}

impl Sent {
    /// Where it went, for the request itself.
    pub fn describe(&self) -> String {
        match self {
            Sent::Email(to) => format!("e-mail to {to}"),
            Sent::Text(to) => format!("text to {to}"),
        }
    }

    /// How it went, for the append-only audit log, which must not keep the address.
    pub fn channel(&self) -> &'static str {
        match self {
            Sent::Email(_) => "e-mail",
            Sent::Text(_) => "text",
        }
    }
}

/// Sends to the requester: e-mail first, else a text queued in the outbox (`privacy`
/// purpose: the worker sends it unless the number opted out of everything).
pub async fn tell(
    conn: &mut PgConnection,
    org_id: Uuid,
    email: Option<&str>,
    phone: Option<&str>,
    subject: &str,
    body: &str,
) -> Result<Option<Sent>, sqlx::Error> {
    if let Some(to) = email {
        LocalMailer
            .send(
                conn,
                &Mail {
                    org_id,
                    to,
                    subject,
                    body,
                },
            )
            .await?;
        return Ok(Some(Sent::Email(to.to_string())));
    }
    let Some(phone) = phone else {
        return Ok(None);
    };
    let number = E164::from_stored(phone.to_string());
    let lead = inbound::lead_for_phone(conn, org_id, &number, LeadSource::Manual).await?;
    let conversation: Uuid = sqlx::query_scalar(
        "INSERT INTO conversations (org_id, lead_id, channel) VALUES ($1, $2, 'sms')
         ON CONFLICT (org_id, lead_id, channel) DO UPDATE SET last_activity_at = conversations.last_activity_at
         RETURNING id",
    )
    .bind(org_id)
    .bind(lead)
    .fetch_one(&mut *conn)
    .await?;
    let message: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, category, status, purpose)
         VALUES ($1, $2, 'outbound', $3, 'system', 'informational', 'queued', 'privacy') RETURNING id",
    )
    .bind(org_id)
    .bind(conversation)
    .bind(body)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO outbox (message_id, org_id) VALUES ($1, $2)")
        .bind(message)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    Ok(Some(Sent::Text(phone.to_string())))
}
