//! What a provider answers when handed a message: sent (with its id), or why not and
//! whether it may have gone anyway.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub provider_id: String,
    pub simulated: bool,
}

/// Why a send did not complete, and whether the carrier may have the message anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The carrier did not take it (it answered an error, or was never reached): safe to
    /// try again.
    NotSent(String),
    /// The request may have reached the carrier (a timeout, a cut connection, an answer
    /// we could not read): sending again could send it twice.
    Unknown(String),
}

impl SendError {
    /// A request that failed before an answer came back from `who` ("carrier",
    /// "WhatsApp"): only a connection that never opened proves nothing was sent.
    pub fn unreached(who: &str, error: reqwest::Error) -> SendError {
        let connect = error.is_connect();
        let reason = format!("{who} unreachable: {}", error.without_url());
        match connect {
            true => SendError::NotSent(reason),
            false => SendError::Unknown(reason),
        }
    }
}
