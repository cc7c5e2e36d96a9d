//! Telling a privacy requester things (the acknowledgement, the one-time code, the
//! outcome): by e-mail when they gave one, else by a text addressed to the number itself.
//! A request stands on its own: telling its requester creates no lead and joins no
//! conversation. Texts obey the system-text rules (SPEC §3.12): only numbers of the
//! organisation's country unless it allows others, daily caps per number and organisation,
//! and to a number that opted out of everything only the code the requester asked for.

use crate::model::Purpose;
use crate::model::{ChannelFamily, MessageCategory, E164};
use crate::rules::consent::{standing, Standing};
use crate::rules::privacy_request::Contact;
use crate::rules::send_policy::mask_codes;
use crate::server::messaging::system_text::{self, Queued, SystemText};
use crate::server::{consent, db, mail};
use sqlx::PgConnection;
use uuid::Uuid;

/// What became of a message to the requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Told {
    Email(String),
    Text(String),
    Withheld(Withheld),
}

/// Why nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    NoContact,
    /// The number opted out of everything: only a code it asked for may go.
    OptedOut,
    /// A number of another country, which the organisation does not text.
    ForeignNumber,
    /// The number, address or organisation had its day's share of system messages.
    DailyCap,
}

impl Told {
    pub fn sent(&self) -> bool {
        !matches!(self, Told::Withheld(_))
    }

    /// Where it went, for the request itself.
    pub fn describe(&self) -> String {
        match self {
            Told::Email(to) => Contact::Email.sent_to(to),
            Told::Text(to) => Contact::Phone.sent_to(to),
            Told::Withheld(why) => format!("not sent: {}", why.reason()),
        }
    }

    /// How it went, for the append-only audit log, which must not keep the address.
    pub fn channel(&self) -> &'static str {
        match self {
            Told::Email(_) => "e-mail",
            Told::Text(_) => "text",
            Told::Withheld(why) => why.reason(),
        }
    }
}

impl Withheld {
    pub fn reason(self) -> &'static str {
        match self {
            Withheld::NoContact => "no e-mail or phone to send to",
            Withheld::OptedOut => "the number opted out of our messages",
            Withheld::ForeignNumber => "a number of another country",
            Withheld::DailyCap => "the day's limit of messages to this contact was reached",
        }
    }
}

/// Sends `body` to the requester: e-mail first, else a text. `purpose` is
/// `PrivacyCode` for a text that carries a code (staff see it masked), else `PrivacyNotice`.
pub async fn tell(
    conn: &mut PgConnection,
    org_id: Uuid,
    email: Option<&str>,
    phone: Option<&str>,
    subject: &str,
    body: &str,
    purpose: Purpose,
) -> Result<Told, sqlx::Error> {
    let secret = purpose.carries_code();
    if let Some(to) = email {
        let shown = if secret {
            mask_codes(body)
        } else {
            body.to_string()
        };
        let mail = mail::Mail {
            allowance: mail::Allowance::Requested,
            org_id,
            to,
            subject,
            body: &shown,
            secret_body: secret.then_some(body),
        };
        return Ok(match mail::queue(conn, &mail).await? {
            true => Told::Email(to.to_string()),
            false => Told::Withheld(Withheld::DailyCap),
        });
    }
    let Some(phone) = phone else {
        return Ok(Told::Withheld(Withheld::NoContact));
    };
    let number = E164::from_stored(phone.to_string());
    let org = db::orgs::profile(&mut *conn, org_id).await?;
    if !org.may_text(&number) {
        return Ok(Told::Withheld(Withheld::ForeignNumber));
    }
    if !secret {
        let events = consent::events_for(conn, org_id, phone, ChannelFamily::Texts).await?;
        if matches!(
            standing(&events, MessageCategory::Conversational),
            Standing::Revoked(_)
        ) {
            return Ok(Told::Withheld(Withheld::OptedOut));
        }
    }
    let text = SystemText {
        org_id,
        phone,
        conversation: None,
        purpose,
        body,
        answers: None,
    };
    Ok(match system_text::queue(conn, &text).await? {
        Queued::Yes(_) => Told::Text(number.display()),
        Queued::Capped => Told::Withheld(Withheld::DailyCap),
    })
}
