//! The remote AI providers (Anthropic Messages, OpenAI-compatible Chat Completions) against
//! a local stub that speaks each wire format, answers from a script and records requests.
//! Every behaviour runs once per provider (`anthropic::…`, `openai::…`); no database.
#![cfg(feature = "ssr")]

use axum::{body::Bytes, extract::State, http::HeaderMap, response::IntoResponse, Router};
use consentdesk::model::Draft;
use consentdesk::model::{Channel, Handoff, Insight, LeadIntent};
use consentdesk::rules::assistant::{Store, Turn};
use consentdesk::server::assistant::anthropic::Anthropic;
use consentdesk::server::assistant::openai::OpenAi;
use consentdesk::server::assistant::{AiError, Answered, Assistant, Context, Remote};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One scripted answer; the last one repeats once the script runs out.
#[derive(Clone)]
struct Scripted {
    status: u16,
    body: String,
    retry_after: Option<&'static str>,
    delay: Duration,
}

fn ok(body: String) -> Scripted {
    Scripted {
        status: 200,
        body,
        retry_after: None,
        delay: Duration::ZERO,
    }
}

fn status(status: u16) -> Scripted {
    ok(json!({ "error": { "type": "stub", "message": "no" } }).to_string()).with_status(status)
}

impl Scripted {
    fn with_status(self, status: u16) -> Self {
        Scripted { status, ..self }
    }
}

/// One request the stub received.
struct Seen {
    path: String,
    headers: HeaderMap,
    body: Value,
    at: Instant,
}

#[derive(Clone)]
struct Stub {
    script: Arc<Vec<Scripted>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Stub {
    fn seen(&self) -> std::sync::MutexGuard<'_, Vec<Seen>> {
        self.seen.lock().unwrap()
    }
}

async fn answer(
    State(stub): State<Stub>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let n = {
        let mut seen = stub.seen();
        let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
        seen.push(Seen {
            path: uri.path().to_string(),
            headers,
            body,
            at: Instant::now(),
        });
        seen.len() - 1
    };
    let scripted = stub.script[n.min(stub.script.len() - 1)].clone();
    tokio::time::sleep(scripted.delay).await;
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    if let Some(seconds) = scripted.retry_after {
        headers.insert("retry-after", seconds.parse().unwrap());
    }
    (
        axum::http::StatusCode::from_u16(scripted.status).unwrap(),
        headers,
        scripted.body,
    )
}

async fn serve(script: Vec<Scripted>) -> (String, Stub) {
    let stub = Stub {
        script: Arc::new(script),
        seen: Arc::default(),
    };
    let app = Router::new().fallback(answer).with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, stub)
}

const KEY: &str = "sk-test-secret";

/// What differs between the two providers, as the tests see it.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Anthropic,
    OpenAi,
}

impl Kind {
    /// The OpenAI base carries its `/v1`, as a self-hosted compatible server's would.
    fn base(self, stub: &str) -> String {
        match self {
            Kind::Anthropic => stub.to_string(),
            Kind::OpenAi => format!("{stub}/v1"),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Kind::Anthropic => "/v1/messages",
            Kind::OpenAi => "/v1/chat/completions",
        }
    }

    /// Anthropic says it is overloaded with 529; OpenAI with 503.
    fn overloaded(self) -> u16 {
        match self {
            Kind::Anthropic => 529,
            Kind::OpenAi => 503,
        }
    }

    fn tool_call(self, name: &str, input: Value) -> Scripted {
        ok(match self {
            Kind::Anthropic => json!({
                "id": "msg_1", "type": "message", "role": "assistant", "model": "stub-model-1",
                "content": [{ "type": "tool_use", "id": "toolu_1", "name": name, "input": input }],
                "stop_reason": "tool_use",
                "usage": { "input_tokens": 321, "output_tokens": 45 }
            }),
            Kind::OpenAi => json!({
                "id": "chatcmpl-1", "object": "chat.completion", "model": "stub-model-1",
                "choices": [{ "index": 0, "finish_reason": "tool_calls", "message": {
                    "role": "assistant", "content": null,
                    "tool_calls": [{ "id": "call_1", "type": "function",
                        "function": { "name": name, "arguments": input.to_string() } }]
                } }],
                "usage": { "prompt_tokens": 321, "completion_tokens": 45, "total_tokens": 366 }
            }),
        }
        .to_string())
    }

    fn text(self, text: &str) -> Scripted {
        ok(match self {
            Kind::Anthropic => json!({
                "model": "stub-model-1", "content": [{ "type": "text", "text": text }],
                "usage": { "input_tokens": 10, "output_tokens": 7 }
            }),
            Kind::OpenAi => json!({
                "model": "stub-model-1",
                "choices": [{ "message": { "role": "assistant", "content": text } }],
                "usage": { "prompt_tokens": 10, "completion_tokens": 7 }
            }),
        }
        .to_string())
    }

    async fn insight(self, remote: Remote) -> Result<Answered<Insight>, AiError> {
        let http = reqwest::Client::new();
        match self {
            Kind::Anthropic => Anthropic { remote, http }.insight(&context()).await,
            Kind::OpenAi => OpenAi { remote, http }.insight(&context()).await,
        }
    }

    async fn reply(self, remote: Remote) -> Result<Answered<Draft>, AiError> {
        let http = reqwest::Client::new();
        let insight = insight_read();
        match self {
            Kind::Anthropic => Anthropic { remote, http }.reply(&context(), &insight).await,
            Kind::OpenAi => OpenAi { remote, http }.reply(&context(), &insight).await,
        }
    }
}

/// Short pauses so the suite stays fast; one test widens `max_backoff` for `retry-after`.
fn remote(kind: Kind, stub: &str) -> Remote {
    Remote {
        base_url: kind.base(stub),
        api_key: KEY.into(),
        model: "test-model".into(),
        timeout: Duration::from_secs(5),
        retries: 2,
        max_backoff: Duration::from_millis(20),
    }
}

/// The store writes first and the customer twice in a row: the roles must still alternate.
fn context() -> Context {
    let turn = |customer, text: &str| Turn {
        customer,
        text: text.into(),
    };
    Context {
        org_id: uuid::Uuid::nil(),
        conversation_id: uuid::Uuid::nil(),
        store: Store {
            name: "North Motors".into(),
            hours: "Mon–Sat 9 am–7 pm".into(),
        },
        channel: Channel::Sms,
        turns: vec![
            turn(false, "Thanks for your interest in the Civic."),
            turn(true, "Is it still available?"),
            turn(true, "I could come Saturday."),
            turn(false, "It is. Saturday works."),
            turn(true, "Can I trade in my 2015 Corolla?"),
        ],
        first_name: Some("Ana".into()),
    }
}

fn insight_input() -> Value {
    json!({
        "intent": "trade_in", "score": 82, "confidence": 77,
        "reasons": [{ "label": "Wants to visit Saturday", "points": 30 }],
        "summary": ["Interested in the Civic", "Has a 2015 Corolla to trade"],
        "facts": { "vehicle": "Civic", "trade_in": "2015 Corolla", "preferred_time": "Saturday" }
    })
}

fn insight_read() -> Insight {
    let mut insight = serde_json::from_value::<Insight>(insight_input()).unwrap();
    insight.confidence = 61;
    insight
}

fn header<'a>(seen: &'a Seen, name: &str) -> &'a str {
    seen.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn a_plain_text_answer_becomes_the_reply_body(kind: Kind) {
    let (base, stub) = serve(vec![kind.text("We open at 9 on Saturday.")]).await;

    let draft = kind.reply(remote(kind, &base)).await.unwrap();

    assert_eq!(draft.value.body, "We open at 9 on Saturday.");
    assert_eq!((draft.value.handoff, draft.value.confidence), (None, 61));
    assert_eq!((draft.tokens_in, draft.tokens_out), (10, 7));
    assert_eq!(stub.seen().len(), 1);
}

async fn a_plain_text_answer_is_no_insight(kind: Kind) {
    let (base, _stub) = serve(vec![kind.text("They want a Civic.")]).await;

    let insight = kind.insight(remote(kind, &base)).await;

    assert!(matches!(insight, Err(AiError::Malformed(_))), "{insight:?}");
}

async fn a_tool_call_is_read_into_an_insight_with_its_tokens(kind: Kind) {
    let (base, stub) = serve(vec![kind.tool_call("record_insight", insight_input())]).await;

    let answered = kind.insight(remote(kind, &base)).await.unwrap();

    let insight = answered.value;
    assert_eq!(
        (insight.intent, insight.score, insight.confidence),
        (LeadIntent::TradeIn, 82, 77)
    );
    assert_eq!(insight.reasons[0].points, 30);
    assert_eq!(insight.summary.len(), 2);
    assert_eq!(insight.facts.trade_in.as_deref(), Some("2015 Corolla"));
    assert_eq!(
        (
            answered.model.as_str(),
            answered.tokens_in,
            answered.tokens_out
        ),
        ("stub-model-1", 321, 45)
    );
    assert_eq!(stub.seen()[0].path, kind.path());
}

async fn a_tool_call_is_read_into_a_draft(kind: Kind) {
    let input = json!({ "body": "  A person will confirm the trade-in value.  ", "handoff": "commitment", "confidence": 88 });
    let (base, _stub) = serve(vec![kind.tool_call("reply", input)]).await;

    let draft = kind.reply(remote(kind, &base)).await.unwrap();

    assert_eq!(
        draft.value.body,
        "A person will confirm the trade-in value."
    );
    assert_eq!(
        (draft.value.handoff, draft.value.confidence),
        (Some(Handoff::Commitment), 88)
    );
    assert_eq!((draft.tokens_in, draft.tokens_out), (321, 45));
}

async fn the_request_forces_the_tool_with_the_system_prompt_and_alternating_roles(kind: Kind) {
    let (base, stub) =
        serve(vec![kind.tool_call(
            "reply",
            json!({ "body": "Yes", "confidence": 90 }),
        )])
        .await;

    kind.reply(remote(kind, &base)).await.unwrap();

    let seen = stub.seen();
    let body = &seen[0].body;
    assert_eq!(body["model"], "test-model");
    let (system, turns, tool) = match kind {
        Kind::Anthropic => {
            assert_eq!(
                body["tool_choice"],
                json!({ "type": "tool", "name": "reply" })
            );
            assert!(body["max_tokens"].as_u64().is_some());
            (
                body["system"].as_str().unwrap(),
                body["messages"].as_array().unwrap().clone(),
                &body["tools"][0],
            )
        }
        Kind::OpenAi => {
            assert_eq!(
                body["tool_choice"],
                json!({ "type": "function", "function": { "name": "reply" } })
            );
            let messages = body["messages"].as_array().unwrap();
            assert_eq!(messages[0]["role"], "system");
            assert_eq!(body["tools"][0]["type"], "function");
            (
                messages[0]["content"].as_str().unwrap(),
                messages[1..].to_vec(),
                &body["tools"][0]["function"],
            )
        }
    };
    assert!(
        system.contains("North Motors") && system.contains("Never promotional"),
        "{system}"
    );
    assert_eq!(tool["name"], "reply");
    let roles: Vec<&str> = turns.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant", "user"]);
    assert!(turns[2]["content"]
        .as_str()
        .unwrap()
        .contains("I could come Saturday."));
}

async fn the_key_travels_in_the_providers_header(kind: Kind) {
    let (base, stub) = serve(vec![kind.text("Hi")]).await;

    kind.reply(remote(kind, &base)).await.unwrap();

    let seen = &stub.seen()[0];
    assert!(header(seen, "content-type").starts_with("application/json"));
    match kind {
        Kind::Anthropic => {
            assert_eq!(header(seen, "x-api-key"), KEY);
            assert_eq!(header(seen, "anthropic-version"), "2023-06-01");
            assert_eq!(header(seen, "authorization"), "");
        }
        Kind::OpenAi => {
            assert_eq!(header(seen, "authorization"), format!("Bearer {KEY}"));
            assert_eq!(header(seen, "x-api-key"), "");
        }
    }
}

async fn a_429_waits_as_long_as_retry_after_asks_then_succeeds(kind: Kind) {
    let limited = Scripted {
        retry_after: Some("1"),
        ..status(429)
    };
    let (base, stub) = serve(vec![limited, kind.text("Back again")]).await;
    let remote = Remote {
        max_backoff: Duration::from_secs(5),
        ..remote(kind, &base)
    };

    let draft = kind.reply(remote).await.unwrap();

    assert_eq!(draft.value.body, "Back again");
    let seen = stub.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
}

async fn an_overloaded_provider_is_retried_twice_then_given_up(kind: Kind) {
    let (base, stub) = serve(vec![status(kind.overloaded())]).await;

    let insight = kind.insight(remote(kind, &base)).await;

    assert_eq!(insight.unwrap_err(), AiError::Overloaded(kind.overloaded()));
    assert_eq!(stub.seen().len(), 3);
}

async fn a_refused_key_is_not_retried(kind: Kind) {
    let (base, stub) = serve(vec![status(401)]).await;

    let insight = kind.insight(remote(kind, &base)).await;

    assert_eq!(insight.unwrap_err(), AiError::Unauthorized(401));
    assert_eq!(stub.seen().len(), 1);
}

async fn an_answer_that_is_not_json_is_malformed_and_not_retried(kind: Kind) {
    let (base, stub) = serve(vec![ok("<html>oops</html>".into())]).await;

    let insight = kind.insight(remote(kind, &base)).await;

    assert!(matches!(insight, Err(AiError::Malformed(_))), "{insight:?}");
    assert_eq!(stub.seen().len(), 1);
}

async fn a_slow_answer_times_out_on_every_attempt(kind: Kind) {
    let slow = Scripted {
        delay: Duration::from_secs(2),
        ..kind.text("too late")
    };
    let (base, stub) = serve(vec![slow]).await;
    let remote = Remote {
        timeout: Duration::from_millis(300),
        ..remote(kind, &base)
    };
    let started = Instant::now();

    let draft = kind.reply(remote).await;

    assert_eq!(draft.unwrap_err(), AiError::Timeout);
    assert_eq!(stub.seen().len(), 3);
    assert!(
        started.elapsed() < Duration::from_millis(1800),
        "{:?}",
        started.elapsed()
    );
}

/// Each behaviour above, once per provider.
macro_rules! for_each_provider {
    ($($test:ident),+ $(,)?) => {
        mod anthropic {
            $(#[tokio::test] async fn $test() { super::$test(super::Kind::Anthropic).await })+
        }
        mod openai {
            $(#[tokio::test] async fn $test() { super::$test(super::Kind::OpenAi).await })+
        }
    };
}

for_each_provider!(
    a_plain_text_answer_becomes_the_reply_body,
    a_plain_text_answer_is_no_insight,
    a_tool_call_is_read_into_an_insight_with_its_tokens,
    a_tool_call_is_read_into_a_draft,
    the_request_forces_the_tool_with_the_system_prompt_and_alternating_roles,
    the_key_travels_in_the_providers_header,
    a_429_waits_as_long_as_retry_after_asks_then_succeeds,
    an_overloaded_provider_is_retried_twice_then_given_up,
    a_refused_key_is_not_retried,
    an_answer_that_is_not_json_is_malformed_and_not_retried,
    a_slow_answer_times_out_on_every_attempt,
);
