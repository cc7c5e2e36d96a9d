//! Linking a chat to its person, once the claim is proven (a code) or a staff member
//! vouches for it (audited): the chat moves to the lead that holds the contact.

use super::visitor::Claim;
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject};
use crate::server::auth::Caller;
use crate::server::db;
use crate::server::messaging::events;
use crate::server::messaging::send_facts::send_facts;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

/// How a chat's claim was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Code,
    Staff,
}

impl Proof {
    /// As `conversations.verified_how` stores it.
    fn as_str(self) -> &'static str {
        match self {
            Proof::Code => "code",
            Proof::Staff => "staff",
        }
    }
}

/// Moves a chat to the lead that holds `claim` (merging the chat's own lead into it), or
/// gives the chat's lead that contact when nobody holds it yet. Returns the lead.
pub async fn link(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    claim: &Claim,
    proof: Proof,
) -> Result<Uuid, AppError> {
    let (own, verified): (Uuid, bool) = sqlx::query_as(
        "SELECT lead_id, verified_at IS NOT NULL FROM conversations
         WHERE id = $1 AND org_id = $2 AND channel = 'chat' FOR UPDATE",
    )
    .bind(conversation)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if verified {
        return Err(AppError::Conflict(
            "This chat is already linked to its person.".into(),
        ));
    }
    let lead = match holder(conn, org_id, claim).await? {
        Some(holder) if holder != own => {
            merge_chat_lead(conn, org_id, own, holder, conversation).await?;
            holder
        }
        _ => take_contact(conn, org_id, own, conversation, claim).await?,
    };
    sqlx::query(
        "UPDATE conversations SET verified_at = now(), verified_how = $2, code_hash = NULL, code_expires_at = NULL
         WHERE id = $1",
    )
    .bind(conversation)
    .bind(proof.as_str())
    .execute(&mut *conn)
    .await?;
    events::notify(&mut *conn, org_id, conversation).await?;
    Ok(lead)
}

/// Nobody holds the contact yet: the chat's own lead takes it, unless another chat proved
/// the same new number at this moment (then the chat joins that one's lead).
async fn take_contact(
    conn: &mut PgConnection,
    org_id: Uuid,
    own: Uuid,
    conversation: Uuid,
    claim: &Claim,
) -> Result<Uuid, AppError> {
    let column = match claim {
        Claim::Phone(_) => "phone",
        Claim::Email(_) => "email",
    };
    // A savepoint: another chat may prove the same new number at this moment.
    sqlx::query("SAVEPOINT chat_contact")
        .execute(&mut *conn)
        .await?;
    let set = sqlx::query(&format!(
        "UPDATE leads SET {column} = $2, updated_at = now() WHERE id = $1"
    ))
    .bind(own)
    .bind(claim.as_str())
    .execute(&mut *conn)
    .await;
    match set {
        Ok(_) => Ok(own),
        Err(e) if db::is_unique_violation(&e, db::leads::PHONE_KEY) => {
            sqlx::query("ROLLBACK TO SAVEPOINT chat_contact")
                .execute(&mut *conn)
                .await?;
            let holder = holder(conn, org_id, claim)
                .await?
                .ok_or(AppError::Internal)?;
            merge_chat_lead(conn, org_id, own, holder, conversation).await?;
            Ok(holder)
        }
        Err(e) => Err(e.into()),
    }
}

/// The lead that holds a contact: the one with the phone, or the oldest with the e-mail.
async fn holder(
    conn: &mut PgConnection,
    org_id: Uuid,
    claim: &Claim,
) -> Result<Option<Uuid>, sqlx::Error> {
    match claim {
        Claim::Phone(phone) => {
            sqlx::query_scalar("SELECT id FROM leads WHERE org_id = $1 AND phone = $2")
                .bind(org_id)
                .bind(phone.as_str())
                .fetch_optional(conn)
                .await
        }
        Claim::Email(email) => {
            sqlx::query_scalar(
                "SELECT id FROM leads WHERE org_id = $1 AND email = $2 AND erased_at IS NULL ORDER BY created_at LIMIT 1",
            )
            .bind(org_id)
            .bind(email.as_str())
            .fetch_optional(conn)
            .await
        }
    }
}

/// The chat's own lead joins the lead that holds the proven contact: its conversations and
/// notes move over, an empty assignee or a name that is only the number is filled, and the
/// chat's lead goes.
async fn merge_chat_lead(
    conn: &mut PgConnection,
    org_id: Uuid,
    from: Uuid,
    into: Uuid,
    conversation: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE conversations SET lead_id = $2 WHERE id = $1")
        .bind(conversation)
        .bind(into)
        .execute(&mut *conn)
        .await?;
    let remaining: i64 =
        sqlx::query_scalar("SELECT count(*) FROM conversations WHERE lead_id = $1")
            .bind(from)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "UPDATE leads t SET assigned_to = coalesce(t.assigned_to, f.assigned_to),
             name = CASE WHEN t.name = t.phone OR t.name LIKE '+%' THEN f.name ELSE t.name END,
             tags = ARRAY(SELECT DISTINCT unnest(t.tags || f.tags)),
             updated_at = now()
         FROM leads f WHERE t.id = $2 AND f.id = $1 AND t.org_id = $3 AND f.org_id = $3",
    )
    .bind(from)
    .bind(into)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    if remaining == 0 {
        for table in ["lead_notes", "appointments"] {
            sqlx::query(&format!(
                "UPDATE {table} SET lead_id = $2 WHERE lead_id = $1"
            ))
            .bind(from)
            .bind(into)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("DELETE FROM leads WHERE id = $1 AND org_id = $2")
            .bind(from)
            .bind(org_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A staff member links an unproven chat to a person they know it is (audited).
#[tracing::instrument(skip_all, fields(org = %caller.org_id, %conversation))]
pub async fn link_by_staff(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    conversation: Uuid,
    contact: &str,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    // Only a chat the caller may see.
    send_facts(&mut tx, caller, conversation, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let country = db::orgs::profile(&mut *tx, caller.org_id).await?.country;
    let claim = Claim::parse(contact, &country).map_err(|e| AppError::field("contact", e))?;
    // Only into a lead the caller may see: an agent cannot reach another agent's customer
    // by typing their number.
    if let Some(holder) = holder(&mut tx, caller.org_id, &claim).await? {
        if !db::leads::is_visible(&mut *tx, caller.scope(), holder).await? {
            return Err(AppError::field(
                "contact",
                "No lead of yours has this phone or e-mail.",
            ));
        }
    }
    let lead = link(&mut tx, caller.org_id, conversation, &claim, Proof::Staff).await?;
    db::audit::record(
        &mut *tx,
        db::audit::AuditEvent::by(
            caller,
            ip,
            AuditAction::ChatLinked,
            (AuditObject::Conversation, conversation.to_string()),
            serde_json::json!({ "lead": lead }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(lead)
}
