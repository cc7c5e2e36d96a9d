//! Doing what a verified request asks (SPEC §4), one button per kind. Each runs in one
//! transaction, is recorded on the request, and runs once: a completed request is not
//! executed again.

use super::notify;
use super::requests::{load, step, By, Stored};
use crate::error::AppError;
use crate::model::{
    ChannelFamily, ConsentMedium, CorrectionInput, DataClassCount, Email, ExecutionReport,
    FieldErrors, LeadRef, MessageCategory, PersonRecords, PrivacyRequestKind, PrivacyRequestStatus,
    E164,
};
use crate::rules::account::person_name;
use crate::rules::send_policy::Purpose;
use crate::server::auth::Caller;
use crate::server::consent::{append, NewEvent};
use crate::server::db;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
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

/// The person's numbers: the request's and their leads'.
async fn phones_of(
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
    if let Some(phone) = phone {
        if !phones.iter().any(|p| p == phone) {
            phones.push(phone.to_string());
        }
    }
    Ok(phones)
}

/// Carries out a verified request. `correction` holds the new values of a correction.
pub async fn run(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    correction: &CorrectionInput,
) -> Result<ExecutionReport, AppError> {
    let mut tx = pool.begin().await?;
    let r = load(&mut tx, caller.org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status == PrivacyRequestStatus::Completed {
        // Idempotent: the second press shows what the first one did.
        return Ok(r
            .result
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default());
    }
    if !matches!(
        r.status,
        PrivacyRequestStatus::Verified | PrivacyRequestStatus::InProgress
    ) {
        return Err(AppError::Conflict(
            "The requester's identity is not verified yet: nothing about them may be released or changed.".into(),
        ));
    }
    let report = match r.kind {
        PrivacyRequestKind::Access | PrivacyRequestKind::Portability => {
            let (bundle, manifest) = super::bundle::build(&mut tx, &r).await?;
            sqlx::query("UPDATE privacy_requests SET bundle = $2 WHERE id = $1")
                .bind(id)
                .bind(bundle)
                .execute(&mut *tx)
                .await?;
            ExecutionReport {
                summary: "A bundle of every record of the person (JSON and CSV, with a manifest) is ready to download and send to them.".into(),
                manifest,
                ..Default::default()
            }
        }
        PrivacyRequestKind::Correction => correct(&mut tx, caller, &r, correction).await?,
        PrivacyRequestKind::Deletion => erase(&mut tx, caller, &r).await?,
        PrivacyRequestKind::Restriction => restrict(&mut tx, &r, true).await?,
        PrivacyRequestKind::MarketingOptOut => opt_out(&mut tx, caller, &r).await?,
    };
    sqlx::query(
        "UPDATE privacy_requests SET status = 'completed', completed_at = now(), result = $2,
             assignee = coalesce(assignee, $3) WHERE id = $1",
    )
    .bind(id)
    .bind(serde_json::to_value(&report).map_err(anyhow::Error::from)?)
    .bind(caller.user_id)
    .execute(&mut *tx)
    .await?;
    let org = db::orgs::profile(&mut *tx, caller.org_id).await?.name;
    let text = format!(
        "{org}: we have completed your {} request. {}",
        r.kind.as_str().replace('_', " "),
        match r.kind {
            PrivacyRequestKind::Access | PrivacyRequestKind::Portability =>
                "We will send you your data securely.",
            _ => "Thank you.",
        }
    );
    // Told where the code went. After an erasure the number is suppressed, so a text is
    // withheld (`notify`), as is one to a number that opted out.
    let (email, phone) = r.proven();
    let told = notify::tell(
        &mut tx,
        caller.org_id,
        email,
        phone,
        "Your privacy request is complete",
        &text,
        Purpose::PrivacyNotice,
    )
    .await?;
    step(
        &mut tx,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        "privacy.executed",
        json!({
            "kind": r.kind, "report": report, "told": told.channel(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

fn count(class: &str, count: i64) -> DataClassCount {
    DataClassCount {
        class: class.into(),
        count,
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

/// Deletion: personal data goes everywhere; what the law makes us keep stays, and the
/// report says what and why. The number stays suppressed (SPEC §3.9).
async fn erase(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
) -> Result<ExecutionReport, AppError> {
    let (email, phone) = r.proven();
    let leads = lead_ids(tx, r.org_id, email, phone).await?;
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let phones = phones_of(tx, r.org_id, &ids, phone).await?;
    let emails: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT email FROM leads WHERE org_id = $1 AND id = ANY($2) AND email IS NOT NULL",
    )
    .bind(r.org_id)
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .chain(email.map(str::to_string))
    .collect();
    // The suppression record first: every number of the person opts out of everything.
    revoke(
        tx,
        caller,
        r,
        &phones,
        MessageCategory::ALL,
        "Deletion request: contact me no more.",
    )
    .await?;
    let exec = |sql: &'static str| sqlx::query(sql).bind(r.org_id).bind(&ids);
    let notes = exec("DELETE FROM lead_notes WHERE org_id = $1 AND lead_id = ANY($2)")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let messages = exec(
        "UPDATE messages m SET body = '[erased]', status_reason = NULL FROM conversations c
         WHERE c.id = m.conversation_id AND c.org_id = $1 AND c.lead_id = ANY($2) AND m.body <> '[erased]'",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        + sqlx::query(
            "UPDATE messages SET body = '[erased]' WHERE org_id = $1 AND to_phone = ANY($2) AND body <> '[erased]'",
        )
        .bind(r.org_id)
        .bind(&phones)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let calls = exec(
        "UPDATE calls k SET transcript = NULL, from_number = '[erased]', to_number = '[erased]' FROM conversations c
         WHERE c.id = k.conversation_id AND c.org_id = $1 AND c.lead_id = ANY($2)",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    exec("UPDATE conversations SET visitor_token_hash = NULL WHERE org_id = $1 AND lead_id = ANY($2)")
        .execute(&mut *tx)
        .await?;
    let lead_rows = exec(
        "UPDATE leads SET name = 'Erased person', email = NULL, phone = NULL, tags = '{}', time_zone = NULL,
             interest_year = NULL, interest_make = NULL, interest_model = NULL, interest_vin = NULL,
             owned_year = NULL, owned_make = NULL, owned_model = NULL, owned_vin = NULL,
             budget_min = NULL, budget_max = NULL, locations = NULL, property_type = NULL, timeline = NULL,
             erased_at = now(), updated_at = now()
         WHERE org_id = $1 AND id = ANY($2)",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let digits: Vec<String> = phones
        .iter()
        .map(|p| p.trim_start_matches('+').to_string())
        .collect();
    let names: Vec<String> = leads.iter().map(|l| l.name.to_lowercase()).collect();
    // Uploaded files only exist to preview an import: any that mention the person go.
    let imports = sqlx::query(
        "DELETE FROM lead_imports WHERE org_id = $1 AND (
             EXISTS (SELECT 1 FROM unnest($2::text[]) e WHERE position(e IN lower(body)) > 0)
          OR EXISTS (SELECT 1 FROM unnest($3::text[]) d WHERE position(right(d, 10) IN regexp_replace(body, '[^0-9]', '', 'g')) > 0)
          OR EXISTS (SELECT 1 FROM unnest($4::text[]) n WHERE position(n IN lower(body)) > 0))",
    )
    .bind(r.org_id)
    .bind(&emails)
    .bind(&digits)
    .bind(&names)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Bundles built for the person's earlier access requests hold everything erased here.
    let bundles = sqlx::query(
        "UPDATE privacy_requests SET bundle = NULL WHERE org_id = $1 AND bundle IS NOT NULL
             AND ((email IS NOT NULL AND email = ANY($2)) OR (phone IS NOT NULL AND phone = ANY($3)))",
    )
    .bind(r.org_id)
    .bind(&emails)
    .bind(&phones)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let audits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE org_id = $1 AND object_type = 'lead' AND object_id = ANY($2::text[])",
    )
    .bind(r.org_id)
    .bind(ids.iter().map(Uuid::to_string).collect::<Vec<_>>())
    .fetch_one(&mut *tx)
    .await?;
    let mail = sqlx::query(
        "UPDATE outbound_mail SET recipient = '[erased]', body = '[erased]' WHERE org_id = $1 AND recipient = ANY($2)",
    )
    .bind(r.org_id)
    .bind(&emails)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // What was typed about them on public pages: web-form opt-ins that never became
    // consent go; confirmed ones keep only what the consent evidence holds too; chats
    // that claimed their number or e-mail forget the claim.
    let typed = sqlx::query(
        "DELETE FROM consent_confirmations WHERE org_id = $1 AND confirmed_at IS NULL
             AND (phone = ANY($2) OR email = ANY($3))",
    )
    .bind(r.org_id)
    .bind(&phones)
    .bind(&emails)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        + sqlx::query(
            "UPDATE consent_confirmations SET email = NULL, user_agent = NULL
             WHERE org_id = $1 AND confirmed_at IS NOT NULL AND (phone = ANY($2) OR email = ANY($3))",
        )
        .bind(r.org_id)
        .bind(&phones)
        .bind(&emails)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        + sqlx::query(
            "UPDATE conversations SET claimed_phone = NULL, claimed_email = NULL
             WHERE org_id = $1 AND (claimed_phone = ANY($2) OR claimed_email = ANY($3))",
        )
        .bind(r.org_id)
        .bind(&phones)
        .bind(&emails)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let consent: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM consent_events WHERE org_id = $1 AND phone = ANY($2)",
    )
    .bind(r.org_id)
    .bind(&phones)
    .fetch_one(&mut *tx)
    .await?;
    Ok(ExecutionReport {
        summary: match phones.len() {
            0 => format!("Erased the personal data of {lead_rows} lead(s). No phone number was on record."),
            n => format!(
                "Erased the personal data of {lead_rows} lead(s). Their {n} number(s) stay suppressed: nothing will be sent to them again."
            ),
        },
        erased: vec![
            count("Lead profiles (name, e-mail, phone, vehicles, property search, tags)", lead_rows as i64),
            count("Notes", notes as i64),
            count("Message texts (delivery records kept without text)", messages as i64),
            count("Call numbers and transcripts", calls as i64),
            count("Uploaded import files that contained them", imports as i64),
            count("Copies of e-mail sent to them", mail as i64),
            count("Data bundles of their earlier requests", bundles as i64),
            count("Consent-form submissions and web chats that named them", typed as i64),
        ],
        kept: vec![
            kept(
                "Consent events and the opt-out suppression record",
                consent,
                "Kept by law: evidence of consent, and the opt-out that keeps the number from being contacted again (SPEC §3.9).",
            ),
            kept(
                "This privacy request, its history, and the notice that it is done",
                1,
                "Kept to prove the request was answered, and when: the name and contact it was filed with.",
            ),
            kept(
                "Audit events about their records",
                audits,
                "Append-only; they name records by id. A correction's before and after values stay in its history.",
            ),
        ],
        manifest: Vec::new(),
    })
}

/// Revokes `categories` for the person's numbers on every channel family, through the
/// ledger. The ledger can never be erased, so no name or free text goes in: only a fixed
/// wording and the request it came from.
async fn revoke(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
    phones: &[String],
    categories: &[MessageCategory],
    wording: &str,
) -> Result<(), sqlx::Error> {
    for phone in phones {
        for family in ChannelFamily::ALL {
            let event = NewEvent {
                org_id: r.org_id,
                phone: phone.clone(),
                family: *family,
                grant: None,
                categories: categories.to_vec(),
                medium: medium_of(&r.received_via),
                language: Some(wording.into()),
                campaign: None,
                ip: None,
                user_agent: None,
                person_name: None,
                captured_by: Some(caller.user_id),
                source_ref: Some(format!("privacy_request:{}", r.id)),
            };
            append(tx, &event).await?;
        }
    }
    Ok(())
}

fn medium_of(received_via: &str) -> ConsentMedium {
    match received_via {
        "web" => ConsentMedium::WebForm,
        "phone" => ConsentMedium::VerbalCall,
        "in_person" => ConsentMedium::InPerson,
        _ => ConsentMedium::Email,
    }
}

/// Restriction: nothing is sent to the person and no AI reads them, until lifted.
pub async fn restrict(
    tx: &mut PgConnection,
    r: &Stored,
    on: bool,
) -> Result<ExecutionReport, AppError> {
    let (email, phone) = r.proven();
    let leads = lead_ids(tx, r.org_id, email, phone).await?;
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let changed = sqlx::query(
        "UPDATE leads SET restricted_at = CASE WHEN $3 THEN coalesce(restricted_at, now()) END WHERE org_id = $1 AND id = ANY($2)",
    )
    .bind(r.org_id)
    .bind(&ids)
    .bind(on)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(ExecutionReport {
        summary: if on {
            format!("Processing restricted for {changed} lead(s): no message will be sent to them and no AI will read them until the restriction is lifted.")
        } else {
            format!("Restriction lifted for {changed} lead(s).")
        },
        ..Default::default()
    })
}

/// Lifts the restriction a completed restriction request put in place.
pub async fn lift(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let r = load(&mut tx, caller.org_id, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.kind != PrivacyRequestKind::Restriction || r.status != PrivacyRequestStatus::Completed {
        return Err(AppError::Conflict(
            "Only a completed restriction can be lifted.".into(),
        ));
    }
    let report = restrict(&mut tx, &r, false).await?;
    step(
        &mut tx,
        caller.org_id,
        id,
        By::Staff(caller),
        ip,
        "privacy.restriction_lifted",
        json!({ "summary": report.summary }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Opt-out of marketing: a promotional revoke on every family, through the ledger.
async fn opt_out(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
) -> Result<ExecutionReport, AppError> {
    let (email, phone) = r.proven();
    let leads = lead_ids(tx, r.org_id, email, phone).await?;
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let phones = phones_of(tx, r.org_id, &ids, phone).await?;
    revoke(
        tx,
        caller,
        r,
        &phones,
        &[MessageCategory::Promotional],
        "Opt-out of marketing (privacy request).",
    )
    .await?;
    Ok(ExecutionReport {
        summary: format!(
            "Promotional messages revoked for {} number(s) on every channel; other messages are unchanged.",
            phones.len()
        ),
        ..Default::default()
    })
}

/// Correction: the given fields replace the old ones on every lead of the person, with
/// before and after in the history.
async fn correct(
    tx: &mut PgConnection,
    caller: Caller,
    r: &Stored,
    input: &CorrectionInput,
) -> Result<ExecutionReport, AppError> {
    let region = db::orgs::profile(&mut *tx, r.org_id).await?.country;
    let mut errors = FieldErrors::default();
    let name = match input.name.trim() {
        "" => None,
        n => errors.check("name", person_name(n)),
    };
    let email = match input.email.trim() {
        "" => None,
        e => errors
            .check("email", Email::parse(e))
            .map(|e| e.as_str().to_string()),
    };
    let phone = match input.phone.trim() {
        "" => None,
        p => errors
            .check("phone", E164::parse(p, &region))
            .map(|p| p.as_str().to_string()),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if name.is_none() && email.is_none() && phone.is_none() {
        return Err(AppError::field(
            "name",
            "Enter at least one corrected value.",
        ));
    }
    let (proven_email, proven_phone) = r.proven();
    let leads = lead_ids(tx, r.org_id, proven_email, proven_phone).await?;
    let mut changes = Vec::new();
    for lead in &leads {
        let before: (String, Option<String>, Option<String>) =
            sqlx::query_as("SELECT name, email, phone FROM leads WHERE id = $1")
                .bind(lead.id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "UPDATE leads SET name = coalesce($2, name), email = coalesce($3, email), phone = coalesce($4, phone), updated_at = now()
             WHERE id = $1",
        )
        .bind(lead.id)
        .bind(&name)
        .bind(&email)
        .bind(&phone)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if db::is_unique_violation(&e, db::leads::PHONE_KEY) {
                AppError::field("phone", "Another lead already has this phone number.")
            } else {
                e.into()
            }
        })?;
        changes.push(json!({
            "lead": lead.id,
            "before": { "name": before.0, "email": before.1, "phone": before.2 },
            "after": { "name": name.as_ref().unwrap_or(&before.0), "email": email.clone().or(before.1), "phone": phone.clone().or(before.2) },
        }));
    }
    step(
        tx,
        r.org_id,
        r.id,
        By::Staff(caller),
        None,
        "privacy.corrected",
        json!({ "changes": changes }),
    )
    .await?;
    Ok(ExecutionReport {
        summary: format!(
            "Corrected {} lead(s); the history shows each value before and after.",
            leads.len()
        ),
        ..Default::default()
    })
}
