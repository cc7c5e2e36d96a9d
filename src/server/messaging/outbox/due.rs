//! The worker's view of a due message: taken with `FOR UPDATE SKIP LOCKED` (so workers
//! on any number of servers never take the same one), with the facts the send rules need,
//! fetched again at the moment of sending.

use crate::model::{Channel, ChannelFamily, MessageCategory};
use crate::rules::quiet_hours;
use crate::rules::send_decision;
use crate::rules::send_policy::SendFacts;
use crate::server::consent;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub struct Due {
    pub message_id: Uuid,
    pub org_id: Uuid,
    pub org_slug: String,
    org_time_zone: String,
    /// None for a system text addressed to a number that is nobody's conversation.
    pub conversation_id: Option<Uuid>,
    pub attempts: i32,
    /// What goes out: the outbox's secret text (a code) when there is one.
    pub body: String,
    category: MessageCategory,
    pub channel: Channel,
    customer_initiated: bool,
    consent_review: bool,
    ended: bool,
    pub phone: Option<String>,
    lead_time_zone: Option<String>,
    restricted: bool,
    /// Set on the system's own texts (`Purpose`).
    purpose: Option<String>,
    /// The customer's last message in the conversation (WhatsApp's 24-hour window).
    last_inbound_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The next due message, locked for this transaction; none when nothing is due.
pub async fn take(tx: &mut PgConnection) -> Result<Option<Due>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.message_id, o.org_id, org.slug AS org_slug, org.time_zone AS org_time_zone, m.conversation_id,
                o.attempts, coalesce(o.secret_body, m.body) AS body, m.category,
                coalesce(c.channel, 'sms') AS channel, coalesce(c.customer_initiated, false) AS customer_initiated,
                coalesce(c.consent_review, false) AS consent_review, c.ended_at IS NOT NULL AS ended,
                coalesce(m.to_phone, l.phone) AS phone,
                l.time_zone AS lead_time_zone, coalesce(l.restricted_at IS NOT NULL, false) AS restricted, m.purpose,
                (SELECT max(i.created_at) FROM messages i
                  WHERE i.conversation_id = m.conversation_id AND i.direction = 'inbound') AS last_inbound_at
         FROM outbox o
         JOIN messages m ON m.id = o.message_id
         LEFT JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN leads l ON l.id = coalesce(c.lead_id,
             (SELECT id FROM leads WHERE org_id = m.org_id AND phone = m.to_phone))
         JOIN organisations org ON org.id = o.org_id
         WHERE o.state = 'queued' AND o.next_attempt_at <= now()
         ORDER BY o.next_attempt_at
         LIMIT 1
         FOR UPDATE OF o SKIP LOCKED",
    )
    .fetch_optional(tx)
    .await
}

impl Due {
    /// Whether it goes now, waits for the morning, or is blocked.
    ///
    /// The rules may have changed since the message was queued (an opt-out committed
    /// after it): ask again, holding the number's lock until the claim commits, so an
    /// opt-out committed before the claim stops it. One committed after the claim finds
    /// the message already on its way, as if it had been handed over (decision 13).
    pub async fn decide(&self, tx: &mut PgConnection) -> Result<send_decision::Due, sqlx::Error> {
        let facts = self.facts(tx).await?;
        let zone = quiet_hours::zone_of(self.lead_time_zone.as_deref(), &self.org_time_zone);
        let quiet = (self.category == MessageCategory::Promotional)
            .then(|| quiet_hours::promotional_wait(chrono::Utc::now(), zone))
            .flatten();
        Ok(send_decision::Due::decide(
            &facts,
            self.category,
            self.purpose.as_deref(),
            quiet,
        ))
    }

    async fn facts(&self, tx: &mut PgConnection) -> Result<SendFacts, sqlx::Error> {
        let ledger = match &self.phone {
            Some(phone) => {
                consent::lock_number_shared(&mut *tx, self.org_id, phone).await?;
                consent::events_for(tx, self.org_id, phone, ChannelFamily::of(self.channel)).await?
            }
            None => Vec::new(),
        };
        Ok(SendFacts {
            channel: self.channel,
            customer_initiated: self.customer_initiated,
            has_address: self.phone.is_some(),
            ledger,
            review: self.consent_review,
            restricted: self.restricted,
            ended: self.ended,
            window_open: crate::rules::whatsapp_window::open(
                self.last_inbound_at,
                chrono::Utc::now(),
            ),
        })
    }
}
