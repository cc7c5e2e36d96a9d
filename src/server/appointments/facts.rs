//! What a text about an appointment (a confirmation, a reminder, a notice) is written
//! from: the store, the type, the time in the location's zone, first names.

use crate::model::AppointmentStatus;
use crate::rules::slots;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;
use uuid::Uuid;

/// What a text about an appointment is written from.
pub struct Facts {
    pub lead_id: Uuid,
    pub conversation: Option<Uuid>,
    pub status: AppointmentStatus,
    pub starts_at: DateTime<Utc>,
    pub store: String,
    pub type_name: String,
    pub template: String,
    pub needs_confirmation: bool,
    pub when: String,
    pub lead_first_name: String,
    pub assignee_first_name: String,
    pub lead_zone: Option<String>,
    pub org_zone: String,
}

type FactsRow = (
    Uuid,
    Option<Uuid>,
    AppointmentStatus,
    DateTime<Utc>,
    String,
    String,
    String,
    bool,
    String,
    String,
    String,
    Option<String>,
    String,
);

pub async fn facts(conn: &mut PgConnection, org_id: Uuid, id: Uuid) -> Result<Facts, sqlx::Error> {
    let row: FactsRow = sqlx::query_as(
        "SELECT a.lead_id, a.conversation_id, a.status, a.starts_at, o.name, t.name, t.reminder_template,
                t.needs_confirmation, a.time_zone, l.name, u.name, l.time_zone, o.time_zone
         FROM appointments a JOIN organisations o ON o.id = a.org_id
         JOIN appointment_types t ON t.id = a.type_id JOIN leads l ON l.id = a.lead_id
         JOIN users u ON u.id = a.assignee_id
         WHERE a.id = $1 AND a.org_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .fetch_one(conn)
    .await?;
    let zone: Tz = row.8.parse().unwrap_or(Tz::UTC);
    let first = |name: &str| name.split_whitespace().next().unwrap_or("").to_string();
    Ok(Facts {
        lead_id: row.0,
        conversation: row.1,
        status: row.2,
        starts_at: row.3,
        store: row.4,
        type_name: row.5,
        template: row.6,
        needs_confirmation: row.7,
        when: slots::label(row.3, zone),
        lead_first_name: crate::rules::appointment::first_name(&row.9)
            .unwrap_or_default()
            .to_string(),
        assignee_first_name: first(&row.10),
        lead_zone: row.11,
        org_zone: row.12,
    })
}
