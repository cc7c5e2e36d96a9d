use crate::model::{AuditAction, AuditObject};
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
pub struct AuditEvent {
    pub org_id: Option<Uuid>,
    pub actor: Actor,
    pub action: AuditAction,
    pub object: Option<(AuditObject, String)>,
    pub ip: Option<IpAddr>,
    pub detail: Value,
}

pub async fn record<'e>(
    executor: impl PgExecutor<'e>,
    event: AuditEvent,
) -> Result<(), sqlx::Error> {
    let (actor_kind, actor_id) = match event.actor {
        Actor::User(id) => ("user", Some(id)),
        Actor::System => ("system", None),
        Actor::Anonymous => ("anonymous", None),
    };
    let (object_type, object_id) = event.object.unzip();
    let object_type = object_type.map(AuditObject::as_str);
    sqlx::query(
        "INSERT INTO audit_events (org_id, actor_id, actor_kind, action, object_type, object_id, ip, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7::inet, $8)",
    )
    .bind(event.org_id)
    .bind(actor_id)
    .bind(actor_kind)
    .bind(event.action.as_str())
    .bind(object_type)
    .bind(object_id)
    .bind(event.ip.map(|ip| ip.to_string()))
    .bind(event.detail)
    .execute(executor)
    .await?;
    Ok(())
}

/// A view of personal data: recorded once per person, object and ten minutes, so a page
/// that refreshes itself live does not bury the log in repeats.
pub async fn record_view(
    conn: &mut sqlx::PgConnection,
    event: AuditEvent,
) -> Result<(), sqlx::Error> {
    if let (Actor::User(actor), Some((object_type, object_id))) = (event.actor, &event.object) {
        let recent: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM audit_events WHERE org_id = $1 AND object_type = $2 AND object_id = $3
                 AND actor_id = $4 AND action = $5 AND at > now() - interval '10 minutes')",
        )
        .bind(event.org_id)
        .bind(object_type.as_str())
        .bind(object_id)
        .bind(actor)
        .bind(event.action.as_str())
        .fetch_one(&mut *conn)
        .await?;
        if recent {
            return Ok(());
        }
    }
    record(conn, event).await
}

impl AuditEvent {
    /// An action the server took by itself, or an administrator at its console.
    pub fn system(
        org_id: Uuid,
        action: AuditAction,
        object: (AuditObject, String),
        detail: Value,
    ) -> AuditEvent {
        AuditEvent {
            org_id: Some(org_id),
            actor: Actor::System,
            action,
            object: Some(object),
            ip: None,
            detail,
        }
    }

    /// An action a signed-in user took on one object.
    pub fn by(
        caller: crate::server::auth::Caller,
        ip: Option<IpAddr>,
        action: AuditAction,
        object: (AuditObject, String),
        detail: Value,
    ) -> AuditEvent {
        AuditEvent {
            org_id: Some(caller.org_id),
            actor: Actor::User(caller.user_id),
            action,
            object: Some(object),
            ip,
            detail,
        }
    }
}
