//! A person accepting one of the assistant's facts: only then does it reach the lead's own
//! fields (the vehicle of interest, the trade-in as the owned vehicle, the timeline, the
//! budget) or, for what has no field (a preferred time), a note. Audited.

use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, Facts};
use crate::server::auth::Caller;
use crate::server::db::{self, audit::AuditEvent};
use serde_json::json;
use sqlx::types::Json;
use sqlx::{PgPool, QueryBuilder};
use std::net::IpAddr;
use uuid::Uuid;

/// A vehicle as people write it: "2021 Honda Civic", "honda cr-v", "a 2019 F-150".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleText {
    pub year: Option<i16>,
    pub make: Option<String>,
    pub model: Option<String>,
}

pub fn vehicle(text: &str) -> VehicleText {
    let mut year = None;
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        match bare.parse::<i16>() {
            Ok(y) if (1900..=2100).contains(&y) && year.is_none() => year = Some(y),
            _ if bare.is_empty()
                || matches!(bare.to_lowercase().as_str(), "a" | "an" | "the" | "my") => {}
            _ => words.push(capital(bare)),
        }
    }
    let make = words.first().cloned();
    let model = (words.len() > 1).then(|| words[1..].join(" "));
    VehicleText { year, make, model }
}

fn capital(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The largest amount in a budget ("under $30k", "25,000-28,000", "400k") in whole units.
pub fn amount(text: &str) -> Option<i32> {
    let lower = text.to_lowercase().replace(',', "");
    let mut best: Option<f64> = None;
    let mut chars = lower.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_ascii_digit() {
            continue;
        }
        let mut end = start + 1;
        while let Some(&(i, d)) = chars.peek() {
            if d.is_ascii_digit() || d == '.' {
                end = i + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let mut value: f64 = lower[start..end].parse().ok()?;
        match lower[end..].trim_start().chars().next() {
            Some('k') => value *= 1_000.0,
            Some('m') => value *= 1_000_000.0,
            _ => {}
        }
        best = Some(best.map_or(value, |b: f64| b.max(value)));
    }
    best.filter(|v| *v >= 1.0 && *v <= i32::MAX as f64)
        .map(|v| v as i32)
}

pub async fn accept(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    lead_id: Uuid,
    fact: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let mut qb = QueryBuilder::new(
        "SELECT l.ai_facts, l.restricted_at IS NOT NULL FROM leads l WHERE l.erased_at IS NULL AND l.org_id = ",
    );
    qb.push_bind(caller.org_id)
        .push(" AND l.id = ")
        .push_bind(lead_id);
    db::scope::visible(&mut qb, caller.scope());
    qb.push(" FOR UPDATE");
    let row: Option<(Option<Json<Facts>>, bool)> =
        qb.build_query_as().fetch_optional(&mut *tx).await?;
    let (facts, restricted) = row.ok_or(AppError::NotFound)?;
    if restricted {
        return Err(AppError::Conflict(super::suggest::RESTRICTED.into()));
    }
    let facts = facts.map(|f| f.0).unwrap_or_default();
    let value = facts
        .found()
        .into_iter()
        .find(|(name, _, _)| *name == fact)
        .map(|(_, _, value)| value.to_string())
        .ok_or_else(|| {
            AppError::field("fact", "The assistant has no such fact about this lead.")
        })?;
    apply(&mut tx, caller, lead_id, fact, &value).await?;
    let object = (AuditObject::Lead, lead_id.to_string());
    let event = AuditEvent::by(
        caller,
        ip,
        AuditAction::LeadInsightAccepted,
        object,
        json!({ "fact": fact }),
    );
    db::audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(())
}

async fn apply(
    tx: &mut sqlx::PgConnection,
    caller: Caller,
    lead_id: Uuid,
    fact: &str,
    value: &str,
) -> Result<(), AppError> {
    let owned = fact == "trade_in";
    match fact {
        "vehicle" | "trade_in" => {
            let v = vehicle(value);
            let sql = match owned {
                true => "UPDATE leads SET owned_year = coalesce($2, owned_year), owned_make = coalesce($3, owned_make), owned_model = coalesce($4, owned_model), updated_at = now() WHERE id = $1",
                false => "UPDATE leads SET interest_year = coalesce($2, interest_year), interest_make = coalesce($3, interest_make), interest_model = coalesce($4, interest_model), updated_at = now() WHERE id = $1",
            };
            sqlx::query(sql)
                .bind(lead_id)
                .bind(v.year)
                .bind(v.make)
                .bind(v.model)
                .execute(&mut *tx)
                .await?;
        }
        "timeline" => {
            sqlx::query("UPDATE leads SET timeline = $2, updated_at = now() WHERE id = $1")
                .bind(lead_id)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        "budget" if amount(value).is_some() => {
            sqlx::query(
                "UPDATE leads SET budget_max = $2, budget_min = CASE WHEN budget_min <= $2 THEN budget_min END,
                     updated_at = now() WHERE id = $1",
            )
            .bind(lead_id)
            .bind(amount(value))
            .execute(&mut *tx)
            .await?;
        }
        _ => {
            let label = match fact {
                "budget" => "Budget",
                _ => "Preferred time",
            };
            let note = format!("{label}: {value} (found by the assistant)");
            db::leads::add_note(&mut *tx, caller.org_id, lead_id, caller.user_id, &note).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_vehicle_as_people_write_it() {
        let v = vehicle("a 2021 honda civic");
        assert_eq!(v.year, Some(2021));
        assert_eq!(v.make.as_deref(), Some("Honda"));
        assert_eq!(v.model.as_deref(), Some("Civic"));
        let v = vehicle("Ford F-150");
        assert_eq!(
            (v.year, v.make.as_deref(), v.model.as_deref()),
            (None, Some("Ford"), Some("F-150"))
        );
    }

    #[test]
    fn reads_the_largest_amount_of_a_budget() {
        assert_eq!(amount("under $30k"), Some(30_000));
        assert_eq!(amount("25,000-28,000"), Some(28_000));
        assert_eq!(amount("around 1.5m"), Some(1_500_000));
        assert_eq!(amount("not sure yet"), None);
    }
}
