//! TLS on a real connection: a server on loopback (tokio-rustls) with a certificate issued by
//! a test CA made for the run (rcgen), and the client trusting that CA through
//! `ClientBuilder::add_root_certificate`, as a program behind a company's proxy or calling an
//! internal server would. It runs with whichever TLS feature the crate is built with: `rustls`
//! (the default) here, and `rustls-ring` and `native-tls` too from
//! `generator/tests/features.rs`, which builds a crate with each and runs this file.

use std::sync::Arc;
use std::sync::mpsc;

use cloudflare_realtime_kit::{Client, GetMeetingParticipantRequest, reqwest};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const TOKEN: &str = "tls-test-token";
const PATH: &str = "/accounts/acc-1/realtime/kit/app-1/meetings/meet-1/participants/part-1";
const BODY: &str = r#"{"data":{"id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","created_at":"2019-12-27T18:11:19.117Z","custom_participant_id":"custom_participant_id","preset_name":"preset_name","updated_at":"2019-12-27T18:11:19.117Z","name":"name","picture":"https://example.com"},"success":true}"#;

/// A test CA (its certificate as PEM) and a server certificate it issued for `127.0.0.1`,
/// with the server's key.
fn certificates() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    // Each with a name of its own: a certificate whose issuer is named as its subject is
    // self-signed to OpenSSL.
    let named = |names: Vec<String>, name: &str| {
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, name);
        params
    };
    let mut ca = named(Vec::new(), "Test CA of generated/tests/tls.rs");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let server = named(vec!["127.0.0.1".to_string()], "127.0.0.1")
        .signed_by(&key, &ca)
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (ca.pem(), server.der().clone(), key)
}

/// A TLS server on a free loopback port that answers each request with [`BODY`] and sends the
/// head of each request it read (decrypted) to the receiver; a connection whose handshake
/// fails is dropped. Returns the base URL, the CA's certificate and the receiver.
async fn server() -> (String, String, mpsc::Receiver<String>) {
    let (ca, certificate, key) = certificates();
    // The server's own crypto provider, whatever stack the client is built with.
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (heads, received) = mpsc::channel();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let heads = heads.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let _ = heads.send(String::from_utf8_lossy(&head).into_owned());
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{BODY}",
                    BODY.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://127.0.0.1:{port}"), ca, received)
}

fn request() -> GetMeetingParticipantRequest {
    GetMeetingParticipantRequest {
        account_id: "acc-1".into(),
        app_id: "app-1".into(),
        meeting_id: "meet-1".into(),
        participant_id: "part-1".into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_completes_over_tls_with_the_root_certificate_given() {
    let (base_url, ca, received) = server().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&base_url)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap())
        .max_retries(0)
        .build()
        .unwrap();
    let participant = client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap();
    assert_eq!(participant.data.name.as_deref(), Some("name"));
    // What the server decrypted (sent before it answered): the request, with its credentials.
    let head = received.try_recv().unwrap();
    assert!(
        head.starts_with(&format!("GET {PATH} HTTP/1.1\r\n")),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("authorization: bearer {TOKEN}\r\n").to_ascii_lowercase()),
        "{head}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_the_client_does_not_trust_is_refused() {
    let (base_url, _, received) = server().await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&base_url)
        .max_retries(0)
        .build()
        .unwrap();
    let error = client
        .meetings()
        .get_meeting_participant(&request())
        .await
        .unwrap_err();
    assert!(error.is_connection(), "{error:?}");
    let message = format!("{error}").to_ascii_lowercase();
    assert!(message.contains("certificate"), "{message}");
    // Nothing was sent: the handshake failed first.
    assert!(received.try_recv().is_err());
}

#[test]
fn a_root_certificate_and_a_client_of_the_users_are_refused_together() {
    let (ca, _, _) = certificates();
    // With `rustls-ring`, the crate's own client installs ring as rustls's provider, which a
    // `reqwest::Client` built by the program needs (docs/client-guide.md).
    Client::builder().token(TOKEN).build().unwrap();
    let error = Client::builder()
        .token(TOKEN)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("add_root_certificate"),
        "{error}"
    );
}
