//! Every group of operations (`client.apps()`, `analytics()`, `live_streams()`, `meetings()`,
//! `active_session()`, `presets()`, `recordings()`, `sessions()`, `webhooks()`) against a
//! wiremock server on loopback: for at least one operation of each, the request that goes over
//! the wire (method, path with its parameters percent-encoded, query, JSON body, bearer token)
//! and the decoded response, field by field (the spec's own response examples where it has
//! some); and a walk over several pages of every paged list but the participants', which
//! `pagination.rs` walks in every way.

mod common;

use cloudflare_realtime_kit::types::*;
use cloudflare_realtime_kit::{
    AddWebhookRequest, CreateAppRequest, CreateMeetingRequest, GetActiveSessionRequest,
    GetAllMeetingsRequest, GetAllRecordingsRequest, GetAppsRequest, GetMeetingRequest,
    GetOrgAnalyticsRequest, GetPresetsRequest, GetSessionDetailsRequest,
    GetSessionParticipantsRequest, KickParticipantsRequest, StartLivestreamingRequest,
    StartRecordingRequest, StopLivestreamingRequest, UpdatePresetRequest,
};
use common::{ODD_ID, ODD_ID_ENCODED, answering, assert_sent, client, only_request};
use serde_json::{Value, json};

/// Cloudflare's example account and app identifiers.
const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const APP: &str = "2a95132c15732412d22c1476fa83f27a";
const KIT: &str = "/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit";
const APP_PATH: &str =
    "/accounts/023e105f4ecef8ad9ca31a8372d0c353/realtime/kit/2a95132c15732412d22c1476fa83f27a";
const MEETING: &str = "97440c6a-140b-40a9-9499-b23fd7a3868a";

fn rfc3339(time: &chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339()
}

// --- apps ---------------------------------------------------------------------------------------

#[tokio::test]
async fn apps_create_app_posts_the_name_and_decodes_the_new_app() {
    // The response is the spec's example.
    let server = answering(
        200,
        json!({
            "data": {"app": {
                "created_at": "2025-01-01T08:16:40.644Z",
                "id": "14a396e7-ca44-4937-bf1f-050a69118543",
                "name": "my-new-app"
            }},
            "success": true
        }),
    )
    .await;
    let created = client(&server.uri())
        .apps()
        .create_app(&CreateAppRequest {
            account_id: ODD_ID.into(),
            body: CreateAppBody {
                name: "my-new-app".into(),
            },
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        &format!("/accounts/{ODD_ID_ENCODED}/realtime/kit/apps"),
        None,
        Some(json!({"name": "my-new-app"})),
    );
    assert_eq!(created.success, Some(true));
    let app = created.data.unwrap().app.unwrap();
    assert_eq!(
        app.id.unwrap().to_string(),
        "14a396e7-ca44-4937-bf1f-050a69118543"
    );
    assert_eq!(app.name.as_deref(), Some("my-new-app"));
    assert_eq!(
        rfc3339(&app.created_at.unwrap()),
        "2025-01-01T08:16:40.644+00:00"
    );
}

#[tokio::test]
async fn apps_get_apps_pages_walks_every_page_with_the_search_and_order() {
    let all: Vec<Value> = (0..5)
        .map(|i| {
            json!({
                "created_at": format!("2025-01-0{}T08:16:40.644Z", i + 1),
                "id": format!("14a396e7-ca44-4937-bf1f-050a6911854{i}"),
                "name": format!("app-{i}")
            })
        })
        .collect();
    let list = format!("{KIT}/apps");
    let server = common::paged_list(&list, all, 2).await;
    let apps = client(&server.uri())
        .apps()
        .get_apps_pages(&GetAppsRequest {
            per_page: Some(2),
            search: Some("app kit".into()),
            sort_order: Some(SortOrder::Asc),
            ..GetAppsRequest::new(ACCOUNT)
        })
        .items()
        .collect()
        .await
        .unwrap();
    let names: Vec<_> = apps.iter().map(|a| a.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["app-0", "app-1", "app-2", "app-3", "app-4"]);
    assert_eq!(
        apps[4].id.unwrap().to_string(),
        "14a396e7-ca44-4937-bf1f-050a69118544"
    );
    assert_eq!(
        common::page_queries(&server, &list).await,
        [
            "page_no=1&per_page=2&search=app+kit&sort_order=ASC",
            "page_no=2&per_page=2&search=app+kit&sort_order=ASC",
            "page_no=3&per_page=2&search=app+kit&sort_order=ASC",
        ]
    );
}

// --- analytics ----------------------------------------------------------------------------------

#[tokio::test]
async fn analytics_get_org_analytics_sends_the_dates_and_decodes_the_day_stats() {
    let server = answering(
        200,
        json!({
            "success": true,
            "data": {
                "recording_stats": {
                    "recording_count": 3,
                    "recording_minutes_consumed": 52.5,
                    "day_stats": [
                        {"day": "2022-09-21", "total_recordings": 1, "total_recording_minutes": 12},
                        {"day": "2022-09-22", "total_recordings": 2, "total_recording_minutes": 40}
                    ]
                },
                "session_stats": {
                    "sessions_count": 4,
                    "sessions_minutes_consumed": 96.25,
                    "day_stats": [
                        {"day": "2022-09-22", "total_sessions": 4, "total_session_minutes": 96.25}
                    ]
                }
            }
        }),
    )
    .await;
    let analytics = client(&server.uri())
        .analytics()
        .get_org_analytics(&GetOrgAnalyticsRequest {
            account_id: ACCOUNT.into(),
            app_id: ODD_ID.into(),
            start_date: Some("2022-09-01".into()),
            end_date: Some("2022-09-22".into()),
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "GET",
        &format!("{KIT}/{ODD_ID_ENCODED}/analytics/daywise"),
        Some("start_date=2022-09-01&end_date=2022-09-22"),
        None,
    );
    let data = analytics.data.unwrap();
    let recordings = data.recording_stats.unwrap();
    assert_eq!(recordings.recording_count, Some(3));
    assert_eq!(recordings.recording_minutes_consumed, Some(52.5));
    let days = recordings.day_stats.unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[1].day.as_deref(), Some("2022-09-22"));
    assert_eq!(days[1].total_recordings, Some(2));
    assert_eq!(days[1].total_recording_minutes, Some(40));
    let sessions = data.session_stats.unwrap();
    assert_eq!(sessions.sessions_count, Some(4));
    assert_eq!(sessions.sessions_minutes_consumed, Some(96.25));
    assert_eq!(
        sessions.day_stats.unwrap()[0].total_session_minutes,
        Some(96.25)
    );
}

// --- live streams -------------------------------------------------------------------------------

#[tokio::test]
async fn live_streams_start_livestreaming_posts_the_config_and_decodes_the_stream() {
    // The request and the response are the spec's examples (with a video size added).
    let server = answering(
        201,
        json!({
            "data": {
                "id": "7088bba8-f522-49a8-b59b-3cd0e946bbb0",
                "ingest_server": "rtmps://live.cloudflare.com:443/live/",
                "playback_url": "https://customer-s8oj0c1n5ek8ah1e.cloudflarestream.com/7de6a3fec0f9c05bf1df140950d3a237/manifest/video.m3u8",
                "status": "INVOKED",
                "stream_key": "f26566285faca6fbe2e79a73a66rsrrsrrsr3cde23a2bb7dbc6c2c1761b98f4e4"
            },
            "success": true
        }),
    )
    .await;
    let started = client(&server.uri())
        .live_streams()
        .start_livestreaming(&StartLivestreamingRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            meeting_id: ODD_ID.into(),
            body: StartLivestreamingBody {
                name: Some("prdmmp-xhycsl".into()),
                video_config: Some(VideoConfigSize {
                    height: Some(720),
                    width: Some(1280),
                }),
            },
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        &format!("{APP_PATH}/meetings/{ODD_ID_ENCODED}/livestreams"),
        None,
        Some(json!({"name": "prdmmp-xhycsl", "video_config": {"height": 720, "width": 1280}})),
    );
    assert_eq!(started.success, Some(true));
    let stream = started.data.unwrap();
    assert_eq!(
        stream.id.as_deref(),
        Some("7088bba8-f522-49a8-b59b-3cd0e946bbb0")
    );
    assert_eq!(
        stream.ingest_server.as_deref(),
        Some("rtmps://live.cloudflare.com:443/live/")
    );
    assert!(
        stream
            .playback_url
            .unwrap()
            .ends_with("/manifest/video.m3u8")
    );
    assert_eq!(stream.status, Some(LivestreamStatus::Invoked));
    assert!(stream.stream_key.unwrap().starts_with("f26566285faca6fb"));
}

#[tokio::test]
async fn live_streams_stop_livestreaming_posts_no_body() {
    // `requestBody: {content: {}}`: nothing to send. The response is the spec's example.
    let server = answering(
        200,
        json!({"data": {"message": "Stopped live stream successfully"}, "success": true}),
    )
    .await;
    let stopped = client(&server.uri())
        .live_streams()
        .stop_livestreaming(&StopLivestreamingRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            meeting_id: MEETING.into(),
        })
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_sent(
        &request,
        "POST",
        &format!("{APP_PATH}/meetings/{MEETING}/active-livestream/stop"),
        None,
        None,
    );
    assert_eq!(request.headers.get("content-type"), None);
    assert_eq!(stopped.success, Some(true));
    assert_eq!(
        stopped.data.unwrap().message.as_deref(),
        Some("Stopped live stream successfully")
    );
}

// --- meetings -----------------------------------------------------------------------------------

/// A meeting as the API returns it, titled `title`.
fn meeting(id: &str, title: &str) -> Value {
    json!({
        "id": id,
        "title": title,
        "status": "ACTIVE",
        "created_at": "2025-03-04T09:00:00.000Z",
        "updated_at": "2025-03-04T09:05:30.250Z",
        "record_on_start": true,
        "live_stream_on_start": false,
        "persist_chat": true,
        "summarize_on_end": true,
        "transcribe_on_end": false,
        "session_keep_alive_time_in_secs": 120,
        "recording_config": {
            "max_seconds": 3600,
            "file_name_prefix": "standup",
            "video_config": {"codec": "H264", "width": 1280, "height": 720, "export_file": true},
            "audio_config": {"codec": "AAC", "channel": "stereo", "export_file": true}
        }
    })
}

#[tokio::test]
async fn meetings_create_meeting_posts_the_settings_and_decodes_the_meeting() {
    let mut created = meeting(MEETING, "Weekly standup");
    created["ai_config"] = json!({
        "transcription": {"language": "en-US", "keywords": ["Realtime Kit"], "profanity_filter": false},
        "summarization": {"summary_type": "team_meeting", "text_format": "markdown", "word_limit": 500}
    });
    let server = answering(201, json!({"success": true, "data": created})).await;
    let response = client(&server.uri())
        .meetings()
        .create_meeting(&CreateMeetingRequest {
            account_id: ACCOUNT.into(),
            app_id: ODD_ID.into(),
            body: CreateMeetingBody {
                title: Some("Weekly standup".into()),
                record_on_start: Some(true),
                session_keep_alive_time_in_secs: Some(120.0),
                recording_config: Some(RecordingConfig {
                    max_seconds: Some(3600),
                    video_config: Some(VideoConfig {
                        codec: Some(VideoConfigCodec::H264),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ai_config: Some(AiConfig {
                    transcription: Some(TranscriptionConfig {
                        language: Some(TranscriptionConfigLanguage::EnUs),
                        ..Default::default()
                    }),
                    summarization: None,
                }),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    // Only the fields set, each under its wire name.
    assert_sent(
        &only_request(&server).await,
        "POST",
        &format!("{KIT}/{ODD_ID_ENCODED}/meetings"),
        None,
        Some(json!({
            "ai_config": {"transcription": {"language": "en-US"}},
            "record_on_start": true,
            "recording_config": {"max_seconds": 3600, "video_config": {"codec": "H264"}},
            "session_keep_alive_time_in_secs": 120.0,
            "title": "Weekly standup"
        })),
    );
    assert!(response.success);
    let meeting = response.data.unwrap();
    assert_eq!(meeting.id.unwrap().to_string(), MEETING);
    assert_eq!(meeting.title.as_deref(), Some("Weekly standup"));
    assert_eq!(meeting.status, Some(MeetingStatus::Active));
    assert_eq!(meeting.session_keep_alive_time_in_secs, Some(120.0));
    assert_eq!(
        rfc3339(&meeting.updated_at.unwrap()),
        "2025-03-04T09:05:30.250+00:00"
    );
    let recording = meeting.recording_config.unwrap();
    assert_eq!(recording.max_seconds, Some(3600));
    let video = recording.video_config.unwrap();
    assert_eq!(video.codec, Some(VideoConfigCodec::H264));
    assert_eq!((video.width, video.height), (Some(1280), Some(720)));
    assert_eq!(
        recording.audio_config.unwrap().channel,
        Some(AudioConfigChannel::Stereo)
    );
    let ai = meeting.ai_config.unwrap();
    let transcription = ai.transcription.unwrap();
    assert_eq!(
        transcription.language,
        Some(TranscriptionConfigLanguage::EnUs)
    );
    assert_eq!(transcription.keywords.unwrap(), ["Realtime Kit"]);
    let summarization = ai.summarization.unwrap();
    assert_eq!(
        summarization.summary_type,
        Some(SummarizationConfigSummaryType::TeamMeeting)
    );
    assert_eq!(
        summarization.text_format,
        Some(SummarizationConfigTextFormat::Markdown)
    );
    assert_eq!(summarization.word_limit, Some(500));
}

#[tokio::test]
async fn meetings_get_meeting_encodes_the_id_and_sends_the_name() {
    let server = answering(
        200,
        json!({"success": true, "data": meeting(MEETING, "Weekly standup")}),
    )
    .await;
    let response = client(&server.uri())
        .meetings()
        .get_meeting(&GetMeetingRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            meeting_id: ODD_ID.into(),
            name: Some("Ann Lee".into()),
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "GET",
        &format!("{APP_PATH}/meetings/{ODD_ID_ENCODED}"),
        Some("name=Ann+Lee"),
        None,
    );
    let meeting = response.data.unwrap();
    assert_eq!(meeting.title.as_deref(), Some("Weekly standup"));
    assert_eq!(meeting.record_on_start, Some(true));
    assert_eq!(meeting.ai_config, None);
}

#[tokio::test]
async fn meetings_get_all_meetings_pages_walks_every_page_with_the_filters() {
    let all: Vec<Value> = (0..5)
        .map(|i| {
            meeting(
                &format!("97440c6a-140b-40a9-9499-b23fd7a3868{i}"),
                &format!("m{i}"),
            )
        })
        .collect();
    let list = format!("{APP_PATH}/meetings");
    let server = common::paged_list(&list, all, 2).await;
    let client = client(&server.uri());
    let mut pages = client
        .meetings()
        .get_all_meetings_pages(&GetAllMeetingsRequest {
            per_page: Some(2),
            search: Some("m".into()),
            status: Some(MeetingStatus::Active),
            ..GetAllMeetingsRequest::new(ACCOUNT, APP)
        });
    let mut seen = Vec::new();
    while let Some(page) = pages.next_page().await.unwrap() {
        assert_eq!(page.total_count, Some(5));
        let titles: Vec<_> = page
            .items
            .iter()
            .map(|m| m.title.clone().unwrap())
            .collect();
        seen.push((page.number, titles.join(",")));
    }
    assert_eq!(
        seen,
        [
            (1, "m0,m1".to_string()),
            (2, "m2,m3".to_string()),
            (3, "m4".to_string())
        ]
    );
    assert_eq!(
        common::page_queries(&server, &list).await,
        [
            "page_no=1&per_page=2&search=m&status=ACTIVE",
            "page_no=2&per_page=2&search=m&status=ACTIVE",
            "page_no=3&per_page=2&search=m&status=ACTIVE",
        ]
    );
}

// --- active session -----------------------------------------------------------------------------

#[tokio::test]
async fn active_session_get_active_session_decodes_the_spec_example() {
    // The spec's example, which leaves out two required fields and writes `null` as a string.
    let server = answering(
        200,
        json!({
            "data": {
                "associated_id": "6bf2b8be-04dd-4191-b602-1128921a306b",
                "created_at": "2022-01-12T14:21:34.398Z",
                "ended_at": "null",
                "id": "813432c7-3c5a-45e2-9acf-eef7061c7584",
                "live_participants": 1,
                "max_concurrent_participants": 2,
                "minutes_consumed": 2.3434,
                "started_at": "2022-01-12T14:21:34.388Z",
                "status": "LIVE",
                "type": "meeting",
                "updated_at": "2022-01-12T14:26:00.784Z"
            },
            "success": true
        }),
    )
    .await;
    let response = client(&server.uri())
        .active_session()
        .get_active_session(&GetActiveSessionRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            meeting_id: ODD_ID.into(),
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "GET",
        &format!("{APP_PATH}/meetings/{ODD_ID_ENCODED}/active-session"),
        None,
        None,
    );
    let session = response.data.unwrap();
    assert_eq!(
        session.associated_id,
        "6bf2b8be-04dd-4191-b602-1128921a306b"
    );
    assert_eq!(
        session.id.as_deref(),
        Some("813432c7-3c5a-45e2-9acf-eef7061c7584")
    );
    assert_eq!(session.status, SessionStatus::Live);
    assert_eq!(session.type_, ActiveSessionType::Meeting);
    assert_eq!(session.live_participants, 1.0);
    assert_eq!(session.max_concurrent_participants, 2.0);
    assert_eq!(session.minutes_consumed, 2.3434);
    assert_eq!(session.started_at, "2022-01-12T14:21:34.388Z");
    assert_eq!(session.breakout_rooms, None);
    // Required, but left out: their empty value.
    assert_eq!(session.meeting_display_name, "");
    assert_eq!(session.organization_id, "");
}

#[tokio::test]
async fn active_session_kick_participants_posts_both_id_lists() {
    let server = answering(
        200,
        json!({
            "success": true,
            "data": {
                "action": "kick",
                "participants": [{
                    "id": "005f4e0c-4d08-4d4e-a391-a76be75cd296",
                    "name": "Mark",
                    "email": "mark@example.com",
                    "picture": null,
                    "created_at": "2023-02-01T10:51:08.039Z",
                    "updated_at": "2023-02-01T10:56:56.618Z"
                }]
            }
        }),
    )
    .await;
    let kicked = client(&server.uri())
        .active_session()
        .kick_participants(&KickParticipantsRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            meeting_id: MEETING.into(),
            body: KickParticipantsBody {
                participant_ids: vec!["005f4e0c-4d08-4d4e-a391-a76be75cd296".into()],
                custom_participant_ids: Vec::new(),
            },
        })
        .await
        .unwrap();
    // Both lists are required: the empty one is sent too.
    assert_sent(
        &only_request(&server).await,
        "POST",
        &format!("{APP_PATH}/meetings/{MEETING}/active-session/kick"),
        None,
        Some(json!({
            "custom_participant_ids": [],
            "participant_ids": ["005f4e0c-4d08-4d4e-a391-a76be75cd296"]
        })),
    );
    let data = kicked.data.unwrap();
    assert_eq!(data.action.as_deref(), Some("kick"));
    let participants = data.participants.unwrap();
    assert_eq!(participants.len(), 1);
    assert_eq!(participants[0].id, "005f4e0c-4d08-4d4e-a391-a76be75cd296");
    assert_eq!(participants[0].name.as_deref(), Some("Mark"));
    assert_eq!(participants[0].email.as_deref(), Some("mark@example.com"));
    assert_eq!(participants[0].picture, None);
    assert_eq!(participants[0].updated_at, "2023-02-01T10:56:56.618Z");
}

/// The spec's spelling, `kick_partcipants`, is kept for one release as a deprecated alias of
/// `kick_participants` (renamed by `spec/realtime-kit.toml`): it sends the same request.
#[tokio::test]
#[allow(deprecated)]
async fn active_session_kick_partcipants_is_the_renamed_method() {
    let server = answering(200, json!({"success": true, "data": {"action": "kick"}})).await;
    let kicked = client(&server.uri())
        .active_session()
        .kick_partcipants(&KickParticipantsRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            meeting_id: MEETING.into(),
            body: KickParticipantsBody {
                participant_ids: vec!["005f4e0c-4d08-4d4e-a391-a76be75cd296".into()],
                custom_participant_ids: Vec::new(),
            },
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        &format!("{APP_PATH}/meetings/{MEETING}/active-session/kick"),
        None,
        Some(json!({
            "custom_participant_ids": [],
            "participant_ids": ["005f4e0c-4d08-4d4e-a391-a76be75cd296"]
        })),
    );
    assert_eq!(kicked.data.unwrap().action.as_deref(), Some("kick"));
}

// --- presets ------------------------------------------------------------------------------------

/// A whole preset as the API returns it: a webinar presenter.
fn preset() -> Value {
    json!({
        "id": "4e2f0c4b-7d31-4a8e-9b1e-2c6a3f5d8e90",
        "name": "webinar_presenter",
        "created_at": "2024-05-01T12:00:00.000Z",
        "updated_at": "2024-06-01T12:00:00.000Z",
        "config": {
            "max_screenshare_count": 1,
            "max_video_streams": {"desktop": 25, "mobile": 6},
            "media": {
                "audio": {"enable_high_bitrate": true, "enable_stereo": false},
                "screenshare": {"frame_rate": 5, "quality": "hd"},
                "video": {"frame_rate": 30, "quality": "vga", "simulcast": true}
            },
            "view_type": "WEBINAR"
        },
        "permissions": {
            "accept_waiting_requests": true,
            "can_accept_production_requests": true,
            "can_change_participant_permissions": true,
            "can_edit_display_name": false,
            "can_livestream": false,
            "can_record": true,
            "can_spotlight": true,
            "chat": {
                "private": {"can_receive": true, "can_send": true, "files": false, "text": true},
                "public": {"can_send": true, "files": true, "text": true}
            },
            "connected_meetings": {
                "can_alter_connected_meetings": false,
                "can_switch_connected_meetings": false,
                "can_switch_to_parent_meeting": false
            },
            "disable_participant_audio": false,
            "disable_participant_screensharing": false,
            "disable_participant_video": false,
            "hidden_participant": false,
            "kick_participant": true,
            "media": {
                "audio": {"can_produce": "ALLOWED"},
                "screenshare": {"can_produce": "ALLOWED"},
                "video": {"can_produce": "CAN_REQUEST"}
            },
            "pin_participant": true,
            "plugins": {
                "can_close": true,
                "can_edit_config": false,
                "can_start": true,
                "config": {
                    "ae79b269-24ca-4f8a-8112-f96084b8c19a": {
                        "access_control": "FULL_ACCESS",
                        "handles_view_only": false
                    }
                }
            },
            "polls": {"can_create": true, "can_view": true, "can_vote": false},
            "recorder_type": "NONE",
            "show_participant_list": true,
            "stage_access": "ALLOWED",
            "waiting_room_type": "SKIP_ON_ACCEPT"
        },
        "ui": {"design_tokens": {
            "border_radius": "rounded",
            "border_width": "thin",
            "colors": {
                "background": {"600": "#222222", "700": "#1f1f1f", "800": "#1b1b1b", "900": "#181818", "1000": "#141414"},
                "brand": {"300": "#844d1c", "400": "#9d5b22", "500": "#b56927", "600": "#d37c30", "700": "#d9904f"},
                "danger": "#FF2D2D",
                "success": "#62A504",
                "text": "#EEEEEE",
                "text_on_brand": "#EEEEEE",
                "video_bg": "#191919",
                "warning": "#FFCD07"
            },
            "spacing_base": 4,
            "theme": "darkest"
        }}
    })
}

#[tokio::test]
async fn presets_update_preset_sends_only_the_changes_and_decodes_the_preset() {
    let server = answering(200, json!({"success": true, "data": preset()})).await;
    let response = client(&server.uri())
        .presets()
        .update_preset(&UpdatePresetRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            preset_id: ODD_ID.into(),
            body: UpdatePreset {
                name: Some("webinar_presenter".into()),
                config: Some(UpdatePresetConfig {
                    max_video_streams: Some(UpdatePresetMaxVideoStreams {
                        desktop: Some(25.0),
                        mobile: Some(6.0),
                    }),
                    view_type: Some(PresetViewType::Webinar),
                    ..Default::default()
                }),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "PATCH",
        &format!("{APP_PATH}/presets/{ODD_ID_ENCODED}"),
        None,
        Some(json!({
            "config": {"max_video_streams": {"desktop": 25.0, "mobile": 6.0}, "view_type": "WEBINAR"},
            "name": "webinar_presenter"
        })),
    );
    assert!(response.success);
    let preset = response.data;
    assert_eq!(
        preset.id.to_string(),
        "4e2f0c4b-7d31-4a8e-9b1e-2c6a3f5d8e90"
    );
    assert_eq!(preset.name, "webinar_presenter");
    assert_eq!(rfc3339(&preset.updated_at), "2024-06-01T12:00:00+00:00");
    assert_eq!(preset.config.view_type, PresetViewType::Webinar);
    assert_eq!(preset.config.max_video_streams.desktop, 25.0);
    assert_eq!(preset.config.media.video.quality, PresetQuality::Vga);
    assert_eq!(preset.config.media.video.simulcast, Some(true));
    assert_eq!(
        preset.config.media.audio.unwrap().enable_high_bitrate,
        Some(true)
    );
    let permissions = preset.permissions;
    assert!(permissions.can_record && !permissions.can_livestream);
    assert!(permissions.chat.public.files && !permissions.chat.private.files);
    assert_eq!(
        permissions.media.video.can_produce,
        PresetPermission::CanRequest
    );
    assert_eq!(permissions.recorder_type, PresetRecorderType::None);
    assert_eq!(permissions.stage_access, Some(PresetPermission::Allowed));
    assert_eq!(
        permissions.waiting_room_type,
        PresetWaitingRoomType::SkipOnAccept
    );
    let plugin = &permissions.plugins.config["ae79b269-24ca-4f8a-8112-f96084b8c19a"];
    assert_eq!(
        plugin.access_control,
        Some(PresetPluginConfigAccessControl::FullAccess)
    );
    assert!(permissions.polls.can_create && !permissions.polls.can_vote);
    let tokens = preset.ui.design_tokens;
    assert_eq!(tokens.theme, PresetTheme::Darkest);
    assert_eq!(tokens.border_radius, PresetBorderRadius::Rounded);
    assert_eq!(tokens.spacing_base, 4.0);
    // Properties named `500` and `1000`.
    assert_eq!(tokens.colors.brand.n500, "#b56927");
    assert_eq!(tokens.colors.background.n1000, "#141414");
}

#[tokio::test]
async fn presets_get_presets_pages_walks_every_page() {
    let all: Vec<Value> = ["group_call_host", "group_call_guest", "webinar_presenter"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({
                "id": format!("4e2f0c4b-7d31-4a8e-9b1e-2c6a3f5d8e9{i}"),
                "name": name,
                "created_at": "2024-05-01T12:00:00.000Z",
                "updated_at": "2024-06-01T12:00:00.000Z"
            })
        })
        .collect();
    let list = format!("{APP_PATH}/presets");
    let server = common::paged_list(&list, all, 2).await;
    let presets = client(&server.uri())
        .presets()
        .get_presets_pages(&GetPresetsRequest {
            per_page: Some(2),
            ..GetPresetsRequest::new(ACCOUNT, APP)
        })
        .items()
        .collect()
        .await
        .unwrap();
    let names: Vec<_> = presets.iter().map(|p| p.name.as_deref().unwrap()).collect();
    assert_eq!(
        names,
        ["group_call_host", "group_call_guest", "webinar_presenter"]
    );
    assert_eq!(
        presets[2].id.unwrap().to_string(),
        "4e2f0c4b-7d31-4a8e-9b1e-2c6a3f5d8e92"
    );
    // `per_page` comes first here: the spec's order of the parameters.
    assert_eq!(
        common::page_queries(&server, &list).await,
        ["per_page=2&page_no=1", "per_page=2&page_no=2"]
    );
}

// --- recordings ---------------------------------------------------------------------------------

/// A recording as the API returns it.
fn recording(id: &str, file: &str, status: &str) -> Value {
    json!({
        "id": id,
        "session_id": "813432c7-3c5a-45e2-9acf-eef7061c7584",
        "invoked_time": "2024-07-01T10:00:00.000Z",
        "started_time": "2024-07-01T10:00:04.500Z",
        "stopped_time": null,
        "output_file_name": file,
        "status": status,
        "file_size": 1048576.5,
        "recording_duration": 62,
        "download_url": null
    })
}

#[tokio::test]
async fn recordings_start_recording_posts_the_config_and_decodes_the_recording() {
    let mut started = recording(
        "b1a3a4d2-2f5b-4a34-8d7c-9f5e8d6c4b21",
        "standup_2024-07-01.mp4",
        "INVOKED",
    );
    started["start_reason"] = json!({
        "reason": "API_CALL",
        "caller": {"name": "Jane Doe", "type": "ORGANIZATION", "user_id": "0a08343d-a9dc-45f0-9feb-6a64afcc4f81"}
    });
    let server = answering(200, json!({"success": true, "data": started})).await;
    let response = client(&server.uri())
        .recordings()
        .start_recording(&StartRecordingRequest {
            account_id: ACCOUNT.into(),
            app_id: ODD_ID.into(),
            body: StartRecordingBody {
                max_seconds: Some(60),
                allow_multiple_recordings: Some(false),
                audio_config: Some(AudioConfig {
                    channel: Some(AudioConfigChannel::Stereo),
                    codec: Some(AudioConfigCodec::Aac),
                    export_file: Some(true),
                }),
                video_config: Some(VideoConfig {
                    codec: Some(VideoConfigCodec::H264),
                    height: Some(720),
                    width: Some(1280),
                    watermark: Some(VideoConfigWatermark {
                        position: Some(VideoConfigPosition::LeftTop),
                        size: Some(VideoConfigSize {
                            height: Some(1),
                            width: Some(1),
                        }),
                        url: Some("http://example.com".into()),
                    }),
                    ..Default::default()
                }),
                realtimekit_bucket_config: Some(RealtimekitBucketConfig { enabled: true }),
                ..StartRecordingBody::new(MEETING.parse().unwrap())
            },
        })
        .await
        .unwrap();
    // The spec's request example, less the fields left unset.
    assert_sent(
        &only_request(&server).await,
        "POST",
        &format!("{KIT}/{ODD_ID_ENCODED}/recordings"),
        None,
        Some(json!({
            "allow_multiple_recordings": false,
            "audio_config": {"channel": "stereo", "codec": "AAC", "export_file": true},
            "max_seconds": 60,
            "meeting_id": MEETING,
            "realtimekit_bucket_config": {"enabled": true},
            "video_config": {
                "codec": "H264",
                "height": 720,
                "watermark": {"position": "left top", "size": {"height": 1, "width": 1}, "url": "http://example.com"},
                "width": 1280
            }
        })),
    );
    assert!(response.success);
    let recording = response.data.unwrap();
    assert_eq!(
        recording.id.unwrap().to_string(),
        "b1a3a4d2-2f5b-4a34-8d7c-9f5e8d6c4b21"
    );
    assert_eq!(recording.status, RecordingStatus::Invoked);
    assert_eq!(recording.output_file_name, "standup_2024-07-01.mp4");
    assert_eq!(
        rfc3339(&recording.invoked_time),
        "2024-07-01T10:00:00+00:00"
    );
    assert_eq!(
        rfc3339(&recording.started_time.unwrap()),
        "2024-07-01T10:00:04.500+00:00"
    );
    assert_eq!(recording.stopped_time, None);
    assert_eq!(recording.download_url, None);
    assert_eq!(recording.file_size, Some(1048576.5));
    assert_eq!(recording.recording_duration, Some(62));
    let reason = recording.start_reason.unwrap();
    assert_eq!(reason.reason, Some(StartReasonReason::ApiCall));
    let caller = reason.caller.unwrap();
    assert_eq!(caller.name.as_deref(), Some("Jane Doe"));
    assert_eq!(caller.type_, Some(ReasonType::Organization));
    assert_eq!(recording.stop_reason, None);
}

#[tokio::test]
async fn recordings_get_all_recordings_pages_walks_every_page_with_the_status_list() {
    let all: Vec<Value> = (0..4)
        .map(|i| {
            let status = if i == 2 { "ERRORED" } else { "UPLOADED" };
            recording(
                &format!("b1a3a4d2-2f5b-4a34-8d7c-9f5e8d6c4b2{i}"),
                &format!("r{i}.mp4"),
                status,
            )
        })
        .collect();
    let list = format!("{APP_PATH}/recordings");
    let server = common::paged_list(&list, all, 3).await;
    let recordings = client(&server.uri())
        .recordings()
        .get_all_recordings_pages(&GetAllRecordingsRequest {
            meeting_id: Some(MEETING.into()),
            per_page: Some(3),
            status: Some(vec![RecordingStatus::Uploaded, RecordingStatus::Errored]),
            ..GetAllRecordingsRequest::new(ACCOUNT, APP)
        })
        .items()
        .collect()
        .await
        .unwrap();
    let files: Vec<_> = recordings
        .iter()
        .map(|r| r.output_file_name.as_str())
        .collect();
    assert_eq!(files, ["r0.mp4", "r1.mp4", "r2.mp4", "r3.mp4"]);
    assert_eq!(recordings[2].status, RecordingStatus::Errored);
    // `status` is `explode: false`: one parameter, the values separated by commas.
    assert_eq!(
        common::page_queries(&server, &list).await,
        [
            format!("meeting_id={MEETING}&page_no=1&per_page=3&status=UPLOADED,ERRORED"),
            format!("meeting_id={MEETING}&page_no=2&per_page=3&status=UPLOADED,ERRORED"),
        ]
    );
}

// --- sessions -----------------------------------------------------------------------------------

#[tokio::test]
async fn sessions_get_session_participants_sends_the_view_and_decodes_the_spec_example() {
    // The spec's example (`ParticipantListSuccess`), stray quote in `joined_at` included.
    let server = answering(
        200,
        json!({
            "data": {
                "paging": {"end_offset": 2, "start_offset": 1, "total_count": 123},
                "participants": [
                    {
                        "created_at": "2023-02-01T10:51:08.039Z",
                        "custom_participant_id": "83qi0i",
                        "display_name": "Mark",
                        "duration": 5.8097,
                        "id": "005f4e0c-4d08-4d4e-a391-a76be75cd296",
                        "joined_at": "2023-02-01T10:51:08.030Z",
                        "left_at": "2023-02-01T10:56:56.612Z",
                        "preset_name": "webinar_participant",
                        "updated_at": "2023-02-01T10:56:56.618Z",
                        "user_id": "0a08343d-a9dc-45f0-9feb-6a64afcc4f81"
                    },
                    {
                        "created_at": "2023-02-01T10:50:36.853Z",
                        "custom_participant_id": "3uggr",
                        "display_name": "Henry",
                        "duration": 6.9263,
                        "id": "51fdf95f-d893-471a-922b-7db7adb14453",
                        "joined_at": "2023-02-01T10:50:36.846Z\"",
                        "left_at": "2023-02-01T10:57:32.424Z",
                        "preset_name": "webinar_participant",
                        "updated_at": "2023-02-01T10:57:32.431Z",
                        "user_id": "85e7f0fd-7c16-45e9-9d68-f17ef007c4eb"
                    }
                ]
            },
            "success": true
        }),
    )
    .await;
    let response = client(&server.uri())
        .sessions()
        .get_session_participants(&GetSessionParticipantsRequest {
            per_page: Some(25),
            sort_order: Some(SortOrder::Desc),
            sort_by: Some(ParticipantsSortBy::Duration),
            include_peer_events: Some(false),
            view: Some(GetSessionParticipantsView::Consolidated),
            ..GetSessionParticipantsRequest::new(ACCOUNT, APP, ODD_ID)
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "GET",
        &format!("{APP_PATH}/sessions/{ODD_ID_ENCODED}/participants"),
        Some(
            "per_page=25&sort_order=DESC&sort_by=duration&include_peer_events=false&view=consolidated",
        ),
        None,
    );
    assert_eq!(response.success, Some(true));
    let participants = response.data.unwrap().participants.unwrap();
    assert_eq!(participants.len(), 2);
    let mark = &participants[0];
    assert_eq!(mark.display_name.as_deref(), Some("Mark"));
    assert_eq!(mark.custom_participant_id.as_deref(), Some("83qi0i"));
    assert_eq!(mark.duration, Some(5.8097));
    assert_eq!(mark.preset_name.as_deref(), Some("webinar_participant"));
    assert_eq!(
        mark.user_id.as_deref(),
        Some("0a08343d-a9dc-45f0-9feb-6a64afcc4f81")
    );
    assert_eq!(mark.peer_events, None);
    assert_eq!(
        participants[1].joined_at.as_deref(),
        Some("2023-02-01T10:50:36.846Z\"")
    );
}

#[tokio::test]
async fn sessions_get_session_details_decodes_nested_breakout_rooms() {
    let room = |id: &str, name: &str| {
        json!({
            "id": id,
            "associated_id": "6bf2b8be-04dd-4191-b602-1128921a306b",
            "meeting_display_name": name,
            "organization_id": "c4d3e2f1-0000-4000-8000-000000000001",
            "created_at": "2022-01-12T14:21:34.398Z",
            "started_at": "2022-01-12T14:21:34.388Z",
            "updated_at": "2022-01-12T14:26:00.784Z",
            "ended_at": null,
            "live_participants": 3,
            "max_concurrent_participants": 4,
            "minutes_consumed": 10.5,
            "status": "LIVE",
            "type": "meeting"
        })
    };
    let mut session = room("813432c7-3c5a-45e2-9acf-eef7061c7584", "All hands");
    let mut breakout = room("1f2e3d4c-0000-4000-8000-000000000002", "Room A");
    breakout["breakout_rooms"] = json!([]);
    session["breakout_rooms"] = json!([breakout]);
    session["status"] = json!("ENDED");
    session["ended_at"] = json!("2022-01-12T15:00:00.000Z");
    let server = answering(200, json!({"success": true, "data": session})).await;
    let response = client(&server.uri())
        .sessions()
        .get_session_details(&GetSessionDetailsRequest {
            account_id: ACCOUNT.into(),
            app_id: APP.into(),
            session_id: "813432c7-3c5a-45e2-9acf-eef7061c7584".into(),
            include_breakout_rooms: Some(true),
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "GET",
        &format!("{APP_PATH}/sessions/813432c7-3c5a-45e2-9acf-eef7061c7584"),
        Some("include_breakout_rooms=true"),
        None,
    );
    let session = response.data.unwrap();
    assert_eq!(session.meeting_display_name, "All hands");
    assert_eq!(session.status, SessionStatus::Ended);
    assert_eq!(
        session.ended_at.as_deref(),
        Some("2022-01-12T15:00:00.000Z")
    );
    let rooms = session.breakout_rooms.unwrap();
    assert_eq!(rooms.len(), 1);
    assert_eq!(rooms[0].meeting_display_name, "Room A");
    assert_eq!(rooms[0].status, SessionStatus::Live);
    assert_eq!(rooms[0].ended_at, None);
    assert_eq!(rooms[0].live_participants, 3.0);
    assert_eq!(rooms[0].breakout_rooms.as_deref(), Some(&[][..]));
}

// --- webhooks -----------------------------------------------------------------------------------

#[tokio::test]
async fn webhooks_add_webhook_posts_the_events_and_decodes_the_webhook() {
    // The response is built from the examples of the spec's `Webhook` schema.
    let server = answering(
        201,
        json!({
            "success": true,
            "data": {
                "id": "0d1f069d-43bb-489a-ad8c-7eb95592ba8e",
                "name": "All events webhook",
                "url": "https://webhook.site/b23a5bbd-c7b0-4ced-a9e2-78ae7889897e",
                "events": ["meeting.started", "meeting.ended", "recording.statusUpdate"],
                "enabled": true,
                "created_at": "2022-05-28T07:01:53.075Z",
                "updated_at": "2022-05-28T07:01:53.075Z"
            }
        }),
    )
    .await;
    let response = client(&server.uri())
        .webhooks()
        .add_webhook(&AddWebhookRequest {
            account_id: ACCOUNT.into(),
            app_id: ODD_ID.into(),
            body: WebhookRequest {
                name: "All events webhook".into(),
                url: "https://webhook.site/b23a5bbd-c7b0-4ced-a9e2-78ae7889897e".into(),
                events: vec![
                    WebhookEvent::MeetingStarted,
                    WebhookEvent::MeetingEnded,
                    WebhookEvent::RecordingStatusUpdate,
                ],
                enabled: Some(true),
            },
        })
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        &format!("{KIT}/{ODD_ID_ENCODED}/webhooks"),
        None,
        Some(json!({
            "enabled": true,
            "events": ["meeting.started", "meeting.ended", "recording.statusUpdate"],
            "name": "All events webhook",
            "url": "https://webhook.site/b23a5bbd-c7b0-4ced-a9e2-78ae7889897e"
        })),
    );
    assert!(response.success);
    let webhook = response.data;
    assert_eq!(
        webhook.id.unwrap().to_string(),
        "0d1f069d-43bb-489a-ad8c-7eb95592ba8e"
    );
    assert_eq!(webhook.name, "All events webhook");
    assert!(webhook.enabled);
    assert_eq!(
        webhook.events,
        [
            WebhookEvent::MeetingStarted,
            WebhookEvent::MeetingEnded,
            WebhookEvent::RecordingStatusUpdate
        ]
    );
    assert_eq!(
        rfc3339(&webhook.created_at),
        "2022-05-28T07:01:53.075+00:00"
    );
}
