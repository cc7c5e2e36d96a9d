//! Web chat. A visitor leaves a name and a phone or e-mail and chats; they hold a random
//! token (an HttpOnly cookie) of which the database keeps only the SHA-256.
//!
//! What the visitor typed is a claim, not an identity (SPEC §3.11): every chat starts as a
//! conversation of its own, on a lead of its own with no contact, and never joins or takes
//! over anyone else's. Nothing typed in it touches a number's consent; a STOP ends the chat
//! and nothing more. It becomes the claimed person's when the visitor proves the claim (a
//! code sent to it) or a staff member links it by hand (audited): then it moves to that
//! person's lead, and from then on keywords typed in it count for their number.

use super::system_text::{self, Queued, SystemText};
use super::{events, inbound};
use crate::error::AppError;
use crate::model::{Channel, ChatLine, ChatView, Email, FieldErrors, E164};
use crate::rules::account::person_name;
use crate::rules::keywords::{classify, Intent};
use crate::rules::limits::{
    CHAT_CODES, CHAT_CODE_TRIES, CHAT_SEND_IP, CHAT_START_CONTACT, CHAT_START_IP,
};
use crate::rules::send_policy::Purpose;
use crate::server::{db, mail, rate_limit};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use std::net::IpAddr;
use uuid::Uuid;

pub const COOKIE: &str = "consentdesk_chat";
/// Minutes a chat's code works.
pub const CODE_MINUTES: i64 = 10;

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The code's hash is bound to its chat: the same digits for another chat differ.
fn code_digest(conversation: Uuid, code: &str) -> Vec<u8> {
    Sha256::digest(format!("chat:{conversation}:{code}").as_bytes()).to_vec()
}

fn address(ip: Option<IpAddr>) -> String {
    crate::rules::limits::address_subject(ip)
}

/// A phone or e-mail as the visitor typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    Phone(E164),
    Email(Email),
}

impl Claim {
    fn parse(contact: &str, region: &str) -> Result<Claim, String> {
        let contact = contact.trim();
        if contact.is_empty() {
            Err("Leave a phone number or an email address so we can answer.".into())
        } else if contact.contains('@') {
            Email::parse(contact).map(Claim::Email)
        } else {
            E164::parse(contact, region).map(Claim::Phone)
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Claim::Phone(phone) => phone.as_str(),
            Claim::Email(email) => email.as_str(),
        }
    }
}

/// Starts a chat of its own for the visitor; returns the token to hand to the browser.
pub async fn start(
    pool: &PgPool,
    slug: &str,
    ip: Option<IpAddr>,
    name: &str,
    contact: &str,
) -> Result<String, AppError> {
    let org_id = db::orgs::id_by_slug(pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let country = db::orgs::profile(pool, org_id).await?.country;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", person_name(name));
    let claim = errors.check("contact", Claim::parse(contact, &country));
    let (Some(name), Some(claim), true) = (name, claim, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    rate_limit::hit(pool, CHAT_START_IP, &address(ip)).await?;
    rate_limit::hit(
        pool,
        CHAT_START_CONTACT,
        &format!("{org_id} {}", claim.as_str()),
    )
    .await?;
    let mut token_bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut token_bytes);
    let token = URL_SAFE_NO_PAD.encode(token_bytes);

    let mut tx = pool.begin().await?;
    let lead: Uuid = sqlx::query_scalar(
        "INSERT INTO leads (org_id, name, source) VALUES ($1, $2, 'chat') RETURNING id",
    )
    .bind(org_id)
    .bind(&name)
    .fetch_one(&mut *tx)
    .await?;
    let (phone, email) = match &claim {
        Claim::Phone(phone) => (Some(phone.as_str()), None),
        Claim::Email(email) => (None, Some(email.as_str())),
    };
    let conversation: Uuid = sqlx::query_scalar(
        "INSERT INTO conversations (org_id, lead_id, channel, customer_initiated, visitor_token_hash, visitor_since,
                                    claimed_phone, claimed_email)
         VALUES ($1, $2, 'chat', true, $3, now(), $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(lead)
    .bind(hash(&token))
    .bind(phone)
    .bind(email)
    .fetch_one(&mut *tx)
    .await?;
    events::notify(&mut tx, org_id, conversation).await?;
    tx.commit().await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct Visitor {
    id: Uuid,
    org_id: Uuid,
    org_name: String,
    claimed_phone: Option<String>,
    claimed_email: Option<String>,
    verified_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    code_expires_at: Option<DateTime<Utc>>,
}

impl Visitor {
    fn claim(&self) -> Option<Claim> {
        match (&self.claimed_phone, &self.claimed_email) {
            (Some(phone), _) => Some(Claim::Phone(E164::from_stored(phone.clone()))),
            (None, Some(email)) => Email::parse(email).ok().map(Claim::Email),
            (None, None) => None,
        }
    }
}

/// The visitor's chat, by their token; `lock`ed for the rest of the transaction when it
/// is about to change.
async fn visitor(
    conn: &mut PgConnection,
    slug: &str,
    token: &str,
    lock: bool,
) -> Result<Visitor, AppError> {
    let row: Option<Visitor> = sqlx::query_as(&format!(
        "SELECT c.id, c.org_id, o.name AS org_name, c.claimed_phone, c.claimed_email, c.verified_at,
                c.ended_at, c.code_expires_at
         FROM conversations c JOIN organisations o ON o.id = c.org_id
         WHERE o.slug = $1 AND c.visitor_token_hash = $2 AND c.channel = 'chat'{}",
        if lock { " FOR UPDATE OF c" } else { "" }
    ))
    .bind(slug)
    .bind(hash(token))
    .fetch_optional(conn)
    .await?;
    row.ok_or(AppError::NotFound)
}

/// What the visitor's page shows: the lines since the chat began, and where it stands.
pub async fn view(pool: &PgPool, slug: &str, token: &str) -> Result<ChatView, AppError> {
    let mut conn = pool.acquire().await?;
    let v = visitor(&mut conn, slug, token, false).await?;
    let rows: Vec<(bool, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT m.direction = 'inbound', m.body, m.created_at FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.conversation_id = $1 AND m.created_at >= c.visitor_since AND m.status <> 'blocked'
         ORDER BY m.created_at, m.id",
    )
    .bind(v.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ChatView {
        lines: rows
            .into_iter()
            .map(|(from_visitor, body, at)| ChatLine {
                from_visitor,
                body,
                at,
            })
            .collect(),
        claimed: v.claim().map(|c| match c {
            Claim::Phone(phone) => phone.display(),
            Claim::Email(email) => email.as_str().to_string(),
        }),
        verified: v.verified_at.is_some(),
        ended: v.ended_at.is_some(),
        code_sent: v.verified_at.is_none() && v.code_expires_at.is_some(),
    })
}

/// Stores what the visitor typed. In a proven chat, keywords count for the person's number
/// (in the transaction that stores the text); in an unproven one, a STOP ends the chat.
pub async fn send(
    pool: &PgPool,
    slug: &str,
    ip: Option<IpAddr>,
    token: &str,
    body: &str,
) -> Result<(), AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "Write a message first."));
    }
    if body.chars().count() > 2000 {
        return Err(AppError::field(
            "body",
            "Keep a message under 2,000 characters.",
        ));
    }
    rate_limit::hit(pool, CHAT_SEND_IP, &address(ip)).await?;
    let mut tx = pool.begin().await?;
    let v = visitor(&mut tx, slug, token, true).await?;
    if v.ended_at.is_some() {
        return Err(AppError::Conflict(
            "This chat has ended. Start a new one to talk to us again.".into(),
        ));
    }
    let message: Uuid = sqlx::query_scalar(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, status) VALUES ($1, $2, 'inbound', $3, 'customer', 'received') RETURNING id",
    )
    .bind(v.org_id)
    .bind(v.id)
    .bind(body)
    .fetch_one(&mut *tx)
    .await?;
    inbound::touch(&mut tx, v.id, inbound::Activity::Inbound).await?;
    // Words count for a number only when the number itself was proven (a code texted to
    // it), or staff linked the chat knowing the person: an e-mail code proves the e-mail,
    // not whatever phone the lead it joined has.
    let phone: Option<String> = sqlx::query_scalar(
        "SELECT l.phone FROM conversations c JOIN leads l ON l.id = c.lead_id
         WHERE c.id = $1 AND c.verified_at IS NOT NULL
           AND (c.verified_how = 'staff' OR c.claimed_phone = l.phone)",
    )
    .bind(v.id)
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    match phone {
        Some(phone) => {
            let keywords = crate::server::consent::keywords::Inbound {
                org_id: v.org_id,
                conversation: v.id,
                message_id: message,
                phone: &phone,
                channel: Channel::Chat,
                body,
            };
            crate::server::consent::keywords::apply(&mut tx, &keywords).await?;
        }
        None if classify(body) == Intent::OptOut => end(&mut tx, &v).await?,
        None => {}
    }
    events::notify(&mut tx, v.org_id, v.id).await?;
    tx.commit().await?;
    Ok(())
}

/// A STOP in a chat that proves no number: the chat ends, and no consent event is written.
async fn end(conn: &mut PgConnection, v: &Visitor) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE conversations SET ended_at = now(), status = 'resolved' WHERE id = $1")
        .bind(v.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO messages (org_id, conversation_id, direction, body, sender, category, status)
         VALUES ($1, $2, 'outbound', $3, 'system', 'conversational', 'delivered')",
    )
    .bind(v.org_id)
    .bind(v.id)
    .bind(format!(
        "{}: this chat has ended and we will not write to you here again. To stop texts to your phone, reply STOP to any of our texts.",
        v.org_name
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sends the visitor a code to the phone or e-mail they typed.
pub async fn send_code(pool: &PgPool, slug: &str, token: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let v = visitor(&mut tx, slug, token, true).await?;
    if v.verified_at.is_some() {
        return Err(AppError::Conflict("This chat is already confirmed.".into()));
    }
    if v.ended_at.is_some() {
        return Err(AppError::Conflict("This chat has ended.".into()));
    }
    let claim = v.claim().ok_or(AppError::NotFound)?;
    let counted: Option<i32> = sqlx::query_scalar(
        "UPDATE conversations SET codes_sent = codes_sent + 1 WHERE id = $1 AND codes_sent < $2 RETURNING codes_sent",
    )
    .bind(v.id)
    .bind(CHAT_CODES)
    .fetch_optional(&mut *tx)
    .await?;
    if counted.is_none() {
        return Err(AppError::field(
            "code",
            format!("{CHAT_CODES} codes have been sent for this chat already. A member of our team can confirm who you are instead."),
        ));
    }
    let org = db::orgs::profile(&mut *tx, v.org_id).await?;
    let code = crate::server::privacy::verify::new_code();
    let text = format!(
        "{}: your code to confirm it is you in our web chat is {code}. It works for {CODE_MINUTES} minutes. If you did not ask, ignore this message.",
        org.name
    );
    let sent = match &claim {
        Claim::Phone(phone) => {
            if !org.may_text(phone) {
                return Err(AppError::field(
                    "code",
                    "We can only text numbers in our own country. Ask a member of our team to confirm who you are.",
                ));
            }
            // A number that said STOP (or was restricted) is not texted, not even a code a
            // stranger asks for by claiming it.
            if !crate::server::consent::may_text_unasked(&mut tx, v.org_id, phone.as_str()).await? {
                return Err(AppError::field(
                    "code",
                    "We do not text this number: its owner asked us to stop. A member of our team can confirm who you are instead.",
                ));
            }
            let queued = system_text::queue(
                &mut tx,
                &SystemText {
                    org_id: v.org_id,
                    phone: phone.as_str(),
                    conversation: None,
                    purpose: Purpose::ChatCode,
                    body: &text,
                    answers: None,
                },
            )
            .await?;
            queued != Queued::Capped
        }
        Claim::Email(email) => {
            mail::queue(
                &mut tx,
                &mail::Mail {
                    allowance: mail::Allowance::Requested,
                    org_id: v.org_id,
                    to: email.as_str(),
                    subject: "Your chat confirmation code",
                    body: &crate::rules::send_policy::mask_codes(&text),
                    secret_body: Some(&text),
                },
            )
            .await?
        }
    };
    if !sent {
        return Err(AppError::field(
            "code",
            "We have sent as many messages to that address as we may today. Try again tomorrow, or ask a member of our team.",
        ));
    }
    sqlx::query(
        "UPDATE conversations SET code_hash = $2, code_expires_at = $3, code_attempts = 0 WHERE id = $1",
    )
    .bind(v.id)
    .bind(code_digest(v.id, &code))
    .bind(Utc::now() + Duration::minutes(CODE_MINUTES))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks the code; a right one moves the chat to the person's lead. A wrong one counts as
/// a try even though the request fails.
pub async fn confirm_code(
    pool: &PgPool,
    slug: &str,
    token: &str,
    code: &str,
) -> Result<(), AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::field("code", "The code has six digits."));
    }
    let mut tx = pool.begin().await?;
    let v = visitor(&mut tx, slug, token, true).await?;
    if v.verified_at.is_some() {
        return Ok(());
    }
    let (stored, attempts): (Option<Vec<u8>>, i32) =
        sqlx::query_as("SELECT code_hash, code_attempts FROM conversations WHERE id = $1")
            .bind(v.id)
            .fetch_one(&mut *tx)
            .await?;
    let (Some(stored), Some(expires)) = (stored, v.code_expires_at) else {
        return Err(AppError::field("code", "Ask for a code first."));
    };
    if attempts >= CHAT_CODE_TRIES {
        return Err(AppError::field(
            "code",
            "Too many wrong codes. Ask for a new one.",
        ));
    }
    if expires < Utc::now() {
        return Err(AppError::field(
            "code",
            "This code has expired. Ask for a new one.",
        ));
    }
    if !crate::server::hooks::signature::same_secret(&stored, &code_digest(v.id, &code)) {
        sqlx::query("UPDATE conversations SET code_attempts = code_attempts + 1 WHERE id = $1")
            .bind(v.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(AppError::field("code", "That code is not right."));
    }
    let claim = v.claim().ok_or(AppError::NotFound)?;
    link(&mut tx, v.org_id, v.id, &claim, Proof::Code).await?;
    tx.commit().await?;
    Ok(())
}

/// How a chat's claim was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Code,
    Staff,
}

/// Moves a chat to the lead that holds `claim` (merging the chat's own lead into it), or
/// gives the chat's lead that contact when nobody holds it yet. Returns the lead.
pub async fn link(
    conn: &mut PgConnection,
    org_id: Uuid,
    conversation: Uuid,
    claim: &Claim,
    proof: Proof,
) -> Result<Uuid, AppError> {
    let (own, verified): (Uuid, bool) = sqlx::query_as(
        "SELECT lead_id, verified_at IS NOT NULL FROM conversations
         WHERE id = $1 AND org_id = $2 AND channel = 'chat' FOR UPDATE",
    )
    .bind(conversation)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if verified {
        return Err(AppError::Conflict(
            "This chat is already linked to its person.".into(),
        ));
    }
    let lead = match holder(conn, org_id, claim).await? {
        Some(holder) if holder != own => {
            merge_chat_lead(conn, org_id, own, holder, conversation).await?;
            holder
        }
        _ => {
            let column = match claim {
                Claim::Phone(_) => "phone",
                Claim::Email(_) => "email",
            };
            // A savepoint: another chat may prove the same new number at this moment.
            sqlx::query("SAVEPOINT chat_contact")
                .execute(&mut *conn)
                .await?;
            let set = sqlx::query(&format!(
                "UPDATE leads SET {column} = $2, updated_at = now() WHERE id = $1"
            ))
            .bind(own)
            .bind(claim.as_str())
            .execute(&mut *conn)
            .await;
            match set {
                Ok(_) => own,
                Err(e) if db::is_unique_violation(&e, db::leads::PHONE_KEY) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT chat_contact")
                        .execute(&mut *conn)
                        .await?;
                    let holder = holder(conn, org_id, claim)
                        .await?
                        .ok_or(AppError::Internal)?;
                    merge_chat_lead(conn, org_id, own, holder, conversation).await?;
                    holder
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    sqlx::query(
        "UPDATE conversations SET verified_at = now(), verified_how = $2, code_hash = NULL, code_expires_at = NULL
         WHERE id = $1",
    )
    .bind(conversation)
    .bind(match proof {
        Proof::Code => "code",
        Proof::Staff => "staff",
    })
    .execute(&mut *conn)
    .await?;
    events::notify(&mut *conn, org_id, conversation).await?;
    Ok(lead)
}

/// The lead that holds a contact: the one with the phone, or the oldest with the e-mail.
async fn holder(
    conn: &mut PgConnection,
    org_id: Uuid,
    claim: &Claim,
) -> Result<Option<Uuid>, sqlx::Error> {
    match claim {
        Claim::Phone(phone) => {
            sqlx::query_scalar("SELECT id FROM leads WHERE org_id = $1 AND phone = $2")
                .bind(org_id)
                .bind(phone.as_str())
                .fetch_optional(conn)
                .await
        }
        Claim::Email(email) => {
            sqlx::query_scalar(
                "SELECT id FROM leads WHERE org_id = $1 AND email = $2 AND erased_at IS NULL ORDER BY created_at LIMIT 1",
            )
            .bind(org_id)
            .bind(email.as_str())
            .fetch_optional(conn)
            .await
        }
    }
}

/// The chat's own lead joins the lead that holds the proven contact: its conversations and
/// notes move over, an empty assignee or a name that is only the number is filled, and the
/// chat's lead goes.
async fn merge_chat_lead(
    conn: &mut PgConnection,
    org_id: Uuid,
    from: Uuid,
    into: Uuid,
    conversation: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE conversations SET lead_id = $2 WHERE id = $1")
        .bind(conversation)
        .bind(into)
        .execute(&mut *conn)
        .await?;
    let remaining: i64 =
        sqlx::query_scalar("SELECT count(*) FROM conversations WHERE lead_id = $1")
            .bind(from)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "UPDATE leads t SET assigned_to = coalesce(t.assigned_to, f.assigned_to),
             name = CASE WHEN t.name = t.phone OR t.name LIKE '+%' THEN f.name ELSE t.name END,
             tags = ARRAY(SELECT DISTINCT unnest(t.tags || f.tags)),
             updated_at = now()
         FROM leads f WHERE t.id = $2 AND f.id = $1 AND t.org_id = $3 AND f.org_id = $3",
    )
    .bind(from)
    .bind(into)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    if remaining == 0 {
        sqlx::query("UPDATE lead_notes SET lead_id = $2 WHERE lead_id = $1")
            .bind(from)
            .bind(into)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM leads WHERE id = $1 AND org_id = $2")
            .bind(from)
            .bind(org_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A staff member links an unproven chat to a person they know it is (audited by the caller).
pub async fn link_by_staff(
    pool: &PgPool,
    caller: crate::server::auth::Caller,
    ip: Option<IpAddr>,
    conversation: Uuid,
    contact: &str,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    // Only a chat the caller may see.
    super::send_facts::send_facts(&mut tx, caller, conversation, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let country = db::orgs::profile(&mut *tx, caller.org_id).await?.country;
    let claim = Claim::parse(contact, &country).map_err(|e| AppError::field("contact", e))?;
    // Only into a lead the caller may see: an agent cannot reach another agent's customer
    // by typing their number.
    if let Some(holder) = holder(&mut tx, caller.org_id, &claim).await? {
        if !db::leads::is_visible(&mut *tx, caller.scope(), holder).await? {
            return Err(AppError::field(
                "contact",
                "No lead of yours has this phone or e-mail.",
            ));
        }
    }
    let lead = link(&mut tx, caller.org_id, conversation, &claim, Proof::Staff).await?;
    db::audit::record(
        &mut *tx,
        db::audit::Event::by(
            caller,
            ip,
            "chat.linked",
            ("conversation", conversation.to_string()),
            serde_json::json!({ "lead": lead }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(lead)
}
