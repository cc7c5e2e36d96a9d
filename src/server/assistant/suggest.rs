//! A suggested reply for a person to edit and send: the organisation's assistant drafts
//! it from the conversation (the built-in one when the provider fails), conversational
//! only — a draft that reads as promotional is replaced by the built-in one.

use super::context::{self, Withheld};
use super::events::CallPurpose;
use super::run::{logged, Configured};
use super::runtime::Runtime;
use super::{settings, Remote};
use crate::error::AppError;
use crate::model::Draft;
use crate::rules::assistant as rules;
use crate::server::auth::Caller;
use crate::server::messaging::scope;
use uuid::Uuid;

pub const RESTRICTED: &str =
    "This person asked to restrict processing: the assistant does not read their conversation.";

#[tracing::instrument(skip_all, fields(org = %caller.org_id, %conversation))]
pub async fn suggest(rt: &Runtime, caller: Caller, conversation: Uuid) -> Result<Draft, AppError> {
    let mut conn = rt.pool.acquire().await?;
    scope::row(&mut conn, caller, conversation)
        .await?
        .ok_or(AppError::NotFound)?;
    let config = settings::load(&mut *conn, rt.key.as_ref(), caller.org_id).await?;
    let context = match context::load(&mut conn, &config, caller.org_id, conversation).await? {
        Ok(context) => context,
        Err(Withheld::Missing) => return Err(AppError::NotFound),
        Err(Withheld::Restricted) => return Err(AppError::Conflict(RESTRICTED.into())),
    };
    drop(conn);
    if !context.turns.iter().any(|t| t.customer) {
        return Err(AppError::Conflict(
            "The customer has not written yet: there is nothing to answer.".into(),
        ));
    }
    let assistant = Configured::of(&config, &rt.http, Remote::TIMEOUT, Remote::RETRIES);
    let reading = logged(
        &rt.pool,
        &assistant,
        &context,
        CallPurpose::Draft,
        assistant.insight(&context),
    )
    .await
    .unwrap_or_else(|_| rules::read(&context.turns));
    let built_in = || {
        rules::draft(
            &context.turns,
            &reading,
            &context.store,
            context.first_name.as_deref(),
        )
    };
    let draft = logged(
        &rt.pool,
        &assistant,
        &context,
        CallPurpose::Draft,
        assistant.reply(&context, &reading),
    )
    .await
    .unwrap_or_else(|_| built_in());
    Ok(
        match rules::promotional(&draft.body) || draft.body.trim().is_empty() {
            true => built_in(),
            false => draft,
        },
    )
}
