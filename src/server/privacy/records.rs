//! The person a request is about: their leads, found by the contact on the request, and
//! every number and address of theirs those leads hold.

use crate::model::{LeadRef, PersonRecords};
use sqlx::PgConnection;
use uuid::Uuid;

/// The person's leads: every lead of the organisation with their e-mail or phone.
pub async fn lead_ids(
    conn: &mut PgConnection,
    org_id: Uuid,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Vec<LeadRef>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name FROM leads WHERE org_id = $1 AND erased_at IS NULL
             AND ((email IS NOT NULL AND email = $2) OR (phone IS NOT NULL AND phone = $3))
         ORDER BY created_at",
    )
    .bind(org_id)
    .bind(email)
    .bind(phone)
    .fetch_all(conn)
    .await
}

/// The person's numbers: the request's and their leads'.
pub async fn phones_of(
    conn: &mut PgConnection,
    org_id: Uuid,
    leads: &[Uuid],
    phone: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    let mut phones: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT phone FROM leads WHERE org_id = $1 AND id = ANY($2) AND phone IS NOT NULL",
    )
    .bind(org_id)
    .bind(leads)
    .fetch_all(&mut *conn)
    .await?;
    phones.extend(phone.map(str::to_string).filter(|p| !phones.contains(p)));
    Ok(phones)
}

/// The person's e-mail addresses: the request's and their leads'.
pub async fn emails_of(
    conn: &mut PgConnection,
    org_id: Uuid,
    leads: &[Uuid],
    email: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    let mut emails: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT email FROM leads WHERE org_id = $1 AND id = ANY($2) AND email IS NOT NULL",
    )
    .bind(org_id)
    .bind(leads)
    .fetch_all(&mut *conn)
    .await?;
    emails.extend(email.map(str::to_string).filter(|e| !emails.contains(e)));
    Ok(emails)
}

/// Everything that names the person: their leads and all their numbers and addresses.
pub struct Person {
    pub leads: Vec<LeadRef>,
    pub ids: Vec<Uuid>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
}

impl Person {
    /// Only the given contacts lead to them; pass the proven one alone, so an added
    /// number of someone else's reaches nothing.
    pub async fn find(
        conn: &mut PgConnection,
        org_id: Uuid,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Person, sqlx::Error> {
        let leads = lead_ids(conn, org_id, email, phone).await?;
        let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
        let phones = phones_of(conn, org_id, &ids, phone).await?;
        let emails = emails_of(conn, org_id, &ids, email).await?;
        Ok(Person {
            leads,
            ids,
            phones,
            emails,
        })
    }
}

/// What the system holds about the person, by class.
pub async fn records(
    conn: &mut PgConnection,
    org_id: Uuid,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<PersonRecords, sqlx::Error> {
    let leads = lead_ids(conn, org_id, email, phone).await?;
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let phones = phones_of(conn, org_id, &ids, phone).await?;
    let (messages, calls, consent_events): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE c.org_id = $1 AND c.lead_id = ANY($2))
              + (SELECT count(*) FROM messages WHERE org_id = $1 AND to_phone = ANY($3)),
                (SELECT count(*) FROM calls k JOIN conversations c ON c.id = k.conversation_id WHERE c.org_id = $1 AND c.lead_id = ANY($2)),
                (SELECT count(*) FROM consent_events WHERE org_id = $1 AND phone = ANY($3))",
    )
    .bind(org_id)
    .bind(&ids)
    .bind(&phones)
    .fetch_one(&mut *conn)
    .await?;
    Ok(PersonRecords {
        leads,
        messages,
        calls,
        consent_events,
    })
}
