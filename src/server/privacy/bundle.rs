//! The access and portability bundle: a zip with every record of the person, each class
//! as JSON and as CSV, and a manifest saying what is in it and what is not kept here.

use super::records::Person;
use super::store::Stored;
use crate::error::AppError;
use crate::model::DataClassCount;
use serde_json::{json, Value};
use sqlx::PgConnection;
use std::io::Write;
use uuid::Uuid;

/// The largest bundle built (before compression): it is built in memory and kept in the
/// database until retention, so it must stay bounded.
pub const MAX_BUNDLE_BYTES: usize = 50_000_000;

/// One class of records: its file name, and the SQL that returns one JSON object per row.
/// Binds: $1 the organisation, $2 the person's lead ids, $3 their numbers, $4 their e-mails.
const CLASSES: [(&str, &str); 10] = [
    (
        "leads",
        "SELECT to_jsonb(x) FROM (SELECT id, name, email, phone, source, status, tags, time_zone, interest_year,
             interest_make, interest_model, interest_vin, owned_year, owned_make, owned_model, owned_vin, budget_min,
             budget_max, locations, property_type, timeline, restricted_at, created_at, updated_at
         FROM leads WHERE org_id = $1 AND id = ANY($2) ORDER BY created_at) x",
    ),
    (
        "notes",
        "SELECT to_jsonb(x) FROM (SELECT n.lead_id, n.body, n.created_at FROM lead_notes n
         WHERE n.org_id = $1 AND n.lead_id = ANY($2) ORDER BY n.created_at) x",
    ),
    (
        "messages",
        "SELECT to_jsonb(x) FROM (
             SELECT m.id, c.channel, m.direction, m.body, m.sender, m.category, m.status, m.created_at, m.sent_at
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.org_id = $1 AND c.lead_id = ANY($2)
             UNION ALL
             SELECT m.id, 'sms'::channel, m.direction, m.body, m.sender, m.category, m.status, m.created_at, m.sent_at
             FROM messages m WHERE m.org_id = $1 AND m.to_phone = ANY($3)
             ORDER BY 8, 1) x",
    ),
    (
        "appointments",
        "SELECT to_jsonb(x) FROM (SELECT a.id, t.name AS type, a.starts_at, a.ends_at, a.time_zone, a.status,
             a.source, a.notes, a.created_at
         FROM appointments a JOIN appointment_types t ON t.id = a.type_id
         WHERE a.org_id = $1 AND a.lead_id = ANY($2) ORDER BY a.starts_at) x",
    ),
    (
        "calls",
        "SELECT to_jsonb(x) FROM (SELECT k.id, k.direction, k.from_number, k.to_number, k.started_at,
             k.duration_secs, k.status, k.transcript
         FROM calls k JOIN conversations c ON c.id = k.conversation_id
         WHERE c.org_id = $1 AND c.lead_id = ANY($2) ORDER BY k.started_at) x",
    ),
    (
        "consent_events",
        "SELECT to_jsonb(x) FROM (SELECT seq, at, phone, family, kind, level, categories, medium, language,
             campaign, host(ip) AS ip, user_agent, person_name, source_ref
         FROM consent_events WHERE org_id = $1
           AND (phone = ANY($3) OR phone IN (SELECT phone FROM leads WHERE id = ANY($2)))
         ORDER BY seq) x",
    ),
    (
        "audit_events",
        "SELECT to_jsonb(x) FROM (SELECT a.at, a.action, a.object_type, a.object_id, a.detail
         FROM audit_events a
         WHERE a.org_id = $1 AND (
               (a.object_type = 'lead' AND a.object_id = ANY($2::text[]))
            OR (a.object_type = 'phone' AND a.object_id = ANY($3))
            OR (a.object_type = 'conversation' AND a.object_id IN
                    (SELECT id::text FROM conversations WHERE org_id = $1 AND lead_id = ANY($2)))
            OR (a.object_type = 'consent_event' AND a.object_id IN
                    (SELECT seq::text FROM consent_events WHERE org_id = $1 AND phone = ANY($3)))
            OR (a.object_type = 'privacy_request' AND a.object_id IN
                    (SELECT id::text FROM privacy_requests WHERE org_id = $1
                         AND (email = ANY($4) OR phone = ANY($3)))))
         ORDER BY a.at, a.id) x",
    ),
    (
        "privacy_requests",
        "SELECT to_jsonb(x) FROM (SELECT id, kind, requester_name, email, phone, details, received_via, status,
             received_at, due_on, completed_at
         FROM privacy_requests WHERE org_id = $1 AND (email = ANY($4) OR phone = ANY($3))
         ORDER BY received_at) x",
    ),
    (
        "consent_form_submissions",
        "SELECT to_jsonb(x) FROM (SELECT requested_at, person_name, email, phone, wordings, host(ip) AS ip,
             user_agent, confirmed_at
         FROM consent_confirmations WHERE org_id = $1 AND (phone = ANY($3) OR email = ANY($4))
         ORDER BY requested_at) x",
    ),
    (
        "email_sent",
        "SELECT to_jsonb(x) FROM (SELECT recipient, subject, body, created_at FROM outbound_mail
         WHERE org_id = $1 AND recipient = ANY($4) ORDER BY created_at) x",
    ),
];

type Zip = zip::ZipWriter<std::io::Cursor<Vec<u8>>>;

fn add_file(zip: &mut Zip, name: &str, body: &[u8]) -> Result<(), AppError> {
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .map_err(anyhow::Error::from)?;
    zip.write_all(body).map_err(anyhow::Error::from)?;
    Ok(())
}

/// Writes every class of the person's records as JSON and CSV: the manifest entries and
/// the list of files, or a conflict once the bundle grows past `MAX_BUNDLE_BYTES`.
async fn write_classes(
    conn: &mut PgConnection,
    zip: &mut Zip,
    org_id: Uuid,
    person: &Person,
) -> Result<(Vec<DataClassCount>, Vec<Value>), AppError> {
    let mut manifest = Vec::new();
    let mut files = Vec::new();
    let mut size = 0usize;
    for (class, sql) in CLASSES {
        // Every class gets all four binds; the statement names each once up front, so
        // PostgreSQL knows their types even where the class uses fewer.
        let sql =
            format!("WITH binds AS (SELECT $1::uuid, $2::uuid[], $3::text[], $4::text[]) {sql}");
        let query = sqlx::query_scalar(&sql)
            .bind(org_id)
            .bind(&person.ids)
            .bind(&person.phones)
            .bind(&person.emails);
        let rows: Vec<Value> = query.fetch_all(&mut *conn).await?;
        let json_body = serde_json::to_vec_pretty(&rows).map_err(anyhow::Error::from)?;
        let csv_body = to_csv(&rows).map_err(|e| anyhow::anyhow!("bundle CSV: {e}"))?;
        size += json_body.len() + csv_body.len();
        if size > MAX_BUNDLE_BYTES {
            return Err(AppError::Conflict(format!(
                "This person's records come to more than {} MB, more than one bundle holds. Export them in parts (the lead CSV export, the evidence packet of each number) and send those.",
                MAX_BUNDLE_BYTES / 1_000_000
            )));
        }
        add_file(zip, &format!("{class}.json"), &json_body)?;
        add_file(zip, &format!("{class}.csv"), &csv_body)?;
        files.push(json!({ "class": class, "records": rows.len(), "files": [format!("{class}.json"), format!("{class}.csv")] }));
        manifest.push(DataClassCount {
            class: class.replace('_', " "),
            count: rows.len() as i64,
            why: None,
        });
    }
    Ok((manifest, files))
}

pub async fn build(
    conn: &mut PgConnection,
    r: &Stored,
) -> Result<(Vec<u8>, Vec<DataClassCount>), AppError> {
    // Only the proven contact: an added number of someone else's reaches nothing.
    let (email, phone) = r.proven();
    let person = Person::find(conn, r.org_id, email, phone).await?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let (manifest, files) = write_classes(conn, &mut zip, r.org_id, &person).await?;
    let about = json!({
        "request": r.id,
        "kind": r.kind,
        "person": { "name": r.requester_name, "email": r.email, "phone": r.phone },
        "generated_at": chrono::Utc::now(),
        "matched_by": "the e-mail address and phone number of the request, and the numbers of the leads found",
        "files": files,
        "not_kept_here": ["appointments: this system does not record appointments yet"],
    });
    let about = serde_json::to_vec_pretty(&about).map_err(anyhow::Error::from)?;
    add_file(&mut zip, "manifest.json", &about)?;
    let bytes = zip.finish().map_err(anyhow::Error::from)?.into_inner();
    Ok((bytes, manifest))
}

/// A CSV of JSON objects: one column per key (in first-seen order), values as text.
pub fn to_csv(rows: &[Value]) -> Result<Vec<u8>, csv::Error> {
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        if let Some(object) = row.as_object() {
            for key in object.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&columns)?;
    for row in rows {
        out.write_record(columns.iter().map(|c| {
            let text = match &row[c] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            crate::server::leads::csv_io::inert(&text)
        }))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_become_columns_and_formulas_stay_text() {
        let rows = [
            json!({ "a": 1, "b": "=cmd" }),
            json!({ "b": null, "c": [1, 2] }),
        ];
        let text = String::from_utf8(to_csv(&rows).unwrap()).unwrap();
        assert_eq!(text, "a,b,c\n1,'=cmd,\n,,\"[1,2]\"\n");
    }
}
