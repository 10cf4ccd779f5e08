//! Runtime of the generated client: configuration, request building, transport, retries and
//! errors.
//!
//! This module is hand-written and copied verbatim into every generated crate; it knows nothing
//! about a particular API except the common shapes of JSON error envelopes, and what the crate
//! around it tells it in a [`Service`]: the default base URL, the environment variables of the
//! base URL and the credentials, the response header that identifies a request, and the
//! credentials of the spec's global `security`. It refers to no item of that crate: the crate
//! declares `Client::from_env` and `Client::builder` (and `Default` for `ClientBuilder`), and
//! the test constructors `ApiError::new` and `ApiResponse::new`, with its own `Service`,
//! through [`Client::from_env_for`], [`ClientBuilder::for_service`],
//! [`ApiError::for_service`] and [`ApiResponse::for_service`]. It is public (but hidden from the docs) so that every spec
//! can use any part of it without warnings about the parts it does not use; the generated
//! operations are its intended callers.

mod call;
mod client;
mod error;
mod events;
mod lines;
mod paginate;
mod raw;
mod request;
mod response;
mod retry;
mod stream;
mod upload;
pub mod wire;

pub use call::{ApiResponse, Call, CallFuture, Decode, Open, WithResponse};
pub use client::{Client, ClientBuilder, Service};
pub use error::{ApiError, Attempt, Error};
#[cfg(feature = "blocking")]
pub use events::{BlockingEvents, BlockingRawEvents};
pub use events::{EventStream, RawEvents, ServerEvent};
#[cfg(feature = "blocking")]
pub use lines::BlockingJsonLines;
pub use lines::JsonLines;
#[cfg(feature = "blocking")]
pub use paginate::{BlockingItems, BlockingPages};
pub use paginate::{Count, Items, Page, PageFuture, Pages, page_number};
pub use raw::RawRequest;
pub use request::{Auth, Form, IntoFilePart, Part, QueryString, QueryStyle, Request};
/// The HTTP method, status and header types of the API, re-exported for callers of
/// [`Client::execute`] and the generated crate's constructors.
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
pub use response::RawResponse;
#[cfg(feature = "blocking")]
pub use stream::BlockingBytes;
pub use stream::{ByteStream, StreamResponse};
pub use upload::Upload;
