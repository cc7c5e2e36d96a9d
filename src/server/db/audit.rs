use serde_json::Value;
use sqlx::PgExecutor;
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub enum Actor {
    User(Uuid),
    System,
    Anonymous,
}

/// One line of the append-only audit log.
#[derive(Debug)]
pub struct Event<'a> {
    pub org_id: Option<Uuid>,
    pub actor: Actor,
    pub action: &'a str,
    pub object: Option<(&'a str, String)>,
    pub ip: Option<IpAddr>,
    pub detail: Value,
}

pub async fn record<'e>(
    executor: impl PgExecutor<'e>,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    let (actor_kind, actor_id) = match event.actor {
        Actor::User(id) => ("user", Some(id)),
        Actor::System => ("system", None),
        Actor::Anonymous => ("anonymous", None),
    };
    let (object_type, object_id) = event.object.unzip();
    sqlx::query(
        "INSERT INTO audit_events (org_id, actor_id, actor_kind, action, object_type, object_id, ip, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7::inet, $8)",
    )
    .bind(event.org_id)
    .bind(actor_id)
    .bind(actor_kind)
    .bind(event.action)
    .bind(object_type)
    .bind(object_id)
    .bind(event.ip.map(|ip| ip.to_string()))
    .bind(event.detail)
    .execute(executor)
    .await?;
    Ok(())
}

impl<'a> Event<'a> {
    /// An action a signed-in user took on one object.
    pub fn by(
        caller: crate::server::auth::Caller,
        ip: Option<IpAddr>,
        action: &'a str,
        object: (&'a str, String),
        detail: Value,
    ) -> Event<'a> {
        Event {
            org_id: Some(caller.org_id),
            actor: Actor::User(caller.user_id),
            action,
            object: Some(object),
            ip,
            detail,
        }
    }
}
