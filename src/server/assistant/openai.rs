//! OpenAI Chat Completions (`POST {base}/chat/completions`), which self-hosted compatible
//! servers also speak: give them their own base URL. The tool is forced as a function call
//! whose `arguments` arrive as a JSON string.

use super::prompt::{self, Answer, Raw, Tool};
use super::{http, AiError, Answered, Assistant, Context, Remote};
use crate::model::{Draft, Insight};
use serde_json::{json, Value};

pub const BASE_URL: &str = "https://api.openai.com/v1";
pub const MODEL: &str = "gpt-4o-mini";

/// `Debug` shows the key redacted (see `Remote`).
#[derive(Debug, Clone)]
pub struct OpenAi {
    pub remote: Remote,
    pub http: reqwest::Client,
}

/// The request body for one forced function call.
fn request(remote: &Remote, system: String, context: &Context, tool: &Tool) -> Value {
    let turns = prompt::messages(&context.turns)
        .into_iter()
        .map(|m| json!({ "role": m.role, "content": m.content }));
    let messages: Vec<Value> = std::iter::once(json!({ "role": "system", "content": system }))
        .chain(turns)
        .collect();
    let function = json!({
        "name": tool.name,
        "description": tool.description,
        "parameters": tool.schema,
    });
    json!({
        "model": remote.model,
        "messages": messages,
        "tools": [{ "type": "function", "function": function }],
        "tool_choice": { "type": "function", "function": { "name": tool.name } },
    })
}

fn tokens(value: &Value) -> i32 {
    value
        .as_i64()
        .map_or(0, |n| n.clamp(0, i64::from(i32::MAX)) as i32)
}

/// The first tool call's arguments if there is one, else the message's text.
fn read(response: &Value, remote: &Remote) -> Result<Raw, AiError> {
    let message = &response["choices"][0]["message"];
    if !message.is_object() {
        return Err(AiError::Malformed("no message in the answer".into()));
    }
    let answer = match &message["tool_calls"][0]["function"]["arguments"] {
        Value::String(arguments) => Answer::Tool(
            serde_json::from_str(arguments)
                .map_err(|e| AiError::Malformed(format!("the tool arguments are not JSON: {e}")))?,
        ),
        // Some compatible servers send the arguments as an object already.
        arguments @ Value::Object(_) => Answer::Tool(arguments.clone()),
        _ => Answer::Text(message["content"].as_str().unwrap_or_default().to_string()),
    };
    Ok(Raw {
        answer,
        model: response["model"]
            .as_str()
            .unwrap_or(&remote.model)
            .to_string(),
        tokens_in: tokens(&response["usage"]["prompt_tokens"]),
        tokens_out: tokens(&response["usage"]["completion_tokens"]),
    })
}

impl OpenAi {
    async fn call(&self, system: String, context: &Context, tool: Tool) -> Result<Raw, AiError> {
        let url = format!(
            "{}/chat/completions",
            self.remote.base_url.trim_end_matches('/')
        );
        // A self-hosted server may need no key; sending an empty Bearer would be refused.
        let headers: Vec<(&'static str, String)> = match self.remote.api_key.is_empty() {
            true => Vec::new(),
            false => vec![("authorization", format!("Bearer {}", self.remote.api_key))],
        };
        let body = request(&self.remote, system, context, &tool);
        let response = http::post_json(&self.http, &self.remote, &url, &headers, &body).await?;
        read(&response, &self.remote)
    }
}

impl Assistant for OpenAi {
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
            api_key: "sk-secret".into(),
            model: MODEL.into(),
            timeout: Remote::TIMEOUT,
            retries: Remote::RETRIES,
            max_backoff: Remote::MAX_BACKOFF,
        }
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let adapter = OpenAi {
            remote: remote(),
            http: reqwest::Client::new(),
        };
        let shown = format!("{adapter:?}");
        assert!(
            !shown.contains("sk-secret") && shown.contains("[redacted]"),
            "{shown}"
        );
    }

    #[test]
    fn arguments_are_read_from_a_string_or_an_object() {
        let call = |arguments: Value| json!({ "choices": [{ "message": { "tool_calls": [{ "function": { "arguments": arguments } }] } }] });
        let expected = Answer::Tool(json!({ "body": "Hi" }));
        let from_string = read(&call(json!(r#"{"body":"Hi"}"#)), &remote()).unwrap();
        let from_object = read(&call(json!({ "body": "Hi" })), &remote()).unwrap();
        assert_eq!(
            (from_string.answer, from_object.answer),
            (expected.clone(), expected)
        );
        assert_eq!(from_string.model, MODEL);
    }

    #[test]
    fn arguments_that_are_not_json_or_no_choice_are_malformed() {
        let bad = json!({ "choices": [{ "message": { "tool_calls": [{ "function": { "arguments": "{body" } }] } }] });
        assert!(matches!(read(&bad, &remote()), Err(AiError::Malformed(_))));
        assert!(matches!(
            read(&json!({ "choices": [] }), &remote()),
            Err(AiError::Malformed(_))
        ));
    }
}
