//! The names generated code brings into scope. No generated type may take one: a schema
//! called `Call` would be shadowed by the runtime's `Call` in the operations modules
//! (`Call<Call>`), one called `String` would shadow the standard library's in
//! `src/types.rs`. The type space claims every name of [`RESERVED`] before it names any type,
//! and a schema whose name is taken gets `Model` appended (`CallModel`).
//!
//! The emitters import runtime names through the constants below, so that what a module
//! imports and what is reserved cannot drift apart (a test checks every import is reserved).

/// The runtime's call, returned by every operation method.
pub const CALL: &str = "Call";
/// The runtime's HTTP request builder.
pub const REQUEST: &str = "Request";
/// The runtime's undecoded response, whose `into_json` decodes a JSON answer.
pub const RESPONSE: &str = "RawResponse";
/// How a query parameter is written.
pub const QUERY_STYLE: &str = "QueryStyle";
/// How a whole query string is written.
pub const QUERY_STRING: &str = "QueryString";
/// A part of a multipart body.
pub const PART: &str = "Part";
/// The runtime's typed stream of server-sent events.
pub const EVENT_STREAM: &str = "EventStream";
/// The runtime's stream of undecoded server-sent events.
pub const RAW_EVENTS: &str = "RawEvents";
/// The runtime's typed stream of JSON lines.
pub const JSON_LINES: &str = "JsonLines";
/// The runtime's stream of a body's bytes.
pub const BYTE_STREAM: &str = "ByteStream";

/// Every type-level name a generated module may bring into scope or write unqualified.
pub const RESERVED: &[&str] = &[
    // The crate root's re-exports of the runtime (`pub use runtime::{..}`).
    "ApiError",
    "ApiResponse",
    "Attempt",
    "Auth",
    "BlockingBytes",
    "BlockingEvents",
    "BlockingItems",
    "BlockingJsonLines",
    "BlockingPages",
    "BlockingRawEvents",
    BYTE_STREAM,
    CALL,
    "CallFuture",
    "Client",
    "ClientBuilder",
    "Error",
    EVENT_STREAM,
    "Form",
    "Items",
    JSON_LINES,
    "Page",
    "Pages",
    RAW_EVENTS,
    "RawRequest",
    "StreamResponse",
    RESPONSE,
    "ServerEvent",
    "Upload",
    "WithResponse",
    // The operations modules' imports of the runtime (and `Auth`, above).
    PART,
    QUERY_STRING,
    QUERY_STYLE,
    REQUEST,
    // The runtime's response was called `Response` before it was public as `RawResponse`:
    // still reserved, so that a schema of that name keeps the name `ResponseModel` it had.
    "Response",
    // `src/types.rs`: serde's traits.
    "Deserialize",
    "Serialize",
    // The standard library's prelude as the code writes it.
    "BTreeMap",
    "Box",
    "Default",
    "Err",
    "None",
    "Ok",
    "Option",
    "Result",
    "Some",
    "String",
    "Value",
    "Vec",
];

/// Names a group's accessor (a method of `Client`, and a module of `src/operations/`) never
/// takes: the methods `Client` has (the runtime's, public or not, and those `lib.rs` adds) and
/// the crate root's modules.
pub const CLIENT_METHODS_AND_MODULES: &[&str] = &[
    "blocking_runtime",
    "builder",
    "clone",
    "default_auth",
    "execute",
    "fmt",
    "from_env",
    "from_env_for",
    "request",
    "send",
    "send_traced",
    "operations",
    "reqwest",
    "runtime",
    "types",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every runtime name an operations module imports is reserved.
    #[test]
    fn imports_are_reserved() {
        for name in [CALL, REQUEST, RESPONSE, QUERY_STRING, QUERY_STYLE, PART] {
            assert!(RESERVED.contains(&name), "{name}");
        }
    }
}
