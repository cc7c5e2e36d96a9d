//! A local OpenAI-compatible Chat Completions server for the assistant's tests: it answers
//! every request the same way and counts them.
#![allow(dead_code)]

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{routing::post, Json, Router};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub enum Reply {
    /// A plain text answer (no tool call).
    Text(String),
    /// Tool calls: a steady insight (a question, sure of it, nothing found) and this reply.
    Tool(String),
    /// An error status.
    Status(u16),
}

impl Reply {
    pub fn text(body: &str) -> Reply {
        Reply::Text(body.into())
    }
    pub fn tool(body: &str) -> Reply {
        Reply::Tool(body.into())
    }
    pub fn status(code: u16) -> Reply {
        Reply::Status(code)
    }
}

pub struct Stub {
    addr: std::net::SocketAddr,
    count: Arc<AtomicUsize>,
}

impl Stub {
    pub async fn start(reply: Reply) -> Stub {
        let count = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route("/v1/chat/completions", post(answer))
            .with_state((reply, count.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Stub { addr, count }
    }

    /// The base URL an organisation's settings name.
    pub fn base(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

async fn answer(
    State((reply, count)): State<(Reply, Arc<AtomicUsize>)>,
    Json(request): Json<Value>,
) -> Response {
    count.fetch_add(1, Ordering::SeqCst);
    let tool = request["tool_choice"]["function"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let message = match reply {
        Reply::Status(code) => {
            return (
                StatusCode::from_u16(code).unwrap(),
                "{\"error\":{\"message\":\"boom\"}}",
            )
                .into_response()
        }
        Reply::Text(body) => json!({ "role": "assistant", "content": body }),
        Reply::Tool(body) => {
            let arguments = match tool.as_str() {
                "record_insight" => json!({
                    "intent": "question", "score": 40, "confidence": 90,
                    "reasons": [{ "label": "Asked a question", "points": 10 }],
                    "summary": ["The customer asked a question."], "facts": {}
                }),
                _ => json!({ "body": body, "handoff": null, "confidence": 90 }),
            };
            json!({ "role": "assistant", "content": null, "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": { "name": tool, "arguments": arguments.to_string() }
            }]})
        }
    };
    Json(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "stub-model",
        "choices": [{ "index": 0, "message": message, "finish_reason": "stop" }],
        "usage": { "prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19 }
    }))
    .into_response()
}
