//! The inbox: who may open and answer what, blocked sends, web chat, live events.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::chat::{ChatLines, ChatSend, StartChat};
use consentdesk::api::conversations::{
    AssignConversation, GetThread, ListConversations, SendReply, SetConversationStatus,
};
use consentdesk::error::AppError;
use consentdesk::model::{ChatView, ConversationRow, ConversationStatus, InboxQuery, Role};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

/// `two_stores` with a manager in "south" too, and a customer who texted north.
async fn inbox(pool: &PgPool) -> (TestApp, Uuid) {
    let app = two_stores(pool).await;
    user(pool, "south", "boss@south.example", Role::Manager).await;
    text_north(&app, "SM1", "+14155550100", "Hi, is the F-150 in stock?").await;
    let id = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_one(pool)
        .await
        .unwrap();
    (app, id)
}

fn thread(id: Uuid) -> GetThread {
    GetThread {
        id,
        before: String::new(),
    }
}

fn reply(id: Uuid, body: &str, category: &str) -> SendReply {
    SendReply {
        ai_assisted: Default::default(),
        id,
        body: body.into(),
        category: category.into(),
    }
}

fn chat_lines() -> ChatLines {
    ChatLines {
        org: "north".into(),
    }
}

#[sqlx::test]
async fn an_agent_cannot_open_or_answer_a_conversation_assigned_to_another_agent(pool: PgPool) {
    let (app, id) = inbox(&pool).await;
    let bo: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'bo@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    let to_bo = AssignConversation {
        id,
        assignee: bo.to_string(),
    };
    manager.run(to_bo).await.unwrap();
    let mut ana = app.signed_in("ana@north.example").await;

    let query = InboxQuery::default();
    let list = ana.run(ListConversations { query }).await.unwrap();
    let open = ana.run(thread(id)).await;
    let reply = ana.run(reply(id, "Mine now", "conversational")).await;

    assert_eq!(list.rows.len(), 0);
    assert_eq!(open.map(|_| ()), Err(AppError::NotFound));
    assert_eq!(reply, Err(AppError::NotFound));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE direction = 'outbound'"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn another_organisation_cannot_see_or_answer_the_conversation(pool: PgPool) {
    let (app, id) = inbox(&pool).await;
    let mut south = app.signed_in("boss@south.example").await;

    let open = south.run(thread(id)).await.map(|_| ());
    let reply = south
        .run(reply(id, "Hello", "conversational"))
        .await
        .map(|_| ());
    let resolve = SetConversationStatus {
        id,
        status: "resolved".into(),
    };
    let resolve = south.run(resolve).await;

    for result in [open, reply, resolve] {
        assert_eq!(result, Err(AppError::NotFound));
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE direction = 'outbound'"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn a_reply_is_queued_and_the_unassigned_conversation_becomes_the_agents(pool: PgPool) {
    let (app, id) = inbox(&pool).await;
    let mut ana = app.signed_in("ana@north.example").await;

    let blocked = ana
        .run(reply(id, "Yes! Want to come by?", "conversational"))
        .await;

    assert_eq!(blocked, Ok(None));
    assert_eq!(count(&pool, "SELECT count(*) FROM outbox").await, 1);
    // A conversation's assignee is its lead's.
    let assignee: String = sqlx::query_scalar(
        "SELECT u.email FROM conversations c JOIN leads l ON l.id = c.lead_id JOIN users u ON u.id = l.assigned_to",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(assignee, "ana@north.example");
}

#[sqlx::test]
async fn a_send_without_consent_is_stored_as_blocked_with_the_reason_and_never_queued(
    pool: PgPool,
) {
    let (app, id) = inbox(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;

    let blocked = manager
        .run(reply(id, "20% off this weekend!", "promotional"))
        .await
        .unwrap();

    assert!(blocked.unwrap().contains("written consent"));
    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "SELECT status::text, status_reason FROM messages WHERE direction = 'outbound'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "blocked");
    assert!(reason.is_some());
    assert_eq!(count(&pool, "SELECT count(*) FROM outbox").await, 0);
}

#[sqlx::test]
async fn compliance_officers_read_conversations_but_never_send(pool: PgPool) {
    let (app, id) = inbox(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;

    let open = compliance.run(thread(id)).await;
    let reply = compliance.run(reply(id, "Hi", "conversational")).await;

    assert!(open.is_ok(), "{open:?}");
    assert_eq!(reply, Err(AppError::Forbidden));
}

#[sqlx::test]
async fn opening_a_thread_marks_it_read_and_is_audited(pool: PgPool) {
    let (app, id) = inbox(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;

    let opened = manager.run(thread(id)).await.unwrap();

    assert_eq!(opened.messages[0].body, "Hi, is the F-150 in stock?");
    assert_eq!(
        count(&pool, "SELECT unread_count::bigint FROM conversations").await,
        0
    );
    // The page refetches as messages arrive: one view is recorded, not one per refresh.
    manager.run(thread(id)).await.unwrap();
    let mut compliance = app.signed_in("comp@north.example").await;
    compliance.run(thread(id)).await.unwrap();
    let viewers: Vec<(String,)> = sqlx::query_as(
        "SELECT u.email FROM audit_events a JOIN users u ON u.id = a.actor_id
         WHERE a.action = 'conversation.viewed' ORDER BY a.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        viewers,
        [
            ("boss@north.example".to_string(),),
            ("comp@north.example".to_string(),)
        ]
    );
}

#[sqlx::test]
async fn a_web_chat_visitor_and_an_agent_exchange_messages(pool: PgPool) {
    let (app, _) = inbox(&pool).await;
    let mut visitor = app.client();
    // The chat cookie is the visitor's only key: sent raw, to read it.
    let started = visitor
        .call(
            "start_chat",
            &[
                ("org", "north"),
                ("name", "Vera Visitor"),
                ("contact", "vera@x.example"),
            ],
        )
        .await;
    assert_eq!(started.status(), StatusCode::OK);
    let cookie = started.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(started.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly"));
    visitor.cookie = Some(cookie);

    let said = ChatSend {
        org: "north".into(),
        body: "Do you have winter tyres?".into(),
    };
    visitor.run(said).await.unwrap();
    let chat: Uuid = sqlx::query_scalar("SELECT id FROM conversations WHERE channel = 'chat'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut ana = app.signed_in("ana@north.example").await;
    let answered = ana
        .run(reply(chat, "We do, from $89.", "conversational"))
        .await;
    let view: Option<ChatView> = visitor.run(chat_lines()).await.unwrap();

    assert!(answered.is_ok(), "{answered:?}");
    let lines = view.unwrap().lines;
    let bodies: Vec<&str> = lines.iter().map(|l| l.body.as_str()).collect();
    assert_eq!(bodies, ["Do you have winter tyres?", "We do, from $89."]);
    assert!(lines[0].from_visitor);

    // Someone else claiming the same e-mail starts afresh and sees none of it.
    let mut impostor = chat_visitor(&app, "north", "Not Vera", "vera@x.example").await;
    let seen = impostor.run(chat_lines()).await.unwrap();
    assert_eq!(seen.unwrap().lines.len(), 0);
}

#[sqlx::test]
async fn a_chat_needs_a_name_and_a_way_to_answer(pool: PgPool) {
    let (app, _) = inbox(&pool).await;

    let start = StartChat {
        org: "north".into(),
        name: "".into(),
        contact: "".into(),
    };
    let result = app.client().run(start).await;

    let Err(AppError::Validation(fields)) = result else {
        panic!("not a validation error: {result:?}")
    };
    assert!(fields.get("name").is_some() && fields.get("contact").is_some());
}

#[sqlx::test]
async fn an_inbound_message_is_pushed_to_open_pages_of_the_organisation(pool: PgPool) {
    let (app, _) = inbox(&pool).await;
    let manager = app.signed_in("boss@north.example").await;
    let mut events = reqwest::Client::new()
        .get(format!("{}/events", app.base))
        .header("cookie", manager.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);

    app.twilio(
        "north",
        "sms",
        "tok",
        &[
            ("MessageSid", "SM2"),
            ("From", "+14155550177"),
            ("Body", "New here"),
        ],
    )
    .await;

    let new_conversation: Uuid = sqlx::query_scalar("SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = '+14155550177'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let received = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let mut text = String::new();
        while let Some(chunk) = events.chunk().await.unwrap() {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains(&new_conversation.to_string()) {
                return text;
            }
        }
        text
    })
    .await
    .expect("an event arrived in time");
    assert!(received.contains("event: conversation"));
}

/// Lists the inbox the way the page does, following every "next page" link.
async fn whole_inbox(
    client: &mut Client,
    view: &str,
    status: &str,
    channel: &str,
) -> Vec<ConversationRow> {
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let query = InboxQuery {
            view: view.into(),
            status: status.into(),
            channel: channel.into(),
            cursor,
        };
        let page = client.run(ListConversations { query }).await.unwrap();
        rows.extend(page.rows);
        match page.next_cursor {
            Some(next) => cursor = next,
            None => return rows,
        }
    }
}

#[sqlx::test]
async fn inbox_filters_and_keyset_pages_show_each_conversation_once(pool: PgPool) {
    let (app, _) = inbox(&pool).await;
    consentdesk::server::seed::seed_bulk(&pool, "north", 130)
        .await
        .unwrap();
    consentdesk::server::seed::seed_messages(&pool, "north", 2600)
        .await
        .unwrap();
    sqlx::query("UPDATE conversations SET status = 'resolved' WHERE id IN (SELECT id FROM conversations ORDER BY id LIMIT 7)")
        .execute(&pool)
        .await
        .unwrap();
    let total = count(&pool, "SELECT count(*) FROM conversations").await;
    assert!(total > 100, "more than two pages: {total}");
    let mut manager = app.signed_in("boss@north.example").await;
    let mut agent = app.signed_in("ana@north.example").await;
    let ana: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ana@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();

    let everything = whole_inbox(&mut manager, "", "", "").await;
    let unassigned = whole_inbox(&mut manager, "unassigned", "", "").await;
    let resolved = whole_inbox(&mut manager, "", "resolved", "sms").await;
    let voice = whole_inbox(&mut manager, "", "", "voice").await;
    let mine = whole_inbox(&mut agent, "mine", "", "").await;
    let agent_sees = whole_inbox(&mut agent, "", "", "").await;

    let ids: std::collections::HashSet<Uuid> = everything.iter().map(|r| r.id).collect();
    assert_eq!(
        (everything.len(), ids.len()),
        (total as usize, total as usize)
    );
    let times: Vec<_> = everything.iter().map(|r| r.last_activity_at).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest activity first"
    );
    assert_eq!(
        unassigned.len() as i64,
        count(
            &pool,
            "SELECT count(*) FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.assigned_to IS NULL"
        )
        .await
    );
    assert!(unassigned.iter().all(|r| r.assigned_to.is_none()));
    assert_eq!(resolved.len(), 7);
    assert!(resolved
        .iter()
        .all(|r| r.status == ConversationStatus::Resolved));
    assert!(voice.is_empty());
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|r| r.assigned_to == Some(ana)));
    assert!(agent_sees
        .iter()
        .all(|r| r.assigned_to.is_none() || r.assigned_to == Some(ana)));
}

#[sqlx::test]
async fn a_thread_shows_replies_the_outbox_is_sending_or_lost_track_of(pool: PgPool) {
    let (app, id) = inbox(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    for body in ["first", "second"] {
        manager
            .run(reply(id, body, "conversational"))
            .await
            .unwrap();
    }
    // What the outbox worker leaves behind: one in the carrier's hands, one lost track of.
    sqlx::query(
        "UPDATE messages SET status = CASE body WHEN 'first' THEN 'sending' ELSE 'unknown' END::delivery_status
         WHERE body IN ('first', 'second')",
    )
    .execute(&pool)
    .await
    .unwrap();

    let shown = manager.run(thread(id)).await.unwrap();

    let statuses: Vec<_> = shown.messages.iter().map(|m| m.status.as_str()).collect();
    assert!(statuses.contains(&"sending"), "{statuses:?}");
    assert!(statuses.contains(&"unknown"), "{statuses:?}");
}
