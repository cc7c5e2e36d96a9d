use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use uuid::Uuid;

#[macro_export]
#[doc(hidden)]
macro_rules! text_enum {
    ($name:ident, $sql:literal, $error:literal, [$($variant:ident = $text:literal / $label:literal),+ $(,)?]) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[cfg_attr(feature = "ssr", sqlx(type_name = $sql, rename_all = "snake_case"))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
        }

        impl $crate::model::Choice for $name {
            fn as_str(self) -> &'static str { $name::as_str(self) }
            fn label(self) -> &'static str { $name::label(self) }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| $error.to_string())
            }
        }
    };
}

text_enum!(
    LeadStatus,
    "lead_status",
    "Choose a status from the list.",
    [
        New = "new" / "New",
        Contacted = "contacted" / "Contacted",
        Qualified = "qualified" / "Qualified",
        AppointmentSet = "appointment_set" / "Appointment set",
        Won = "won" / "Won",
        Lost = "lost" / "Lost",
    ]
);

text_enum!(
    LeadSource,
    "lead_source",
    "Choose a source from the list.",
    [
        WebForm = "web_form" / "Web form",
        Sms = "sms" / "SMS",
        Call = "call" / "Call",
        Chat = "chat" / "Chat",
        Import = "import" / "Import",
        Manual = "manual" / "Manual",
    ]
);

/// One row of the lead list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LeadRow {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: LeadSource,
    pub status: LeadStatus,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub vehicle: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The assistant's score, 0–100; none before its first reading.
    pub ai_score: Option<i16>,
}

/// Everything about one lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Lead {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: LeadSource,
    pub status: LeadStatus,
    pub assigned_to: Option<Uuid>,
    pub assignee: Option<String>,
    pub tags: Vec<String>,
    pub time_zone: Option<String>,
    pub interest_year: Option<i16>,
    pub interest_make: Option<String>,
    pub interest_model: Option<String>,
    pub interest_vin: Option<String>,
    pub owned_year: Option<i16>,
    pub owned_make: Option<String>,
    pub owned_model: Option<String>,
    pub owned_vin: Option<String>,
    pub budget_min: Option<i32>,
    pub budget_max: Option<i32>,
    pub locations: Option<String>,
    pub property_type: Option<String>,
    pub timeline: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LeadNote {
    pub id: Uuid,
    pub author: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Someone a lead can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Assignee {
    pub id: Uuid,
    pub name: String,
}

/// A lead form as typed: every field raw, validated on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub source: String,
    pub tags: String,
    pub time_zone: String,
    pub interest_year: String,
    pub interest_make: String,
    pub interest_model: String,
    pub interest_vin: String,
    pub owned_year: String,
    pub owned_make: String,
    pub owned_model: String,
    pub owned_vin: String,
    pub budget_min: String,
    pub budget_max: String,
    pub locations: String,
    pub property_type: String,
    pub timeline: String,
}

impl LeadInput {
    pub fn from_lead(lead: &Lead) -> LeadInput {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        LeadInput {
            name: lead.name.clone(),
            email: text(&lead.email),
            phone: text(&lead.phone),
            source: lead.source.as_str().into(),
            tags: lead.tags.join(", "),
            time_zone: text(&lead.time_zone),
            interest_year: num(lead.interest_year.map(i64::from)),
            interest_make: text(&lead.interest_make),
            interest_model: text(&lead.interest_model),
            interest_vin: text(&lead.interest_vin),
            owned_year: num(lead.owned_year.map(i64::from)),
            owned_make: text(&lead.owned_make),
            owned_model: text(&lead.owned_model),
            owned_vin: text(&lead.owned_vin),
            budget_min: num(lead.budget_min.map(i64::from)),
            budget_max: num(lead.budget_max.map(i64::from)),
            locations: text(&lead.locations),
            property_type: text(&lead.property_type),
            timeline: text(&lead.timeline),
        }
    }
}

/// The lead list's filters as they appear in the URL; empty means "not given".
/// Plain strings, so that every key is always sent and an empty query still decodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadQuery {
    pub q: String,
    pub status: String,
    pub source: String,
    pub assigned: String,
    pub tag: String,
    /// "Score at least": 0–100.
    pub score: String,
    pub sort: String,
    pub cursor: String,
}

impl super::ListQuery for LeadQuery {
    fn cursor(&self) -> &str {
        &self.cursor
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadList {
    #[serde(flatten)]
    pub page: super::Page<LeadRow>,
    /// Matching leads, counted up to `COUNT_LIMIT`.
    pub total: i64,
    /// The team, for the "assigned" filter.
    pub assignees: Vec<Assignee>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_from_their_names_and_labels() {
        assert_eq!(
            "appointment_set".parse::<LeadStatus>(),
            Ok(LeadStatus::AppointmentSet)
        );
        assert_eq!(
            "Appointment set".parse::<LeadStatus>(),
            Ok(LeadStatus::AppointmentSet)
        );
        assert!("closed".parse::<LeadStatus>().is_err());
    }

    #[test]
    fn sources_round_trip() {
        for source in LeadSource::ALL {
            assert_eq!(source.as_str().parse::<LeadSource>(), Ok(*source));
        }
    }
}
