use super::feed::FeedPanel;
use crate::api::appointments::{calendar, MarkAppointment};
use crate::model::{
    AppointmentStatus, Attention, CalendarEntry, CalendarQuery, CalendarView, CurrentUser,
};
use crate::rules::authz::Capability;
use crate::ui::components::{
    choices, href, use_url_query, DataTable, FilterBar, FilterInput, FilterSelect, FormMessage,
    Guard, Loaded,
};
use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn CalendarPage() -> AnyView {
    view! {
        <Title text="Calendar"/>
        <Guard capability=Capability::ViewCalendar>
            <Calendar/>
        </Guard>
    }
    .into_any()
}

#[component]
fn Calendar() -> AnyView {
    let query = use_url_query::<CalendarQuery>();
    let mark = ServerAction::<MarkAppointment>::new();
    let found = Resource::new(
        move || (query.get(), mark.version().get()),
        |(q, _)| calendar(q),
    );
    view! {
        <div class="page-head">
            <h1>"Calendar"</h1>
        </div>
        <Loaded resource=found loading="Loading the calendar…" let:cal>
            <Filters query=query.get_untracked() cal=cal.clone()/>
            <Steps query=query.get_untracked() cal=cal.clone()/>
            <NeedsAPerson entries=cal.attention.clone()/>
            {cal.truncated.then(|| view! {
                <p class="warning" role="status">"Not every appointment fits on this page: choose a person or a type to see them all."</p>
            })}
            <FormMessage error=Signal::derive(move || mark.value().get().and_then(Result::err))/>
            {match query.get_untracked().view.as_str() {
                "day" => view! { <DayList cal mark/> }.into_any(),
                _ => view! { <Week cal/> }.into_any(),
            }}
        </Loaded>
        <FeedPanel/>
    }
    .into_any()
}

#[component]
fn Filters(query: CalendarQuery, cal: CalendarView) -> impl IntoView {
    let people = cal
        .assignees
        .into_iter()
        .map(|a| (a.id.to_string(), a.name))
        .collect();
    let kinds = cal
        .types
        .into_iter()
        .map(|t| (t.id.to_string(), t.name))
        .collect();
    let views = [("week", "Week"), ("day", "Day")]
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .to_vec();
    view! {
        <FilterBar clear="/calendar">
            <FilterSelect name="view" label="View" options=views selected=query.view/>
            <FilterInput name="date" label="Date" kind="date" value=query.date/>
            <FilterSelect name="assignee" label="With" options=people selected=query.assignee any="Everyone"/>
            <FilterSelect name="type" label="Type" options=kinds selected=query.type_id any="Any"/>
            <FilterSelect name="status" label="Status" options=choices(AppointmentStatus::ALL) selected=query.status any="Any"/>
        </FilterBar>
    }
}

/// Earlier, today and later, keeping the filters.
#[component]
fn Steps(query: CalendarQuery, cal: CalendarView) -> impl IntoView {
    let step = match query.view.as_str() {
        "day" => Duration::days(1),
        _ => Duration::days(7),
    };
    let first = cal.days[0];
    let at = |date: Option<NaiveDate>| {
        let q = CalendarQuery {
            date: date.map(|d| d.to_string()).unwrap_or_default(),
            ..query.clone()
        };
        href("/calendar", &q, None)
    };
    let title = match cal.days.as_slice() {
        [one] => one.format("%A %-d %B %Y").to_string(),
        days => format!(
            "{} – {}",
            days[0].format("%-d %b"),
            days[days.len() - 1].format("%-d %b %Y")
        ),
    };
    view! {
        <nav class="calendar-steps" aria-label="Dates">
            <A href=at(Some(first - step))>"← Earlier"</A>
            <A href=at(None)>"Today"</A>
            <A href=at(Some(first + step))>"Later →"</A>
            <strong data-testid="calendar-range">{title}</strong>
            <span class="hint">{format!("Times in {}", cal.zone)}</span>
        </nav>
    }
}

#[component]
fn NeedsAPerson(entries: Vec<CalendarEntry>) -> impl IntoView {
    (!entries.is_empty()).then(|| {
        view! {
            <section class="panel warning-panel" aria-labelledby="attention-heading" data-testid="attention">
                <h2 id="attention-heading">"Needs a person"</h2>
                <ul class="plain">
                    {entries.into_iter().map(|e| {
                        let why = e.attention.map(Attention::label).unwrap_or_default();
                        view! {
                            <li>
                                <A href=format!("/calendar/{}", e.id)>{format!("{} — {}", e.when_label, e.lead_name)}</A>
                                " · " {e.type_name.clone()} " with " {e.assignee_name.clone()} ": " {why}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// Seven columns, Monday first; each appointment links to its page.
#[component]
fn Week(cal: CalendarView) -> impl IntoView {
    let CalendarView {
        days,
        today,
        entries,
        ..
    } = cal;
    view! {
        <div class="week" data-testid="week">
            {days.into_iter().map(|day| {
                let mine: Vec<CalendarEntry> = entries.iter().filter(|e| e.local_date == Some(day)).cloned().collect();
                let empty = mine.is_empty();
                view! {
                    <section class="week-day" class:today={day == today} aria-label=day.format("%A %-d %B").to_string()>
                        <h2>{day.format("%a %-d").to_string()}</h2>
                        {empty.then(|| view! { <p class="hint">"Nothing booked"</p> })}
                        <ul class="plain">
                            {mine.into_iter().map(|e| view! { <EntryCard e/> }).collect_view()}
                        </ul>
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn EntryCard(e: CalendarEntry) -> impl IntoView {
    let gone = !e.status.live() && e.status != AppointmentStatus::Shown;
    view! {
        <li class="appointment" class:gone=gone data-testid="appointment">
            <A href=format!("/calendar/{}", e.id)>
                <strong>{e.time_label.clone()}</strong>" "{e.type_name.clone()}
            </A>
            <span>{e.lead_name.clone()}</span>
            <span class="hint">{format!("with {}", e.assignee_name)}</span>
            <span class="badge" data-testid="appointment-status">{e.status.label()}</span>
            {e.attention.map(|_| view! { <span class="badge urgent">"Needs a person"</span> })}
        </li>
    }
}

const DAY_COLUMNS: &[&str] = &["Time", "Customer", "Type", "With", "Status", ""];

/// The front desk's list for one day, with "Shown" and "No-show" once a visit has started.
#[component]
fn DayList(cal: CalendarView, mark: ServerAction<MarkAppointment>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_mark = user.role.may(Capability::BookAppointments);
    view! {
        <DataTable columns=DAY_COLUMNS rows=cal.entries testid="day-list"
            empty="Nothing booked on this day."
            row=move |e: CalendarEntry| {
                let id = e.id.to_string();
                let markable = can_mark && e.status.live() && e.starts_at <= chrono::Utc::now();
                view! {
                    <tr>
                        <td>{e.time_label.clone()}</td>
                        <td><A href=format!("/leads/{}", e.lead_id)>{e.lead_name.clone()}</A></td>
                        <td><A href=format!("/calendar/{}", e.id)>{e.type_name.clone()}</A></td>
                        <td>{e.assignee_name.clone()}</td>
                        <td><span class="badge">{e.status.label()}</span></td>
                        <td class="row-actions">
                            {markable.then(|| view! {
                                <MarkButton mark id=id.clone() to="shown" label="Shown"/>
                                <MarkButton mark id=id.clone() to="no_show" label="No-show"/>
                            })}
                        </td>
                    </tr>
                }
            }/>
    }
}

/// One change of status as its own small form (works without JavaScript).
#[component]
pub fn MarkButton(
    mark: ServerAction<MarkAppointment>,
    id: String,
    to: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=mark attr:class="inline">
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="status" value=to/>
            <button type="submit" data-testid=format!("mark-{to}")>{label}</button>
        </ActionForm>
    }
}
