//! Appointments: the calendar, booking, changes, settings and the caller's calendar feed.

use crate::error::AppError;
use crate::model::{
    AppointmentTypeInput, AppointmentView, BookingInput, BookingOptions, BookingOutcome,
    CalendarFeed, CalendarQuery, CalendarSettings, CalendarSettingsView, CalendarView, PersonHours,
};
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "calendar")]
pub async fn calendar(query: CalendarQuery) -> Result<CalendarView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewCalendar, server};
    ctx::guarded(ViewCalendar, |who, state| async move {
        let mut conn = state.pool.acquire().await?;
        server::appointments::calendar::view(&mut conn, who.caller, &query).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "appointment")]
pub async fn appointment(id: Uuid) -> Result<AppointmentView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewCalendar, server};
    ctx::guarded(ViewCalendar, |who, state| async move {
        let mut conn = state.pool.acquire().await?;
        server::appointments::calendar::detail(&mut conn, who.caller, id).await
    })
    .await
}

/// The booking form's types, people and free slots (`from`: the store's date to start at).
#[server(prefix = "/api", endpoint = "booking_options")]
pub async fn get_booking_options(
    lead: Uuid,
    type_id: Option<Uuid>,
    assignee: Option<Uuid>,
    from: Option<chrono::NaiveDate>,
) -> Result<BookingOptions, AppError> {
    use crate::{api::ctx, rules::authz::Capability::BookAppointments, server};
    ctx::guarded(BookAppointments, |who, state| async move {
        server::appointments::book::options(&state.pool, who.caller, lead, type_id, assignee, from)
            .await
    })
    .await
}

#[server(prefix = "/api", endpoint = "book_appointment")]
pub async fn book_appointment(input: BookingInput) -> Result<BookingOutcome, AppError> {
    use crate::{api::ctx, rules::authz::Capability::BookAppointments, server};
    ctx::guarded(BookAppointments, |who, state| async move {
        let base = &state.config.public_base_url;
        server::appointments::book::book(&state.pool, who.caller, who.ip, base, input).await
    })
    .await
}

/// Moves an appointment to a free slot (`assignee` empty: the same person); `notify`
/// "yes" texts the customer the new time (an unticked box sends nothing).
#[server(prefix = "/api", endpoint = "reschedule_appointment")]
pub async fn reschedule_appointment(
    id: Uuid,
    starts_at: String,
    assignee: Option<Uuid>,
    notify: Option<String>,
) -> Result<BookingOutcome, AppError> {
    use crate::{api::ctx, rules::authz::Capability::BookAppointments, server};
    ctx::guarded(BookAppointments, |who, state| async move {
        let pool = &state.pool;
        let asked = server::appointments::change::Move {
            id,
            starts_at: &starts_at,
            assignee,
            notify: notify.as_deref() == Some("yes"),
        };
        let base = &state.config.public_base_url;
        server::appointments::change::reschedule(pool, who.caller, who.ip, base, asked).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "cancel_appointment")]
pub async fn cancel_appointment(
    id: Uuid,
    notify: Option<String>,
) -> Result<BookingOutcome, AppError> {
    use crate::{api::ctx, rules::authz::Capability::BookAppointments, server};
    ctx::guarded(BookAppointments, |who, state| async move {
        let notify = notify.as_deref() == Some("yes");
        server::appointments::change::cancel(&state.pool, who.caller, who.ip, id, notify).await
    })
    .await
}

/// `status`: "shown", "no_show", "confirmed", or "handled" (clears a flag).
#[server(prefix = "/api", endpoint = "mark_appointment")]
pub async fn mark_appointment(id: Uuid, status: String) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::BookAppointments, server};
    ctx::guarded(BookAppointments, |who, state| async move {
        server::appointments::change::mark(&state.pool, who.caller, who.ip, id, &status).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "calendar_settings")]
pub async fn get_calendar_settings() -> Result<CalendarSettingsView, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        let mut conn = state.pool.acquire().await?;
        let org = who.caller.org_id;
        Ok(CalendarSettingsView {
            settings: server::appointments::hours::settings(&mut conn, org).await?,
            types: server::appointments::types::list(&mut conn, org, false).await?,
            zone: server::appointments::hours::org_zone(&mut conn, org)
                .await?
                .name()
                .to_string(),
            people: server::appointments::person_hours::list(&mut conn, org).await?,
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_calendar_settings")]
pub async fn save_calendar_settings(settings: CalendarSettings) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        server::appointments::hours::save(&state.pool, who.caller, who.ip, settings).await
    })
    .await
}

/// One person's own hours and zone (all days empty: the store's hours apply).
#[server(prefix = "/api", endpoint = "save_person_hours")]
pub async fn save_person_hours(input: PersonHours) -> Result<(), AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        server::appointments::person_hours::save(&state.pool, who.caller, who.ip, input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "save_appointment_type")]
pub async fn save_appointment_type(input: AppointmentTypeInput) -> Result<Uuid, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ManageSettings, server};
    ctx::guarded(ManageSettings, |who, state| async move {
        server::appointments::types::save(&state.pool, who.caller, who.ip, input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "calendar_feed")]
pub async fn get_calendar_feed() -> Result<CalendarFeed, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewCalendar, server};
    ctx::guarded(ViewCalendar, |who, state| async move {
        let mut conn = state.pool.acquire().await?;
        server::appointments::feed::status(&mut conn, who.caller).await
    })
    .await
}

/// `on` "yes" makes a new feed address (the old one stops working); otherwise revokes it.
#[server(prefix = "/api", endpoint = "set_calendar_feed")]
pub async fn set_calendar_feed(on: String) -> Result<CalendarFeed, AppError> {
    use crate::{api::ctx, rules::authz::Capability::ViewCalendar, server};
    ctx::guarded(ViewCalendar, |who, state| async move {
        let base = &state.config.public_base_url;
        server::appointments::feed::set(&state.pool, who.caller, who.ip, base, on == "yes").await
    })
    .await
}
