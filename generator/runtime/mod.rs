//! Runtime of the generated client: configuration, transport, retries and errors.
//!
//! This module is hand-written and copied verbatim into every generated crate; it knows nothing
//! about a particular API except the common shapes of JSON error envelopes.

mod client;
mod error;
mod request;
mod response;
mod retry;

pub use client::{Client, ClientBuilder};
pub use error::{ApiError, Error};
pub(crate) use request::{Auth, Request};
