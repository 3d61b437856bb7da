//! The binary starts, prints where it listens, and serves CSDS; a config
//! file changes the account.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use liveengage_sim::client::http;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts le-sim and returns it with the base URL it printed.
fn start(args: &[&str]) -> (Running, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_le-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("le-sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("readable stdout");
        let done = line.starts_with("Press Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let base = lines[0]
        .strip_prefix("le-sim is listening on ")
        .expect("first line names the URL")
        .to_owned();
    (running, base, lines)
}

#[tokio::test]
async fn starts_and_serves_csds() {
    let (_sim, base, lines) = start(&["--plain", "--bind", "127.0.0.1:0"]);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(
        lines.iter().any(|l| l.contains("echo-bot / secret")),
        "{lines:?}"
    );
    let reply = http(
        "GET",
        &format!("{base}/api/account/12345678/service/baseURI.json?version=1.0"),
        &[],
        None,
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200);
    let host = base.trim_start_matches("http://");
    assert!(
        reply.json()["baseURIs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["baseURI"] == host)
    );
}

#[tokio::test]
async fn tls_by_default_with_the_ca_path_printed() {
    let dir = std::env::temp_dir().join(format!("le-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let (_sim, base, lines) = start(&["--bind", "127.0.0.1:0", "--ca-path", ca.to_str().unwrap()]);
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    assert!(
        lines.iter().any(|l| l.contains(ca.to_str().unwrap())),
        "{lines:?}"
    );
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_config_file_sets_the_account() {
    let dir = std::env::temp_dir().join(format!("le-sim-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("sim.toml");
    std::fs::write(
        &config,
        "account_id = \"999\"\n[[skills]]\nid = \"7\"\nname = \"Sales\"\n",
    )
    .unwrap();
    let (_sim, base, lines) = start(&[
        "--plain",
        "--bind",
        "127.0.0.1:0",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(lines.iter().any(|l| l.contains("7 Sales")), "{lines:?}");
    let ok = http(
        "GET",
        &format!("{base}/api/account/999/service/baseURI.json"),
        &[],
        None,
    )
    .await
    .unwrap();
    assert_eq!(ok.status, 200);
    let other = http(
        "GET",
        &format!("{base}/api/account/12345678/service/baseURI.json"),
        &[],
        None,
    )
    .await
    .unwrap();
    assert_eq!(other.status, 404);
    std::fs::remove_dir_all(&dir).unwrap();
}
