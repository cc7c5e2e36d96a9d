//! The Anthropic Messages API (`POST /v1/messages`): the tool is forced with `tool_choice`,
//! and its `tool_use` block's `input` is the answer.

use super::prompt::{self, Answer, Raw, Tool};
use super::{http, AiError, Answered, Assistant, Context, Remote};
use crate::model::{Draft, Insight};
use serde_json::{json, Value};

pub const BASE_URL: &str = "https://api.anthropic.com";
pub const MODEL: &str = "claude-sonnet-4-5";
pub const VERSION: &str = "2023-06-01";
/// Enough for either tool's input; a reply is at most 1600 characters.
const MAX_TOKENS: u32 = 1024;

/// `Debug` shows the key redacted (see `Remote`).
#[derive(Debug, Clone)]
pub struct Anthropic {
    pub remote: Remote,
    pub http: reqwest::Client,
}

/// The request body for one forced tool call.
fn request(remote: &Remote, system: String, context: &Context, tool: &Tool) -> Value {
    let messages: Vec<Value> = prompt::messages(&context.turns)
        .into_iter()
        .map(|m| json!({ "role": m.role, "content": m.content }))
        .collect();
    json!({
        "model": remote.model,
        "max_tokens": MAX_TOKENS,
        "system": system,
        "messages": messages,
        "tools": [{ "name": tool.name, "description": tool.description, "input_schema": tool.schema }],
        "tool_choice": { "type": "tool", "name": tool.name },
    })
}

fn tokens(value: &Value) -> i32 {
    value
        .as_i64()
        .map_or(0, |n| n.clamp(0, i64::from(i32::MAX)) as i32)
}

/// The `tool_use` block for `tool` if there is one, else the text blocks joined.
fn read(response: &Value, tool: &str, remote: &Remote) -> Result<Raw, AiError> {
    let blocks = response["content"]
        .as_array()
        .ok_or_else(|| AiError::Malformed("no content in the answer".into()))?;
    let called = blocks
        .iter()
        .find(|b| b["type"] == "tool_use" && b["name"] == tool);
    let answer = match called {
        Some(block) => Answer::Tool(block["input"].clone()),
        None => Answer::Text(
            blocks
                .iter()
                .filter(|b| b["type"] == "text")
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    };
    Ok(Raw {
        answer,
        model: response["model"]
            .as_str()
            .unwrap_or(&remote.model)
            .to_string(),
        tokens_in: tokens(&response["usage"]["input_tokens"]),
        tokens_out: tokens(&response["usage"]["output_tokens"]),
    })
}

impl Anthropic {
    async fn call(&self, system: String, context: &Context, tool: Tool) -> Result<Raw, AiError> {
        let url = format!("{}/v1/messages", self.remote.base_url.trim_end_matches('/'));
        let headers = [
            ("x-api-key", self.remote.api_key.clone()),
            ("anthropic-version", VERSION.to_string()),
            ("content-type", "application/json".to_string()),
        ];
        let body = request(&self.remote, system, context, &tool);
        let response = http::post_json(&self.http, &self.remote, &url, &headers, &body).await?;
        read(&response, tool.name, &self.remote)
    }
}

impl Assistant for Anthropic {
    async fn insight(&self, context: &Context) -> Result<Answered<Insight>, AiError> {
        let system = prompt::system(context, None);
        let raw = self.call(system, context, prompt::insight_tool()).await?;
        raw.insight()
    }

    async fn reply(
        &self,
        context: &Context,
        insight: &Insight,
    ) -> Result<Answered<Draft>, AiError> {
        let system = prompt::system(context, Some(insight));
        let raw = self.call(system, context, prompt::reply_tool()).await?;
        raw.draft(insight.confidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote() -> Remote {
        Remote {
            base_url: BASE_URL.into(),
            api_key: "sk-ant-secret".into(),
            model: MODEL.into(),
            timeout: Remote::TIMEOUT,
            retries: Remote::RETRIES,
            max_backoff: Remote::MAX_BACKOFF,
        }
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let adapter = Anthropic {
            remote: remote(),
            http: reqwest::Client::new(),
        };
        let shown = format!("{adapter:?}");
        assert!(
            !shown.contains("sk-ant-secret") && shown.contains("[redacted]"),
            "{shown}"
        );
    }

    #[test]
    fn the_named_tool_block_is_preferred_over_text() {
        let response = json!({
            "model": "claude-x",
            "content": [
                { "type": "text", "text": "Let me record that." },
                { "type": "tool_use", "id": "t1", "name": "reply", "input": { "body": "Hi" } }
            ],
            "usage": { "input_tokens": 12, "output_tokens": 5 }
        });
        let raw = read(&response, "reply", &remote()).unwrap();
        assert_eq!(raw.answer, Answer::Tool(json!({ "body": "Hi" })));
        assert_eq!(
            (raw.model.as_str(), raw.tokens_in, raw.tokens_out),
            ("claude-x", 12, 5)
        );
    }

    #[test]
    fn an_answer_without_content_is_malformed() {
        let read = read(&json!({ "type": "message" }), "reply", &remote());
        assert!(matches!(read, Err(AiError::Malformed(_))));
    }
}
