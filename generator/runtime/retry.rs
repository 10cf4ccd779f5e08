//! When and how long to wait before sending a request again.
//!
//! # The retry rule
//!
//! Retries are bounded (`max_retries`), spaced by exponential backoff with jitter or by the
//! server's `Retry-After`, and deliberate about side effects:
//!
//! - Idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`, and `QUERY`,
//!   a safe method with a body) are retried after
//!   a connection failure, a timeout, and the statuses 408, 409, 429 and 5xx: sending them
//!   twice does no harm.
//! - Other methods (`POST`, `PATCH`, any other name) are retried only when the server provably did not act on
//!   the request: the connection could not be made (nothing was sent), 429 (rate limited), or
//!   503 with `Retry-After` (the server asks to come back). Never after a timeout, a
//!   connection that broke off once the request was written, or any other status: the server
//!   may have acted on it.
//! - A response header `x-should-retry: true` or `false` overrides the decision for that
//!   response (a convention of Stainless-generated SDKs), still within `max_retries`.
//! - A `Retry-After` over [`MAX_RETRY_AFTER`] ends the call with the error at once.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// A server asking to wait longer than this is not retried: the error is returned at once.
pub(super) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Statuses worth another attempt: 408, 409 (conflict with a concurrent change), 429 and 5xx.
/// Any other 4xx would fail the same way again.
pub(super) fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// How an attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(super) enum Outcome<'a> {
    /// The server answered with a status other than 2xx.
    Status(StatusCode, &'a HeaderMap),
    /// No connection could be made: nothing was sent.
    NotConnected,
    /// No complete response within the timeout.
    Timeout,
    /// The connection broke off, possibly after the request was written.
    Broken,
}

/// Whether `method` may be sent again after `outcome` (see the module docs for the rule).
pub(super) fn should_retry(method: &Method, outcome: Outcome<'_>) -> bool {
    if let Outcome::Status(_, headers) = outcome {
        match headers.get("x-should-retry").map(|value| value.as_bytes()) {
            Some(b"true") => return true,
            Some(b"false") => return false,
            _ => {}
        }
    }
    // `QUERY` (RFC draft "safe method with body") is safe, hence idempotent.
    let idempotent = matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    ) || method.as_str() == "QUERY";
    match outcome {
        Outcome::NotConnected => true,
        Outcome::Status(status, _) if idempotent => is_retryable(status),
        Outcome::Timeout | Outcome::Broken => idempotent,
        Outcome::Status(status, headers) => {
            status == StatusCode::TOO_MANY_REQUESTS
                || (status == StatusCode::SERVICE_UNAVAILABLE
                    && retry_after(headers, SystemTime::now()).is_some())
        }
    }
}

/// The delay the server asked for, from `retry-after-ms` (milliseconds) or `Retry-After`
/// (delay-seconds or an HTTP date, relative to `now`).
pub(super) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(millis) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if let Ok(delay) = Duration::try_from_secs_f64(millis / 1000.0) {
            return Some(delay);
        }
    }
    let value = header(RETRY_AFTER.as_str())?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Exponential backoff with jitter: the `n`th retry waits between half and all of
/// `initial * 2^(n-1)`, capped at `max`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Backoff {
    pub(super) initial: Duration,
    pub(super) max: Duration,
}

impl Backoff {
    pub(super) fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let full = self.initial.saturating_mul(factor).min(self.max);
        full.mul_f64(0.5 + fastrand::f64() / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_rule() {
        let none = HeaderMap::new();
        let mut later = HeaderMap::new();
        later.insert(RETRY_AFTER, "1".parse().unwrap());
        let mut yes = HeaderMap::new();
        yes.insert("x-should-retry", "true".parse().unwrap());
        let mut no = HeaderMap::new();
        no.insert("x-should-retry", "false".parse().unwrap());
        let status =
            |code: u16, headers| Outcome::Status(StatusCode::from_u16(code).unwrap(), headers);
        let query = Method::from_bytes(b"QUERY").unwrap();
        let copy = Method::from_bytes(b"COPY").unwrap();
        for method in [Method::GET, Method::PUT, Method::DELETE, query] {
            assert!(should_retry(&method, Outcome::Timeout));
            assert!(should_retry(&method, Outcome::Broken));
            assert!(should_retry(&method, status(500, &none)));
            assert!(!should_retry(&method, status(404, &none)));
            assert!(!should_retry(&method, status(500, &no)));
        }
        for method in [Method::POST, Method::PATCH, copy] {
            assert!(should_retry(&method, Outcome::NotConnected));
            assert!(!should_retry(&method, Outcome::Timeout));
            assert!(!should_retry(&method, Outcome::Broken));
            assert!(should_retry(&method, status(429, &none)));
            assert!(!should_retry(&method, status(503, &none)));
            assert!(should_retry(&method, status(503, &later)));
            assert!(!should_retry(&method, status(500, &none)));
            assert!(!should_retry(&method, status(409, &none)));
            assert!(should_retry(&method, status(500, &yes)));
            assert!(!should_retry(&method, status(429, &no)));
        }
    }
}
