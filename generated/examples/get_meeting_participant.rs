//! Fetches one participant of a Realtime Kit meeting and prints it as JSON.
//!
//! ```text
//! CLOUDFLARE_API_TOKEN=... cargo run -p cloudflare-realtime-kit --example get_meeting_participant -- \
//!     ACCOUNT_ID APP_ID MEETING_ID PARTICIPANT_ID
//! ```
//!
//! `CLOUDFLARE_BASE_URL` overrides the API's base URL. Exit status: 0 on success, 1 when the
//! call fails (the error is printed on stderr), 2 for wrong arguments.

use std::process::ExitCode;

use cloudflare_realtime_kit::{Client, GetMeetingParticipantRequest};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [account_id, app_id, meeting_id, participant_id] = <[String; 4]>::try_from(args)
        .unwrap_or_else(|_| {
            eprintln!(
                "usage: get_meeting_participant ACCOUNT_ID APP_ID MEETING_ID PARTICIPANT_ID\n\
                 (reads the token from CLOUDFLARE_API_TOKEN, and CLOUDFLARE_BASE_URL if set)"
            );
            std::process::exit(2)
        });
    let request = GetMeetingParticipantRequest {
        account_id,
        app_id,
        meeting_id,
        participant_id,
    };
    let result = async {
        let client = Client::from_env()?;
        client.meetings().get_meeting_participant(&request).await
    }
    .await;
    match result {
        Ok(response) => match serde_json::to_string_pretty(&response.data) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
