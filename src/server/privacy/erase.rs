//! Deletion (SPEC §4): personal data goes everywhere; what the law makes us keep stays,
//! and the report says what and why. The number stays suppressed (SPEC §3.9). One step
//! per family of tables, all in the caller's transaction.

use super::records::Person;
use super::revoke::revoke;
use super::store::Stored;
use crate::error::AppError;
use crate::model::{DataClassCount, ExecutionReport, MessageCategory};
use crate::server::auth::Caller;
use sqlx::PgConnection;
use uuid::Uuid;

/// Rows changed, by class.
struct Erased {
    leads: u64,
    notes: u64,
    messages: u64,
    calls: u64,
    imports: u64,
    mail: u64,
    bundles: u64,
    typed: u64,
}

/// Rows kept by law, by class.
struct Kept {
    consent: i64,
    audits: i64,
}

pub async fn erase(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
) -> Result<ExecutionReport, AppError> {
    let (email, phone) = r.proven();
    let person = Person::find(tx, r.org_id, email, phone).await?;
    // The suppression record first: every number of the person opts out of everything.
    revoke(
        tx,
        caller,
        r,
        &person.phones,
        MessageCategory::ALL,
        "Deletion request: contact me no more.",
    )
    .await?;
    let org_id = r.org_id;
    let notes = notes(tx, org_id, &person.ids).await?;
    let messages = messages(tx, org_id, &person).await?;
    let calls = calls_and_chats(tx, org_id, &person.ids).await?;
    let leads = leads(tx, org_id, &person.ids).await?;
    let imports = imports(tx, org_id, &person).await?;
    let bundles = bundles(tx, org_id, &person).await?;
    let audits = audits_kept(tx, org_id, &person.ids).await?;
    let mail = mail(tx, org_id, &person.emails).await?;
    let typed = typed_on_public_pages(tx, org_id, &person).await?;
    let consent = consent_kept(tx, org_id, &person.phones).await?;
    let erased = Erased {
        leads,
        notes,
        messages,
        calls,
        imports,
        mail,
        bundles,
        typed,
    };
    Ok(report(
        &erased,
        &Kept { consent, audits },
        person.phones.len(),
    ))
}

/// Notes go: a lead's own, and those on their appointments (which stay, as bookings).
async fn notes(tx: &mut PgConnection, org_id: Uuid, ids: &[Uuid]) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE appointments SET notes = '' WHERE org_id = $1 AND lead_id = ANY($2)")
        .bind(org_id)
        .bind(ids)
        .execute(&mut *tx)
        .await?;
    Ok(
        sqlx::query("DELETE FROM lead_notes WHERE org_id = $1 AND lead_id = ANY($2)")
            .bind(org_id)
            .bind(ids)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
    )
}

/// Message texts go; the delivery records stay.
async fn messages(
    tx: &mut PgConnection,
    org_id: Uuid,
    person: &Person,
) -> Result<u64, sqlx::Error> {
    let in_their_conversations = sqlx::query(
        "UPDATE messages m SET body = '[erased]', status_reason = NULL FROM conversations c
         WHERE c.id = m.conversation_id AND c.org_id = $1 AND c.lead_id = ANY($2) AND m.body <> '[erased]'",
    )
    .bind(org_id)
    .bind(&person.ids)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let to_their_numbers = sqlx::query(
        "UPDATE messages SET body = '[erased]' WHERE org_id = $1 AND to_phone = ANY($2) AND body <> '[erased]'",
    )
    .bind(org_id)
    .bind(&person.phones)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(in_their_conversations + to_their_numbers)
}

/// Call numbers and transcripts; their chats forget the visitor's token.
async fn calls_and_chats(
    tx: &mut PgConnection,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<u64, sqlx::Error> {
    let calls = sqlx::query(
        "UPDATE calls k SET transcript = NULL, from_number = '[erased]', to_number = '[erased]' FROM conversations c
         WHERE c.id = k.conversation_id AND c.org_id = $1 AND c.lead_id = ANY($2)",
    )
    .bind(org_id)
    .bind(ids)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE conversations SET visitor_token_hash = NULL, ai_last_insight = NULL WHERE org_id = $1 AND lead_id = ANY($2)",
    )
    .bind(org_id)
    .bind(ids)
    .execute(&mut *tx)
    .await?;
    Ok(calls)
}

async fn leads(tx: &mut PgConnection, org_id: Uuid, ids: &[Uuid]) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE leads SET name = 'Erased person', email = NULL, phone = NULL, tags = '{}', time_zone = NULL,
             interest_year = NULL, interest_make = NULL, interest_model = NULL, interest_vin = NULL,
             owned_year = NULL, owned_make = NULL, owned_model = NULL, owned_vin = NULL,
             budget_min = NULL, budget_max = NULL, locations = NULL, property_type = NULL, timeline = NULL,
             ai_score = NULL, ai_intent = NULL, ai_reasons = NULL, ai_summary = NULL, ai_facts = NULL,
             ai_confidence = NULL, ai_updated_at = NULL,
             erased_at = now(), updated_at = now()
         WHERE org_id = $1 AND id = ANY($2)",
    )
    .bind(org_id)
    .bind(ids)
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

/// Uploaded files only exist to preview an import: any that mention the person go.
async fn imports(tx: &mut PgConnection, org_id: Uuid, person: &Person) -> Result<u64, sqlx::Error> {
    let digits: Vec<String> = person
        .phones
        .iter()
        .map(|p| p.trim_start_matches('+').to_string())
        .collect();
    let names: Vec<String> = person.leads.iter().map(|l| l.name.to_lowercase()).collect();
    Ok(sqlx::query(
        "DELETE FROM lead_imports WHERE org_id = $1 AND (
             EXISTS (SELECT 1 FROM unnest($2::text[]) e WHERE position(e IN lower(body)) > 0)
          OR EXISTS (SELECT 1 FROM unnest($3::text[]) d WHERE position(right(d, 10) IN regexp_replace(body, '[^0-9]', '', 'g')) > 0)
          OR EXISTS (SELECT 1 FROM unnest($4::text[]) n WHERE position(n IN lower(body)) > 0))",
    )
    .bind(org_id)
    .bind(&person.emails)
    .bind(&digits)
    .bind(&names)
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

/// Bundles built for the person's earlier access requests hold everything erased here.
async fn bundles(tx: &mut PgConnection, org_id: Uuid, person: &Person) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE privacy_requests SET bundle = NULL WHERE org_id = $1 AND bundle IS NOT NULL
             AND ((email IS NOT NULL AND email = ANY($2)) OR (phone IS NOT NULL AND phone = ANY($3)))",
    )
    .bind(org_id)
    .bind(&person.emails)
    .bind(&person.phones)
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

async fn mail(tx: &mut PgConnection, org_id: Uuid, emails: &[String]) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE outbound_mail SET recipient = '[erased]', body = '[erased]' WHERE org_id = $1 AND recipient = ANY($2)",
    )
    .bind(org_id)
    .bind(emails)
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

/// What was typed about them on public pages: web-form opt-ins that never became consent
/// go; confirmed ones keep only what the consent evidence holds too; chats that claimed
/// their number or e-mail forget the claim.
async fn typed_on_public_pages(
    tx: &mut PgConnection,
    org_id: Uuid,
    person: &Person,
) -> Result<u64, sqlx::Error> {
    let mut changed = 0;
    for sql in [
        "DELETE FROM consent_confirmations WHERE org_id = $1 AND confirmed_at IS NULL
             AND (phone = ANY($2) OR email = ANY($3))",
        "UPDATE consent_confirmations SET email = NULL, user_agent = NULL
             WHERE org_id = $1 AND confirmed_at IS NOT NULL AND (phone = ANY($2) OR email = ANY($3))",
        "UPDATE conversations SET claimed_phone = NULL, claimed_email = NULL
             WHERE org_id = $1 AND (claimed_phone = ANY($2) OR claimed_email = ANY($3))",
    ] {
        changed += sqlx::query(sql)
            .bind(org_id)
            .bind(&person.phones)
            .bind(&person.emails)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    Ok(changed)
}

async fn audits_kept(
    tx: &mut PgConnection,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE org_id = $1 AND object_type = 'lead' AND object_id = ANY($2::text[])",
    )
    .bind(org_id)
    .bind(ids.iter().map(Uuid::to_string).collect::<Vec<_>>())
    .fetch_one(&mut *tx)
    .await
}

async fn consent_kept(
    tx: &mut PgConnection,
    org_id: Uuid,
    phones: &[String],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM consent_events WHERE org_id = $1 AND phone = ANY($2)")
        .bind(org_id)
        .bind(phones)
        .fetch_one(&mut *tx)
        .await
}

fn count(class: &str, count: u64) -> DataClassCount {
    DataClassCount {
        class: class.into(),
        count: count as i64,
        why: None,
    }
}

fn kept(class: &str, count: i64, why: &str) -> DataClassCount {
    DataClassCount {
        class: class.into(),
        count,
        why: Some(why.into()),
    }
}

fn report(erased: &Erased, held: &Kept, numbers: usize) -> ExecutionReport {
    let leads = erased.leads;
    ExecutionReport {
        summary: match numbers {
            0 => format!("Erased the personal data of {leads} lead(s). No phone number was on record."),
            n => format!(
                "Erased the personal data of {leads} lead(s). Their {n} number(s) stay suppressed: nothing will be sent to them again."
            ),
        },
        erased: vec![
            count("Lead profiles (name, e-mail, phone, vehicles, property search, tags)", erased.leads),
            count("Notes", erased.notes),
            count("Message texts (delivery records kept without text)", erased.messages),
            count("Call numbers and transcripts", erased.calls),
            count("Uploaded import files that contained them", erased.imports),
            count("Copies of e-mail sent to them", erased.mail),
            count("Data bundles of their earlier requests", erased.bundles),
            count("Consent-form submissions and web chats that named them", erased.typed),
        ],
        kept: vec![
            kept(
                "Consent events and the opt-out suppression record",
                held.consent,
                "Kept by law: evidence of consent, and the opt-out that keeps the number from being contacted again (SPEC §3.9).",
            ),
            kept(
                "This privacy request, its history, and the notice that it is done",
                1,
                "Kept to prove the request was answered, and when: the name and contact it was filed with.",
            ),
            kept(
                "Audit events about their records",
                held.audits,
                "Append-only; they name records by id. A correction's before and after values stay in its history.",
            ),
        ],
        manifest: Vec::new(),
    }
}
