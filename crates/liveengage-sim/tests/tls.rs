//! TLS: the generated CA is written to a file and trusted by a rustls
//! client for both HTTPS (CSDS, login) and WSS (the agent socket).

use std::sync::Arc;

use liveengage_proto::csds::CsdsResponse;
use liveengage_sim::Sim;
use liveengage_sim::client::http_over;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

fn connector(ca_pem: &[u8]) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(connector_http::crypto_provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn https_and_wss_work_with_the_written_ca() {
    let dir = std::env::temp_dir().join(format!("le-sim-tls-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_path = dir.join("ca.pem");
    let sim = Sim::builder()
        .tls(true)
        .ca_path(ca_path.clone())
        .start()
        .await
        .unwrap();
    assert!(sim.base_url().starts_with("https://127.0.0.1:"));
    assert_eq!(sim.ca_path(), Some(ca_path.as_path()));
    let pem = std::fs::read(&ca_path).unwrap();
    assert_eq!(pem, sim.ca_pem().unwrap().as_bytes());
    let tls = connector(&pem);

    for name in ["127.0.0.1", "localhost"] {
        let tcp = TcpStream::connect(sim.addr()).await.unwrap();
        let stream = tls
            .connect(ServerName::try_from(name.to_owned()).unwrap(), tcp)
            .await
            .unwrap();
        let reply = http_over(
            stream,
            "GET",
            sim.host(),
            "/api/account/12345678/service/baseURI.json?version=1.0",
            &[("Accept", "application/json")],
            None,
        )
        .await
        .unwrap();
        assert_eq!(reply.status, 200, "{name}");
        let csds: CsdsResponse = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(csds.find("asyncMessagingEnt"), Some(sim.host()));
    }

    let tcp = TcpStream::connect(sim.addr()).await.unwrap();
    let stream = tls
        .connect(ServerName::try_from("127.0.0.1".to_owned()).unwrap(), tcp)
        .await
        .unwrap();
    let reply = http_over(
        stream,
        "POST",
        sim.host(),
        "/api/account/12345678/login?v=1.3",
        &[],
        Some(r#"{"username":"echo-bot","password":"secret"}"#),
    )
    .await
    .unwrap();
    let bearer = reply.json()["bearer"].as_str().unwrap().to_owned();

    let url = sim.agent_ws_url(&bearer);
    assert!(url.starts_with("wss://"));
    let tcp = TcpStream::connect(sim.addr()).await.unwrap();
    let stream = tls
        .connect(ServerName::try_from("127.0.0.1".to_owned()).unwrap(), tcp)
        .await
        .unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    use futures::{SinkExt, StreamExt};
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        r#"{"kind":"req","id":"1","type":".GetClock","body":{}}"#.into(),
    ))
    .await
    .unwrap();
    let answer = ws.next().await.unwrap().unwrap();
    let answer: serde_json::Value = serde_json::from_str(answer.to_text().unwrap()).unwrap();
    assert_eq!(answer["code"], 200);
    assert_eq!(answer["type"], ".GetClock$Response");

    // A client that does not trust the CA is refused.
    let untrusting = connector(b"");
    let tcp = TcpStream::connect(sim.addr()).await.unwrap();
    assert!(
        untrusting
            .connect(ServerName::try_from("127.0.0.1".to_owned()).unwrap(), tcp)
            .await
            .is_err()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_consumer_helper_works_over_wss() {
    let dir = std::env::temp_dir().join(format!("le-sim-tls-consumer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sim = Sim::builder()
        .tls(true)
        .ca_path(dir.join("ca.pem"))
        .start()
        .await
        .unwrap();
    assert!(sim.consumer_ws_url().starts_with("wss://"));
    let mut consumer = sim.consumer().await.unwrap();
    let conv = consumer.open_conversation(None).await.unwrap();
    assert_eq!(consumer.send_text("over tls").await.unwrap(), 0);
    assert_eq!(sim.transcript(&conv).unwrap().texts()[0].1, "over tls");
    std::fs::remove_dir_all(&dir).unwrap();
}
