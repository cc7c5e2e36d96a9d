//! The autopilot (issue 14, SPEC §9): where an organisation turns it on for a channel, the
//! assistant answers a customer-initiated conversation by itself when no person has within
//! N minutes, or at once outside business hours. It never does what a person in the same
//! seat could not: every message goes through `may_send` (again by the outbox worker when
//! it leaves), its first message says it is automated, and it hands the conversation to a
//! person — and stops — on an opt-out or complaint, a request for a person, a price or
//! finance commitment, low confidence, a provider failure, a promotional answer, or three
//! turns without progress. A restricted or erased person is never sent to a provider.

use super::events::CallPurpose;
use super::run::{logged, Configured};
use super::runtime::Runtime;
use super::settings::AiConfig;
use super::{context, insight, settings, Remote};
use crate::model::{Channel, Draft, Handoff, Insight, MessageCategory};
use crate::rules::assistant::{self as rules, MAX_TURNS_WITHOUT_PROGRESS};
use crate::rules::business_hours::BusinessHours;
use crate::rules::send_policy::may_send;
use crate::server::auth::Caller;
use crate::server::messaging::send_facts::send_facts;
use chrono::{DateTime, Datelike, Timelike, Utc};
use sqlx::types::Json;
use sqlx::PgConnection;
use uuid::Uuid;

mod act;
mod booking;

pub use act::{hand_off, resume, HANDOFF_NOTE};

/// Where a conversation stands for the autopilot.
#[derive(Debug, sqlx::FromRow)]
struct Standing {
    channel: Channel,
    customer_initiated: bool,
    handed_off: bool,
    withheld: bool,
    stalled_turns: i32,
    last_insight: Option<Json<Insight>>,
    /// The first customer message no one has answered yet; none when all are answered.
    first_unanswered: Option<DateTime<Utc>>,
    time_zone: String,
}

/// Takes the autopilot's turn in a conversation: none when done, or when to look again
/// (the wait for a person has not passed yet).
pub async fn turn(
    rt: &Runtime,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let mut conn = rt.pool.acquire().await?;
    let config = settings::load(&mut *conn, rt.key.as_ref(), org_id).await?;
    let Some(s) = standing(&mut conn, org_id, conversation).await? else {
        return Ok(None);
    };
    if !config.autopilot_on(s.channel) || s.handed_off || !s.customer_initiated {
        return Ok(None);
    }
    let Some(first_unanswered) = s.first_unanswered else {
        return Ok(None);
    };
    if s.withheld {
        return hand_off_now(rt, org_id, conversation, Handoff::Restricted).await;
    }
    if let Some(wait) = wait_for_person(&config, &s.time_zone, first_unanswered, Utc::now()) {
        return Ok(Some(wait));
    }
    // What a person could not send, the assistant does not write (nor show a provider).
    if !may_answer(&mut conn, org_id, conversation).await? {
        return Ok(None);
    }
    let Ok(context) = context::load(&mut conn, &config, org_id, conversation).await? else {
        return Ok(None);
    };
    drop(conn);
    match keyword(&context.turns) {
        Keyword::None if booking::about_a_booking(&rt.pool, &context).await? => Ok(None),
        Keyword::None if booking::picked(rt, &context).await? => Ok(None),
        Keyword::None => respond(rt, &config, &s, &context).await.map(|()| None),
        Keyword::Answered => Ok(None),
        Keyword::HandOff(reason) => hand_off_now(rt, org_id, conversation, reason).await,
    }
}

async fn hand_off_now(
    rt: &Runtime,
    org_id: Uuid,
    conversation: Uuid,
    reason: Handoff,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let mut tx = rt.pool.begin().await?;
    act::hand_off(&mut tx, org_id, conversation, reason, None).await?;
    tx.commit().await.map(|()| None)
}

/// Asks the provider, then answers or hands off — unless another worker or a person
/// answered while it thought (the conversation is locked for the decision).
async fn respond(
    rt: &Runtime,
    config: &AiConfig,
    before: &Standing,
    context: &super::Context,
) -> Result<(), sqlx::Error> {
    let (org_id, conversation) = (context.org_id, context.conversation_id);
    let assistant = Configured::of(config, &rt.http, Remote::TIMEOUT, Remote::RETRIES);
    let answer = answer(rt, &assistant, context).await;
    let mut tx = rt.pool.begin().await?;
    let Some(now) = standing_locked(&mut tx, org_id, conversation).await? else {
        return Ok(());
    };
    if now.handed_off || now.first_unanswered.is_none() {
        return Ok(());
    }
    let store = Some(context.store.name.as_str());
    let Ok((reading, draft)) = answer else {
        act::hand_off(
            &mut tx,
            org_id,
            conversation,
            Handoff::ProviderFailure,
            store,
        )
        .await?;
        return tx.commit().await;
    };
    insight::store(&mut tx, org_id, conversation, &reading).await?;
    let last = before.last_insight.as_ref().map(|j| &j.0);
    let stalled = match rules::progressed(last, &reading) {
        true => 0,
        false => before.stalled_turns + 1,
    };
    match decide(&context.turns, &reading, &draft, stalled) {
        Some(reason) => act::hand_off(&mut tx, org_id, conversation, reason, store).await?,
        None => {
            let offer = booking::offer_if_asked(&mut tx, context, &reading).await?;
            let said = act::Said {
                body: offer.as_deref().unwrap_or(&draft.body),
                reading: &reading,
                stalled,
            };
            act::send(&mut tx, org_id, conversation, &context.store.name, said).await?
        }
    }
    tx.commit().await
}

/// The insight and the draft, or `Err` when the provider failed (each call logged).
async fn answer(
    rt: &Runtime,
    assistant: &Configured,
    context: &super::Context,
) -> Result<(Insight, Draft), ()> {
    let reading = logged(
        &rt.pool,
        assistant,
        context,
        CallPurpose::Autopilot,
        assistant.insight(context),
    )
    .await
    .map_err(|_| ())?;
    let draft = logged(
        &rt.pool,
        assistant,
        context,
        CallPurpose::Autopilot,
        assistant.reply(context, &reading),
    )
    .await
    .map_err(|_| ())?;
    Ok((reading, draft))
}

/// What the customer's last text was to the consent rules (`rules::intent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// An ordinary text (or a YES, which is an answer unless the number opted out).
    None,
    /// START or HELP: the system's own text answered it.
    Answered,
    /// An opt-out, or a text that may be one (a person reviews it): a person takes over.
    HandOff(Handoff),
}

pub fn keyword(turns: &[rules::Turn]) -> Keyword {
    use crate::rules::intent::{classify, Intent};
    let Some(last) = turns.iter().rev().find(|t| t.customer) else {
        return Keyword::None;
    };
    match classify(&last.text) {
        Intent::OptIn | Intent::Help => Keyword::Answered,
        Intent::OptOut => Keyword::HandOff(Handoff::OptOut),
        Intent::Unclear => Keyword::HandOff(Handoff::LowConfidence),
        Intent::Yes | Intent::Other => Keyword::None,
    }
}

/// Whether a person must take over, and why: the rules every provider is held to first,
/// then the provider's own call, then a promotional answer, then going round in circles.
pub fn decide(
    turns: &[rules::Turn],
    reading: &Insight,
    draft: &Draft,
    stalled: i32,
) -> Option<Handoff> {
    rules::handoff_rules(turns, reading)
        .or(draft.handoff)
        .or_else(|| rules::promotional(&draft.body).then_some(Handoff::Promotional))
        .or_else(|| {
            draft
                .body
                .trim()
                .is_empty()
                .then_some(Handoff::LowConfidence)
        })
        .or_else(|| (stalled >= MAX_TURNS_WITHOUT_PROGRESS).then_some(Handoff::NoProgress))
}

/// When to look again if a person may still answer: during business hours the autopilot
/// waits N minutes from the first unanswered message; outside them it answers at once.
pub fn wait_for_person(
    config: &AiConfig,
    time_zone: &str,
    first_unanswered: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let zone: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&zone);
    let hours = BusinessHours {
        days: config.business_days.clone(),
        opens_at: config.opens_at,
        closes_at: config.closes_at,
    };
    let open = hours.open(
        local.weekday().number_from_monday() as i16,
        local.hour() as i16,
    );
    let due = first_unanswered + chrono::Duration::minutes(config.after_minutes.into());
    (open && now < due).then_some(due)
}

/// Whether a conversational reply may go to this conversation now (`may_send`).
async fn may_answer(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<bool, sqlx::Error> {
    let facts = send_facts(conn, Caller::assistant(org_id), conversation, false).await?;
    Ok(facts.is_some_and(|facts| may_send(&facts, MessageCategory::Conversational).is_ok()))
}

const STANDING: &str = "SELECT c.channel, c.customer_initiated, c.ai_handoff IS NOT NULL AS handed_off,
        (l.restricted_at IS NOT NULL OR l.erased_at IS NOT NULL) AS withheld,
        c.ai_stalled_turns AS stalled_turns, c.ai_last_insight AS last_insight,
        (SELECT min(m.created_at) FROM messages m
          WHERE m.conversation_id = c.id AND m.direction = 'inbound'
            AND m.created_at > coalesce((SELECT max(r.created_at) FROM messages r
                  WHERE r.conversation_id = c.id AND r.direction = 'outbound'
                    AND r.sender IN ('agent', 'ai') AND r.status <> 'blocked'), '-infinity')) AS first_unanswered,
        o.time_zone
     FROM conversations c JOIN leads l ON l.id = c.lead_id JOIN organisations o ON o.id = c.org_id
     WHERE c.id = $1 AND c.org_id = $2";

async fn standing(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<Option<Standing>, sqlx::Error> {
    sqlx::query_as(STANDING)
        .bind(conversation)
        .bind(org_id)
        .fetch_optional(conn)
        .await
}

/// The standing again, with the conversation locked until the transaction ends.
async fn standing_locked(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
) -> Result<Option<Standing>, sqlx::Error> {
    sqlx::query("SELECT 1 FROM conversations WHERE id = $1 AND org_id = $2 FOR UPDATE")
        .bind(conversation)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    standing(conn, org_id, conversation).await
}
