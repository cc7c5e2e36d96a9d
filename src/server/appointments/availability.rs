//! Everything `rules::slots` needs about one person's time, read in one place for the
//! booking form, the booking check and the assistant alike.

use super::hours;
use crate::rules::slots::{Hours, SlotQuery, Span};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// The grid slots sit on: every half hour of the store's clock.
pub const STEP_MINUTES: i64 = 30;
/// How far ahead the booking form and the assistant look.
pub const HORIZON_DAYS: u32 = 21;

pub struct Availability {
    pub store: Hours,
    person: Option<Hours>,
    closed: Vec<NaiveDate>,
    busy: Vec<Span>,
}

impl Availability {
    /// The person's hours and bookings between `from` and `to` (give or take a day),
    /// leaving out `except` (the appointment being moved).
    pub async fn load(
        conn: &mut PgConnection,
        org_id: Uuid,
        person: Uuid,
        (from, to): Span,
        except: Option<Uuid>,
    ) -> Result<Availability, sqlx::Error> {
        let store = match hours::load(conn, org_id, None).await? {
            Some(hours) => hours,
            None => Hours {
                zone: hours::org_zone(conn, org_id).await?,
                days: Vec::new(),
            },
        };
        let own = hours::load(conn, org_id, Some(person)).await?;
        let closed = hours::closed_days(conn, org_id).await?;
        let busy: Vec<Span> = sqlx::query_as(
            "SELECT starts_at, ends_at FROM appointments
             WHERE org_id = $1 AND assignee_id = $2 AND status IN ('scheduled', 'confirmed')
               AND ends_at > $3 AND starts_at < $4 AND id IS DISTINCT FROM $5",
        )
        .bind(org_id)
        .bind(person)
        .bind(from - Duration::days(1))
        .bind(to + Duration::days(1))
        .bind(except)
        .fetch_all(conn)
        .await?;
        Ok(Availability {
            store,
            person: own,
            closed,
            busy,
        })
    }

    /// Up to `limit` free starts of a `minutes`-long appointment with `person`, on the
    /// `HORIZON_DAYS` store dates from `from`, none before `not_before`: the one way the
    /// booking form, the assistant and the demo seed list free times.
    pub async fn next_free(
        conn: &mut PgConnection,
        org_id: Uuid,
        person: Uuid,
        minutes: i32,
        (from, not_before): (NaiveDate, DateTime<Utc>),
        limit: usize,
    ) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
        // The bookings of the days looked at (`load` pads a day each side for the zone).
        let first = from
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .max(not_before);
        let span = (first, first + Duration::days(i64::from(HORIZON_DAYS) + 1));
        let time = Availability::load(conn, org_id, person, span, None).await?;
        let q = time.query(minutes, not_before);
        Ok(crate::rules::slots::free_slots(
            &q,
            from,
            HORIZON_DAYS,
            limit,
        ))
    }

    pub fn query(&self, minutes: i32, not_before: DateTime<Utc>) -> SlotQuery<'_> {
        SlotQuery {
            location: &self.store,
            assignee: self.person.as_ref(),
            closed_days: &self.closed,
            busy: &self.busy,
            duration: Duration::minutes(minutes.into()),
            step: Duration::minutes(STEP_MINUTES),
            not_before,
        }
    }
}
