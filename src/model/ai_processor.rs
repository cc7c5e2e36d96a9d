//! The AI service that reads a person's messages for an organisation, as its public privacy
//! page names it: a remote provider is a processor the person has a right to know of.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AiProcessor {
    /// The built-in assistant, also while fallen back from a failing provider.
    BuiltIn,
    /// The Anthropic Messages API; `via` names the host when it is not Anthropic's own.
    Anthropic { via: Option<String> },
    /// An OpenAI-compatible Chat Completions service, by its host.
    OpenAiCompatible { host: String },
}

impl AiProcessor {
    /// The line of the privacy page.
    pub fn describe(&self) -> String {
        match self {
            AiProcessor::BuiltIn => "AI assistant: built into ConsentDesk. It processes nothing outside ConsentDesk; your messages are not sent to any other AI service.".into(),
            AiProcessor::Anthropic { via: None } => "AI assistant: Anthropic (Messages API)".into(),
            AiProcessor::Anthropic { via: Some(host) } => {
                format!("AI assistant: Anthropic (Messages API) through {host}")
            }
            AiProcessor::OpenAiCompatible { host } => {
                format!("AI assistant: OpenAI-compatible service at {host}")
            }
        }
    }

    /// Whether messages leave ConsentDesk for this service.
    pub fn is_remote(&self) -> bool {
        !matches!(self, AiProcessor::BuiltIn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_processor_is_named_as_the_privacy_page_says_it() {
        let anthropic = AiProcessor::Anthropic { via: None };
        let openai = AiProcessor::OpenAiCompatible {
            host: "llm.example.com".into(),
        };
        assert_eq!(
            anthropic.describe(),
            "AI assistant: Anthropic (Messages API)"
        );
        assert_eq!(
            openai.describe(),
            "AI assistant: OpenAI-compatible service at llm.example.com"
        );
        assert!(AiProcessor::BuiltIn
            .describe()
            .contains("nothing outside ConsentDesk"));
        assert!(anthropic.is_remote() && openai.is_remote() && !AiProcessor::BuiltIn.is_remote());
    }
}
