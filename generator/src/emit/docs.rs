//! Documentation that is not in the spec: each operation's `no_run` example, and keeping the
//! spec's own text from being compiled as doctests.

use crate::model::operations::BodyKind;
use crate::model::types::{Ty, TypeSpace};
use crate::plan::{Method, Plan};

/// The crate root's quick start: a client from the environment or a builder, a call, error
/// handling, retries and timeouts, request structs with `new(..)` or `Default`, per-call
/// options, `'static` calls and undecoded responses, paged lists when the API has them, the
/// `blocking` feature, requests to paths the spec does not describe, and testing code that
/// uses the client. `request_id_method`: the configuration's other name for `request_id()`
/// (`ray_id` for Cloudflare's `cf-ray`), which the example of `with_response` shows.
pub fn quick_start(
    plan: &Plan,
    krate: &str,
    prefix: &str,
    request_id_method: Option<&str>,
) -> String {
    let mut out = operations_quick_start(plan, krate, prefix, request_id_method);
    out.push_str(&streams(plan, krate));
    out.push_str(&other_endpoints(krate));
    out.push_str(&testing(plan, krate, prefix));
    out
}

/// How the API's streams are read, with the first streaming method as the example; nothing
/// when no operation streams.
fn streams(plan: &Plan, krate: &str) -> String {
    use crate::plan::Output;
    let Some((module, m)) = plan.modules.iter().find_map(|module| {
        module
            .methods
            .iter()
            .find(|m| matches!(m.output, Output::Stream(_)))
            .map(|m| (module, m))
    }) else {
        return String::new();
    };
    let (argument, body) = example_body(plan, m, &module.group.module, krate);
    let gate = cfg_line(plan, &["", &module.group.module]);
    format!(
        "\n\n\
         # Streams\n\n\
         Operations that answer with server-sent events, JSON lines or binary content return \
         a stream, read as it arrives rather than buffered: an [`EventStream`] of the events' \
         decoded data (or whole events), [`RawEvents`] for events the spec gives no schema, \
         [`JsonLines`] of decoded lines, or a [`ByteStream`] of the body (`save` and \
         `copy_to` write it in bounded memory; `collect` keeps the client's \
         `max_response_bytes`). Each is a `futures::Stream` of `Result`s and has `next_event()`, \
         `next_item()` or `next_chunk()`. The call's timeout covers the wait for the answer's \
         head; after it, the timeout is the longest wait for the next bytes. Dropping a stream \
         closes its connection; a server that stops in the middle of an event or a line is an \
         error, never a silent end. An operation that answers JSON or a stream, as a `stream` \
         flag of its request asks, has both methods: `<operation>` for the whole answer and \
         `<operation>_stream` for the stream, each setting the flag itself. Uploads are \
         [`Upload`]s from a path (reopened for a retry), a reader (never sent twice: a retry \
         after its first byte is refused) or bytes.\n\n\
         ```no_run\n\
         {gate}\
         # async fn example(client: &{krate}::Client{argument}) -> Result<(), {krate}::Error> {{\n\
         {body}\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

/// Which credentials the operations accept, by variable: "every operation accepts
/// `X_API_TOKEN`; `X_EMAIL` and `X_API_KEY` serve only `Client::request`" (`request` is how
/// `Client::request` is written). Empty without credentials.
pub fn credentials_text(plan: &Plan, request: &str) -> String {
    let client = &plan.client;
    let list = |names: Vec<String>| match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let total = client.operations;
    let mut every = Vec::new();
    let mut some = Vec::new();
    let mut none = Vec::new();
    for credential in &client.credentials {
        let name = format!("`{}`", credential.env);
        match credential.operations {
            0 => none.push(name),
            n if n == total => every.push(name),
            n => some.push(format!("{name} ({n} of {total})")),
        }
    }
    let mut parts = Vec::new();
    if !every.is_empty() {
        let verb = if every.len() == 1 { "" } else { " each of" };
        parts.push(format!("every operation accepts{verb} {}", list(every)));
    }
    if !some.is_empty() {
        parts.push(format!("some operations accept {}", list(some)));
    }
    if !none.is_empty() && total > 0 {
        let verb = if none.len() == 1 { "serves" } else { "serve" };
        parts.push(format!(
            "{} {verb} no operation, only {request}",
            list(none)
        ));
    }
    parts.join("; ")
}

/// The quick start up to the `blocking` feature: what every crate has, then its operations.
fn operations_quick_start(
    plan: &Plan,
    krate: &str,
    prefix: &str,
    request_id_method: Option<&str>,
) -> String {
    let model = plan.model;
    let credentials = match credentials_text(plan, "[`Client::request`]") {
        text if text.is_empty() => text,
        text => format!(": {text}"),
    };
    let mut out = format!(
        "# Quick start\n\n\
         A [`Client`] reads its credentials from the environment (the variables of \
         [`CREDENTIAL_ENV`]{credentials}) and its base URL from `{prefix}_BASE_URL` (default \
         [`DEFAULT_BASE_URL`]), or takes them from a builder:\n\n\
         ```no_run\n\
         use std::time::Duration;\n\
         use {krate}::Client;\n\n\
         # fn example() -> Result<(), {krate}::Error> {{\n\
         let from_env = Client::from_env()?;\n\n\
         let configured = Client::builder()\n\
         \x20   .token(\"API_TOKEN\")\n\
         \x20   .base_url(\"http://127.0.0.1:8080\")\n\
         \x20   .timeout(Duration::from_secs(20))\n\
         \x20   .max_retries(4)\n\
         \x20   .build()?;\n\
         # let _ = (from_env, configured);\n\
         # Ok(())\n\
         # }}\n\
         ```\n\n\
         Every attempt of a request has a timeout (60 s unless set with \
         [`timeout`](ClientBuilder::timeout)). Connection errors, timeouts, 408, 409, 429 and 5xx \
         answers are retried (2 times unless set with [`max_retries`](ClientBuilder::max_retries)) \
         with a growing, jittered delay, or after the server's `Retry-After`."
    );
    let Some((group, op)) = model
        .groups
        .first()
        .and_then(|g| Some((g, &model.operations[*g.operations.first()?])))
    else {
        return out;
    };
    let gate = cfg_line(plan, &["", &group.module]);
    let (argument, call) = match &op.request_name {
        Some(name) => (
            format!(", request: &{krate}::{name}"),
            format!("client.{}().{}(request)", group.module, op.fn_name),
        ),
        None => (
            String::new(),
            format!("client.{}().{}()", group.module, op.fn_name),
        ),
    };
    let error_type = model
        .operations
        .iter()
        .flat_map(|o| &o.errors)
        .find_map(|e| match &e.ty {
            Ty::Named(id) => Some(format!("{krate}::types::{}", model.types.def(*id).name)),
            _ => None,
        });
    let typed = match &error_type {
        Some(ty) => format!(
            "\x20       // The body as the spec's error type.\n\
             \x20       if let Ok(body) = error.body_as::<{ty}>() {{\n\
             \x20           eprintln!(\"{{body:?}}\");\n\
             \x20       }}\n"
        ),
        None => String::new(),
    };
    out.push_str(&format!(
        "\n\n\
         Each operation is a method of its group; it takes a request struct and returns the \
         decoded response or an [`Error`], which tells apart an error answer of the API \
         ([`ApiError`]: status, code, message, body), a timeout, a connection failure, a \
         request refused before sending and a response that does not decode:\n\n\
         ```no_run\n\
         use {krate}::Error;\n\n\
         {gate}\
         # async fn example(client: &{krate}::Client{argument}) {{\n\
         match {call}.await {{\n\
         \x20   Ok(response) => println!(\"{{response:?}}\"),\n\
         \x20   Err(Error::Api(error)) => {{\n\
         \x20       eprintln!(\"{{}}: {{:?}} {{:?}}\", error.status(), error.code(), error.message());\n\
         {typed}\
         \x20   }}\n\
         \x20   Err(error) if error.is_timeout() => eprintln!(\"gave up waiting: {{error}}\"),\n\
         \x20   Err(error) => eprintln!(\"{{error}}\"),\n\
         }}\n\
         # }}\n\
         ```"
    ));
    out.push_str(&default_request_doc(plan, krate));
    // The request id header, read by the configuration's name for it (`ray_id`), else by
    // `request_id()`.
    let (ray_id_text, ray_id_format, ray_id_argument) = match &plan.client.request_id_header {
        Some(header) => (
            format!(", `{header}`"),
            " {:?}",
            format!(" response.{}(),", request_id_method.unwrap_or("request_id")),
        ),
        None => (String::new(), "", String::new()),
    };
    out.push_str(&format!(
        "\n\n\
         A call is sent when it is awaited; until then it can override the client's settings: \
         [`timeout`](Call::timeout) (per attempt), \
         [`operation_timeout`](Call::operation_timeout) (every attempt and the waits between \
         them), [`max_retries`](Call::max_retries) and extra [`header`](Call::header)s. \
         [`with_response`](Call::with_response) returns the decoded \
         value together with the response's status, headers{ray_id_text} and attempt count (an \
         [`ApiResponse`], which derefs to the value):\n\n\
         ```no_run\n\
         use std::time::Duration;\n\n\
         {gate}\
         # async fn example(client: &{krate}::Client{argument}) -> Result<(), {krate}::Error> {{\n\
         let response = {call}\n\
         \x20   .timeout(Duration::from_secs(5))\n\
         \x20   .operation_timeout(Duration::from_secs(12))\n\
         \x20   .max_retries(2)\n\
         \x20   .with_response()\n\
         \x20   .await?;\n\
         println!(\"{{}}{ray_id_format} after {{}} attempt(s)\", response.status(),{ray_id_argument} response.attempts());\n\
         println!(\"{{:?}}\", response.headers().get(\"content-type\"));\n\
         let value = response.into_inner();\n\
         # let _ = value;\n\
         # Ok(())\n\
         # }}\n\
         ```"
    ));
    out.push_str(&format!(
        "\n\n\
         A call owns what it needs (a clone of the client, which shares the client's \
         configuration and connection pool), and so does its future ([`send`](Call::send), \
         what `.await` makes of it): both are `Send` and `'static`, so a call can be returned \
         from the function that made the client, or run as a task of its own \
         (`tokio::spawn({call}.send())`). [`raw`](Call::raw) returns the response undecoded, a \
         [`RawResponse`] with the status, headers and body, sent the same way (credentials, \
         retries, timeouts, size limit); a status other than 2xx is still an [`Error::Api`]:\n\n\
         ```no_run\n\
         {gate}\
         # async fn example(client: &{krate}::Client{argument}) -> Result<(), {krate}::Error> {{\n\
         let response = {call}.raw().await?;\n\
         println!(\"{{}} {{:?}}: {{}}\", response.status(), response.headers().get(\"content-type\"), response.text());\n\
         let value: serde_json::Value = response.json()?;\n\
         # let _ = value;\n\
         # Ok(())\n\
         # }}\n\
         ```"
    ));
    let first_request = op.request_name.clone();
    // The blocking example's code for the paged list: `(argument, code)`.
    let mut blocking_pages = None;
    let mut blocking_modules = vec!["blocking", group.module.as_str()];
    if let Some((index, paged)) = model.pagination.iter().next() {
        let op = &model.operations[*index];
        if let Some(group) = model.groups.iter().find(|g| g.operations.contains(index)) {
            let request = op.request_name.as_deref().unwrap_or_default();
            out.push_str(&format!(
                "\n\n\
                 Paged lists have a `_pages` method besides the plain one, returning [`Pages`]: it \
                 fetches page after page from the request's page number on and stops after the last \
                 one; its [`items`](Pages::items) yields the items one by one ([`Items`]). Both are \
                 `futures::Stream`s too, and like calls they own what they need (`'static`, and \
                 `Send`).\n\n\
                 ```no_run\n\
                 {pages_gate}\
                 # async fn example(client: &{krate}::Client, request: &{krate}::{request}) -> Result<(), {krate}::Error> {{\n\
                 let mut pages = client.{module}().{fn_name}(request);\n\
                 while let Some(page) = pages.next_page().await? {{\n\
                 \x20   println!(\"page {{}}: {{}} items\", page.number, page.items.len());\n\
                 }}\n\
                 let all = client.{module}().{fn_name}(request).items().collect().await?;\n\
                 # let _ = all;\n\
                 # Ok(())\n\
                 # }}\n\
                 ```",
                module = group.module,
                fn_name = paged.fn_name,
                pages_gate = cfg_line(plan, &["", &group.module]),
            ));
            blocking_modules.push(group.module.as_str());
            // The first operation's request may be another struct: then it gets its own name.
            let same = op.request_name == first_request;
            let (pages_argument, name) = if same && !argument.is_empty() {
                (String::new(), "request")
            } else {
                (
                    format!(", list_request: &{krate}::{request}"),
                    "list_request",
                )
            };
            blocking_pages = Some((
                pages_argument,
                format!(
                    "let all = client.{module}().{fn_name}({name}).items().blocking().collect::<Result<Vec<_>, _>>()?;\n\
                     # let _ = all;\n",
                    module = group.module,
                    fn_name = paged.fn_name,
                ),
            ));
        }
    }
    // Without the feature, `send_blocking` and `blocking` do not exist: the text names them
    // without links, and the example compiles to nothing.
    let (pages_text, pages_argument, pages_code) = match &blocking_pages {
        Some((argument, code)) => (
            "; paged lists have `Pages::blocking` and `Items::blocking`, which walk them as \
             `Iterator`s",
            argument.as_str(),
            code.as_str(),
        ),
        None => ("", "", ""),
    };
    let blocking_gate = cfg_line(plan, &blocking_modules);
    out.push_str(&format!(
        "\n\n\
         With the `blocking` feature, `Call::send_blocking` sends a call without an async \
         runtime, on a runtime the client owns (one worker thread, started on first use){pages_text}. \
         Inside an async runtime they return [`Error::InvalidRequest`] instead of blocking it.\n\n\
         ```no_run\n\
         {blocking_gate}\
         # fn example(client: &{krate}::Client{argument}{pages_argument}) -> Result<(), {krate}::Error> {{\n\
         let response = {call}.send_blocking()?;\n\
         # let _ = response;\n\
         {pages_code}\
         # Ok(())\n\
         # }}\n\
         ```"
    ));
    out
}

/// Requests to paths the spec does not describe (`Client::request`).
fn other_endpoints(krate: &str) -> String {
    format!(
        "\n\n\
         # Endpoints the spec does not describe\n\n\
         [`Client::request`] sends any method to any path of the API, relative to the base URL: \
         `{{name}}` placeholders of the path are filled by [`path_param`](RawRequest::path_param) \
         (percent-encoded, so that a value stays one path segment), and \
         [`query`](RawRequest::query), [`header`](RawRequest::header) and \
         [`json`](RawRequest::json) add the rest. [`send`](RawRequest::send) returns a [`Call`] \
         of the [`RawResponse`] (with the per-call settings of any call), \
         [`send_json`](RawRequest::send_json) one decoding the JSON body. It is sent as \
         operations are, with the same retries, timeouts, size limit and tracing, and fails \
         with the same [`Error`] (a status other than 2xx is an [`Error::Api`]). Its \
         credentials are those of the spec's global `security` (the first alternative the \
         client has every credential of), unless [`auth`](RawRequest::auth) says otherwise \
         (`.auth(&[])`: none).\n\n\
         ```no_run\n\
         use {krate}::reqwest::Method;\n\n\
         # async fn example(client: &{krate}::Client) -> Result<(), {krate}::Error> {{\n\
         let response = client\n\
         \x20   .request(Method::GET, \"/things/{{id}}/parts\")\n\
         \x20   .path_param(\"id\", \"a/b\") // sent as /things/a%2Fb/parts\n\
         \x20   .query(\"per_page\", &50)\n\
         \x20   .send()\n\
         \x20   .await?;\n\
         println!(\"{{}}: {{}}\", response.status(), response.text());\n\n\
         let created: serde_json::Value = client\n\
         \x20   .request(Method::POST, \"/things\")\n\
         \x20   .json(&serde_json::json!({{\"name\": \"thing\"}}))\n\
         \x20   .send_json()\n\
         \x20   .await?;\n\
         # let _ = created;\n\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

/// Testing code that uses the client: a mock server, and the errors and responses a test
/// double returns.
fn testing(plan: &Plan, krate: &str, prefix: &str) -> String {
    let (header_setup, header_check) = match &plan.client.request_id_header {
        Some(header) => (
            format!(
                "let mut headers = HeaderMap::new();\nheaders.insert(\"{header}\", \"8f0a1b2c3d4e-LHR\".parse().unwrap());\n"
            ),
            "assert_eq!(api.request_id(), Some(\"8f0a1b2c3d4e-LHR\"));\n".to_string(),
        ),
        None => (
            "let headers = HeaderMap::new();\n".to_string(),
            String::new(),
        ),
    };
    format!(
        "\n\n\
         # Testing code that uses the client\n\n\
         Point the client at a mock server on loopback (such as `wiremock`'s) with \
         [`base_url`](ClientBuilder::base_url), or with the `{prefix}_BASE_URL` variable for \
         [`Client::from_env`]: everything else (credentials, retries, decoding) works as against \
         the API. A test double of your own can fail the way the API does: [`ApiError::new`] \
         makes an error response from a status, headers and body (reading its code and message \
         as the client does), `Error::from` turns it into the [`Error::Api`] a call fails with, \
         and [`ApiResponse::new`] makes what [`Call::with_response`] returns.\n\n\
         ```\n\
         use {krate}::reqwest::StatusCode;\n\
         use {krate}::reqwest::header::HeaderMap;\n\
         use {krate}::{{ApiError, Error}};\n\n\
         {header_setup}\
         let body = r#\"{{\"success\":false,\"errors\":[{{\"code\":7003,\"message\":\"No route\"}}]}}\"#;\n\
         let error = Error::from(ApiError::new(StatusCode::NOT_FOUND, headers, body));\n\n\
         let api = error.api().unwrap();\n\
         assert_eq!(api.status(), StatusCode::NOT_FOUND);\n\
         assert_eq!((api.code(), api.message()), (Some(7003), Some(\"No route\")));\n\
         {header_check}\
         assert_eq!(api.body_as::<serde_json::Value>().unwrap()[\"success\"], false);\n\
         ```"
    )
}

/// How request structs are built (`new` with the required values, `Default` when nothing is
/// required) and the rule that keeps callers compiling across spec bumps, with a request struct
/// of the API built that way when one has optional fields to set.
fn default_request_doc(plan: &Plan, krate: &str) -> String {
    let mut out = "\n\n\
        A request struct with required values is built with `new(..)`, which takes them in order \
        (a spec `default` fills its field instead); it has no `Default`, so a required value \
        cannot be left out by mistake. A request struct with nothing required implements \
        `Default`. Set optional fields with a literal ending in `..Request::new(..)` (or \
        `..Default::default()`): a new version of the spec may add optional fields, and code \
        written this way keeps compiling (the generator counts such an addition as compatible \
        on that assumption)."
        .to_string();
    let example = plan.modules.iter().find_map(|module| {
        module.methods.iter().find_map(|m| {
            let (field, value) = m.op.params.iter().filter(|p| !p.required).find_map(|p| {
                let value = value(&plan.model.types, &p.ty, &p.name, krate)?;
                // `new` takes `impl Into<String>`; a field is a `String`.
                let into = if p.ty == Ty::String { ".into()" } else { "" };
                Some((&p.name, format!("{value}{into}")))
            })?;
            let base = request_literal(&plan.model.types, m, krate)?;
            let name = m.request?;
            Some((
                module,
                m,
                format!("{krate}::{name} {{\n    {field}: Some({value}),\n    ..{base}\n}}"),
            ))
        })
    });
    if let Some((module, m, literal)) = example {
        out.push_str(&format!(
            "\n\n\
             ```no_run\n\
             {gate}\
             # async fn example(client: &{krate}::Client) -> Result<(), {krate}::Error> {{\n\
             let request = {literal};\n\
             let response = client.{module}().{fn_name}(&request).await?;\n\
             # let _ = response;\n\
             # Ok(())\n\
             # }}\n\
             ```",
            module = module.group.module,
            fn_name = m.name,
            gate = cfg_line(plan, &["", &module.group.module]),
        ));
    }
    out
}

/// The hidden line `# #[cfg(feature = "meetings")]` (or `all(..)` of several) that compiles an
/// example of the crate docs only with the features of the groups it calls. `features`:
/// `""` (no line wanted without groups) and `"blocking"` are taken as is, module names as their
/// group's feature.
fn cfg_line(plan: &Plan, features: &[&str]) -> String {
    let mut names: Vec<String> = Vec::new();
    for feature in features.iter().filter(|f| !f.is_empty()) {
        let name = match plan.modules.iter().position(|m| m.group.module == *feature) {
            Some(index) => plan.features.names[index].clone(),
            None => feature.to_string(),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let names: Vec<String> = names.iter().map(|n| format!("feature = \"{n}\"")).collect();
    match names.as_slice() {
        [] => String::new(),
        [only] => format!("# #[cfg({only})]\n"),
        several => format!("# #[cfg(all({}))]\n", several.join(", ")),
    }
}

/// A compact `no_run` example calling the operation: the request struct with its required
/// values (the rest from `Default`), the call and the result. Operations whose request cannot be
/// written without knowing the caller's data (a required enum, a file) take it as an argument of
/// the (hidden) example function instead.
pub fn operation_example(plan: &Plan, m: &Method, module: &str, krate: &str) -> String {
    let (argument, body) = example_body(plan, m, module, krate);
    format!(
        "```no_run\n\
         # async fn example(client: &{krate}::Client{argument}) -> Result<(), {krate}::Error> {{\n\
         {body}\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

/// The lines of [`operation_example`] calling the operation (request, call, result), and the
/// argument the example function takes when the request cannot be written out (else empty).
pub fn example_body(plan: &Plan, m: &Method, module: &str, krate: &str) -> (String, String) {
    let call = format!("client.{module}().{}", m.name);
    let (setup, argument, call) = match m.request {
        None => (String::new(), String::new(), format!("{call}()")),
        Some(name) => match request_literal(&plan.model.types, m, krate) {
            Some(literal) => (
                format!("let request = {literal};\n"),
                String::new(),
                format!("{call}(&request)"),
            ),
            None => (
                String::new(),
                format!(", request: &{krate}::{name}"),
                format!("{call}(request)"),
            ),
        },
    };
    use crate::plan::{Output, StreamOutput};
    let result = match m.output {
        Output::Unit => format!("{call}.await?;\n"),
        Output::Stream(StreamOutput::Bytes) => format!(
            "let download = {call}.await?;\n\
             let written = download.save(\"download.bin\").await?;\n\
             println!(\"{{written}} bytes\");\n"
        ),
        Output::Stream(stream) => {
            let next = match stream {
                StreamOutput::JsonLines(_) => "next_item",
                _ => "next_event",
            };
            format!(
                "let mut stream = {call}.await?;\n\
                 while let Some(item) = stream.{next}().await? {{\n\
                 \x20   println!(\"{{item:?}}\");\n\
                 }}\n"
            )
        }
        _ => format!("let response = {call}.await?;\nprintln!(\"{{response:?}}\");\n"),
    };
    (argument, format!("{setup}{result}"))
}

/// `Request::new(..)` with the required values (`Request::default()` when nothing is
/// required), or `None` when some required value has no obvious one.
fn request_literal(types: &TypeSpace, m: &Method, krate: &str) -> Option<String> {
    let (op, name) = (m.op, m.request?);
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        args.push(value(types, &p.ty, &p.name, krate)?);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push(match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => value(types, ty, &body.name, krate)?,
            BodyKind::Text(_) => "String::new()".to_string(),
            BodyKind::Bytes(_) => format!("{krate}::Upload::from_path(\"upload.bin\")"),
            // A multipart body has files: the caller's data.
            BodyKind::Multipart { .. } | BodyKind::Parts => return None,
        });
    }
    if args.len() > crate::plan::MAX_ARGUMENTS {
        return None;
    }
    let call = format!("{krate}::{name}::new({})", args.join(", "));
    Some(if args.is_empty() {
        format!("{krate}::{name}::default()")
    } else if call.len() <= 80 {
        call
    } else {
        // One value a line, as rustfmt would lay out a long call.
        let args: String = args.iter().map(|a| format!("\n    {a},")).collect();
        format!("{krate}::{name}::new({args}\n)")
    })
}

/// An obvious value of a type, as an argument of `new`: a placeholder naming the field for a
/// string (identifiers and names), empty, zero, `Default`, or a struct's own `new(..)`.
fn value(types: &TypeSpace, ty: &Ty, field: &str, krate: &str) -> Option<String> {
    value_within(types, ty, field, krate, 0)
}

fn value_within(
    types: &TypeSpace,
    ty: &Ty,
    field: &str,
    krate: &str,
    depth: usize,
) -> Option<String> {
    Some(match ty {
        Ty::String => format!("\"{}\"", field.to_ascii_uppercase()),
        Ty::Bool => "false".to_string(),
        Ty::I32 | Ty::I64 | Ty::IntegralNumber => "0".to_string(),
        Ty::F32 | Ty::F64 => "0.0".to_string(),
        Ty::Vec(_) | Ty::Bytes => "Vec::new()".to_string(),
        Ty::Option(_) => "None".to_string(),
        Ty::Json => "serde_json::Value::Null".to_string(),
        Ty::Map(_) | Ty::JsonObject | Ty::Uuid | Ty::DateTime | Ty::Date => {
            "Default::default()".to_string()
        }
        Ty::Named(_) if types.has_default(ty) => "Default::default()".to_string(),
        Ty::Path(_) => "Default::default()".to_string(),
        // A struct users build with required values: its constructor, with theirs.
        Ty::Named(id) if depth < 2 => match &types.def(*id).kind {
            crate::model::types::Kind::Struct(s) if s.input && s.additional.is_none() => {
                let mut args = Vec::new();
                for f in s.fields.iter() {
                    if f.optional || types.spec_default(f).is_some() {
                        continue;
                    }
                    // `new` takes `impl Into<String>`; any other value as it is.
                    args.push(value_within(types, &f.ty, &f.name, krate, depth + 1)?);
                }
                if args.len() > crate::plan::MAX_ARGUMENTS {
                    return None;
                }
                format!(
                    "{krate}::types::{}::new({})",
                    types.def(*id).name,
                    args.join(", ")
                )
            }
            _ => return None,
        },
        Ty::Named(_) | Ty::Upload => return None,
        Ty::Tuple(items) => {
            let values = items
                .iter()
                .map(|item| match item {
                    Ty::String => Some("String::new()".to_string()),
                    item => value_within(types, item, field, krate, depth + 1),
                })
                .collect::<Option<Vec<_>>>()?;
            match values.as_slice() {
                [only] => format!("({only},)"),
                values => format!("({})", values.join(", ")),
            }
        }
    })
}

/// Marks the code blocks of text from the spec as `text`, so that rustdoc neither compiles
/// nor tests them: fenced blocks without a language (or tagged as Rust) get one, and lines that
/// would open an indented code block lose the indentation beyond three spaces. Tabs become
/// spaces (to the next multiple of four columns, as Markdown reads them): a doc comment with a
/// tab fails clippy's `tabs_in_doc_comments`, for any spec.
pub fn inert_code_blocks(text: &str) -> String {
    let text = &*without_tabs(text);
    // The lines joined with `\n` (none after the last), written as they are made.
    let mut out = String::with_capacity(text.len() + 8);
    let mut lines = 0usize;
    let mut push_line = |out: &mut String, parts: &[&str]| {
        if lines > 0 {
            out.push('\n');
        }
        lines += 1;
        for part in parts {
            out.push_str(part);
        }
    };
    // The fence that opened the current fenced block.
    let mut fence: Option<&str> = None;
    let mut previous_blank = true;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let marker_len = trimmed
            .bytes()
            .take_while(|b| *b == b'`' || *b == b'~')
            .count();
        let marker = &trimmed[..marker_len];
        let is_fence =
            indent < 4 && marker.len() >= 3 && marker.bytes().all(|b| b == marker.as_bytes()[0]);
        match fence {
            Some(open) => {
                if is_fence
                    && marker.starts_with(&open[..1])
                    && marker.len() >= open.len()
                    && trimmed[marker.len()..].trim().is_empty()
                {
                    fence = None;
                }
                push_line(&mut out, &[line]);
            }
            None if is_fence => {
                let info = trimmed[marker.len()..].trim();
                let lang = info
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .next()
                    .unwrap_or("");
                // rustdoc reads the info string as attributes, and warns about characters
                // that no attribute has (`<quantity> ::= ...`): such a fence becomes `text`.
                let odd = !info
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_+.,=:/ #{}\"".contains(c));
                let rust = odd
                    || lang.is_empty()
                    || lang == "rust"
                    || lang.starts_with("edition")
                    || matches!(
                        lang,
                        "ignore"
                            | "no_run"
                            | "should_panic"
                            | "compile_fail"
                            | "test_harness"
                            | "standalone_crate"
                    );
                if rust {
                    push_line(&mut out, &[&line[..indent], marker, "text"]);
                } else {
                    push_line(&mut out, &[line]);
                }
                fence = Some(marker);
            }
            None if previous_blank && (indent >= 4 || line.starts_with('\t')) => {
                push_line(&mut out, &["   ", trimmed]);
            }
            None => push_line(&mut out, &[line]),
        }
        previous_blank = line.trim().is_empty();
    }
    if let Some(open) = fence {
        // An unclosed fence would swallow what follows (the method's signature line).
        push_line(&mut out, &[open]);
    }
    out
}

/// `text` with each tab replaced by the spaces up to the next multiple of four columns.
pub fn without_tabs(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\t') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut column = 0;
    for c in text.chars() {
        match c {
            '\t' => {
                let width = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', width));
                column += width;
            }
            '\n' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::{inert_code_blocks, without_tabs};

    #[test]
    fn fences_whose_info_rustdoc_cannot_read_become_text() {
        assert_eq!(
            inert_code_blocks("``` <quantity> ::= <number>\nx\n```"),
            "```text\nx\n```"
        );
        assert_eq!(inert_code_blocks("```json\n{}\n```"), "```json\n{}\n```");
    }

    #[test]
    fn tabs_become_spaces_to_the_next_stop() {
        assert_eq!(without_tabs("a\tb\n\tc\t\td"), "a   b\n    c       d");
        // A line that starts with a tab after a blank line is an indented code block: inert.
        assert_eq!(inert_code_blocks("x\n\n\tcode"), "x\n\n   code");
        assert!(!inert_code_blocks("Fields:\n\tname\tthe name").contains('\t'));
    }

    #[test]
    fn untagged_and_rust_fences_become_text() {
        let text = "Example:\n\n```\nGET /x\n```\n\n~~~rust\nfn x() {}\n~~~\n\n```json\n{}\n```";
        assert_eq!(
            inert_code_blocks(text),
            "Example:\n\n```text\nGET /x\n```\n\n~~~text\nfn x() {}\n~~~\n\n```json\n{}\n```"
        );
    }

    #[test]
    fn indented_blocks_lose_their_indentation_and_open_fences_close() {
        assert_eq!(
            inert_code_blocks("Run:\n\n    curl -X GET\n    --header x\n\nDone"),
            "Run:\n\n   curl -X GET\n    --header x\n\nDone"
        );
        assert_eq!(inert_code_blocks("a\n```\ncode"), "a\n```text\ncode\n```");
    }
}
