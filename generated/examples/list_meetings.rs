//! Lists every meeting of a Realtime Kit app, page after page, one JSON object a line.
//!
//! ```text
//! CLOUDFLARE_API_TOKEN=... cargo run -p cloudflare-realtime-kit --example list_meetings -- \
//!     ACCOUNT_ID APP_ID [SEARCH]
//! ```
//!
//! `SEARCH` keeps the meetings whose ID or title matches. `CLOUDFLARE_BASE_URL` overrides the
//! API's base URL. Exit status: 0 on success, 1 when a call fails (the error is printed on
//! stderr, after the meetings of the pages before it), 2 for wrong arguments.

use std::process::ExitCode;

use cloudflare_realtime_kit::{Client, GetAllMeetingsRequest};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (account_id, app_id, search) = match <[String; 2]>::try_from(args.clone()) {
        Ok([account_id, app_id]) => (account_id, app_id, None),
        Err(_) => match <[String; 3]>::try_from(args) {
            Ok([account_id, app_id, search]) => (account_id, app_id, Some(search)),
            Err(_) => {
                eprintln!(
                    "usage: list_meetings ACCOUNT_ID APP_ID [SEARCH]\n\
                     (reads the token from CLOUDFLARE_API_TOKEN, and CLOUDFLARE_BASE_URL if set)"
                );
                return ExitCode::from(2);
            }
        },
    };
    let request = GetAllMeetingsRequest {
        search,
        per_page: Some(100),
        ..GetAllMeetingsRequest::new(account_id, app_id)
    };
    match list(&request).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Prints each meeting as soon as its page arrives.
async fn list(request: &GetAllMeetingsRequest) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut meetings = client.meetings().get_all_meetings_pages(request).items();
    while let Some(meeting) = meetings.next_item().await? {
        println!("{}", serde_json::to_string(&meeting)?);
    }
    Ok(())
}
