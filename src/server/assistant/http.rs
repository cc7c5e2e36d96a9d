//! One JSON POST to a provider, with the timeout, retries and pauses every provider shares.
//! Retried: 429, 529 and other 5xx, timeouts, connections that fail. Never retried: any
//! other 4xx (a bad key or request stays bad) and an answer that is not JSON.

use super::{AiError, Remote};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use serde_json::Value;
use std::time::Duration;

/// The first pause when the provider does not say how long to wait; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// The pause before retry number `retry` (0 for the first): what `retry-after` asked for,
/// else 500 ms × 2^retry, and never more than `max`.
pub fn backoff(retry: u32, retry_after: Option<Duration>, max: Duration) -> Duration {
    let doubled = || FIRST_BACKOFF.saturating_mul(2u32.saturating_pow(retry));
    retry_after.unwrap_or_else(doubled).min(max)
}

/// `retry-after` as a number of seconds; the HTTP-date form is ignored (we back off instead).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: f64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

/// What a status code that is not a success means.
fn status_error(status: u16) -> AiError {
    match status {
        429 => AiError::RateLimited,
        401 | 403 => AiError::Unauthorized(status),
        500..=599 => AiError::Overloaded(status),
        _ => AiError::Refused(status),
    }
}

/// Header values are marked sensitive so the key never shows in a request's `Debug`.
fn header_map(headers: &[(&'static str, String)]) -> Result<HeaderMap, AiError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        // Only the key comes from settings; one that cannot be a header is a bad key,
        // refused here before anything is sent.
        let mut value = HeaderValue::from_str(value).map_err(|_| AiError::Unauthorized(0))?;
        value.set_sensitive(true);
        map.insert(HeaderName::from_static(name), value);
    }
    Ok(map)
}

/// One attempt: the error and the pause the provider asked for, if it failed.
async fn attempt(
    client: &reqwest::Client,
    url: &str,
    headers: HeaderMap,
    body: &Value,
) -> Result<Value, (AiError, Option<Duration>)> {
    let network = |e: reqwest::Error| match e.is_timeout() {
        true => AiError::Timeout,
        false => AiError::Network(e.without_url().to_string()),
    };
    let response = client
        .post(url)
        .headers(headers)
        .json(body)
        .send()
        .await
        .map_err(|e| (network(e), None))?;
    let status = response.status();
    if !status.is_success() {
        return Err((
            status_error(status.as_u16()),
            retry_after(response.headers()),
        ));
    }
    let bytes = response.bytes().await.map_err(|e| (network(e), None))?;
    // The serde error names a line and column, never the text, so it is safe to log.
    serde_json::from_slice(&bytes).map_err(|e| (AiError::Malformed(e.to_string()), None))
}

/// POSTs `body` as JSON and returns the JSON answer, retrying as the module says. Each
/// attempt, reading the answer included, is bounded by `remote.timeout`.
pub async fn post_json(
    client: &reqwest::Client,
    remote: &Remote,
    url: &str,
    headers: &[(&'static str, String)],
    body: &Value,
) -> Result<Value, AiError> {
    let headers = header_map(headers)?;
    let mut retry = 0;
    loop {
        let outcome =
            tokio::time::timeout(remote.timeout, attempt(client, url, headers.clone(), body))
                .await
                .unwrap_or(Err((AiError::Timeout, None)));
        match outcome {
            Ok(json) => return Ok(json),
            Err((error, asked)) if error.retryable() && retry < remote.retries => {
                let pause = backoff(retry, asked, remote.max_backoff);
                tracing::warn!(%error, retry = retry + 1, ?pause, "AI provider call retried");
                tokio::time::sleep(pause).await;
                retry += 1;
            }
            Err((error, _)) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Duration = Duration::from_secs(10);

    #[test]
    fn without_retry_after_the_pause_doubles_from_half_a_second() {
        let pauses: Vec<_> = (0..4).map(|n| backoff(n, None, MAX)).collect();
        let ms: Vec<u128> = pauses.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [500, 1000, 2000, 4000]);
    }

    #[test]
    fn retry_after_is_honoured_over_the_doubling() {
        assert_eq!(
            backoff(3, Some(Duration::from_secs(1)), MAX),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn no_pause_is_longer_than_the_maximum() {
        let max = Duration::from_millis(50);
        assert_eq!(backoff(0, None, max), max);
        assert_eq!(backoff(40, None, max), max);
        assert_eq!(backoff(0, Some(Duration::from_secs(120)), max), max);
    }

    #[test]
    fn retry_after_is_read_as_seconds_and_dates_are_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("-1"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn statuses_map_to_errors_that_say_whether_to_retry() {
        assert_eq!(status_error(429), AiError::RateLimited);
        assert_eq!(status_error(529), AiError::Overloaded(529));
        assert_eq!(status_error(503), AiError::Overloaded(503));
        assert_eq!(status_error(401), AiError::Unauthorized(401));
        assert_eq!(status_error(403), AiError::Unauthorized(403));
        assert_eq!(status_error(400), AiError::Refused(400));
        assert!(status_error(529).retryable() && status_error(429).retryable());
        assert!(!status_error(401).retryable() && !status_error(400).retryable());
    }

    #[test]
    fn a_key_that_cannot_be_a_header_is_refused_before_sending() {
        let headers = [("x-api-key", "sk\nsecret".to_string())];
        assert_eq!(header_map(&headers).unwrap_err(), AiError::Unauthorized(0));
    }
}
