//! What the send rules (`rules::send_policy`, `rules::send_decision`) need to know about
//! a conversation the caller can see: its channel, standing and consent ledger, and when
//! its customer's quiet hours end.

use super::scope::scoped;
use crate::model::{Channel, ChannelFamily};
use crate::rules::quiet_hours;
use crate::rules::send_policy::SendFacts;
use crate::server::auth::Caller;
use crate::server::consent;
use sqlx::{PgConnection, QueryBuilder};
use uuid::Uuid;

type FactsRow = (
    Channel,
    bool,
    bool,
    Option<String>,
    bool,
    bool,
    bool,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// What `may_send` needs about a conversation the caller can see (locked when `lock`);
/// `None` when the caller cannot see it.
pub async fn send_facts(
    conn: &mut PgConnection,
    caller: Caller,
    id: Uuid,
    lock: bool,
) -> Result<Option<SendFacts>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT c.channel, c.customer_initiated, (l.phone IS NOT NULL OR c.channel = 'chat'), l.phone, c.consent_review,
                l.restricted_at IS NOT NULL, c.ended_at IS NOT NULL,
                (SELECT max(i.created_at) FROM messages i WHERE i.conversation_id = c.id AND i.direction = 'inbound')
         FROM conversations c JOIN leads l ON l.id = c.lead_id",
    );
    scoped(&mut qb, caller);
    qb.push(" AND c.id = ").push_bind(id);
    if lock {
        qb.push(" FOR UPDATE OF c");
    }
    let row: Option<FactsRow> = qb.build_query_as().fetch_optional(&mut *conn).await?;
    let Some((channel, customer_initiated, has_address, phone, review, restricted, ended, last_in)) =
        row
    else {
        return Ok(None);
    };
    let ledger = match phone {
        Some(phone) => {
            consent::events_for(conn, caller.org_id, &phone, ChannelFamily::of(channel)).await?
        }
        None => Vec::new(),
    };
    Ok(Some(SendFacts {
        channel,
        customer_initiated,
        has_address,
        ledger,
        review,
        restricted,
        ended,
        window_open: crate::rules::whatsapp_window::open(last_in, chrono::Utc::now()),
    }))
}

/// When a promotional message to this conversation's customer may go, if not now.
pub async fn quiet_wait(
    conn: &mut PgConnection,
    caller: Caller,
    conversation: Uuid,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    let (lead_zone, org_zone): (Option<String>, String) = sqlx::query_as(
        "SELECT l.time_zone, o.time_zone FROM conversations c JOIN leads l ON l.id = c.lead_id
         JOIN organisations o ON o.id = c.org_id WHERE c.id = $1 AND c.org_id = $2",
    )
    .bind(conversation)
    .bind(caller.org_id)
    .fetch_one(conn)
    .await?;
    let zone = quiet_hours::zone_of(lead_zone.as_deref(), &org_zone);
    Ok(quiet_hours::promotional_wait(chrono::Utc::now(), zone))
}
