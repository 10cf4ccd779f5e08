//! Generates the pet store's client into OUT_DIR (see the docs of
//! `openapi_client_codegen::build`): again only when the spec or its configuration changes.

fn main() {
    if let Err(error) = openapi_client_codegen::build::Build::new("openapi/petstore.yaml").run() {
        panic!("{error}");
    }
}
