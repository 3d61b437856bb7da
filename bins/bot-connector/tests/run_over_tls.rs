//! `bot-connector run` against the emulator over TLS, the only thing a real
//! account speaks: the emulator's generated CA is trusted through the config
//! file's `[tls] extra_ca_file`; a messaging bot and a chat bot come Online,
//! answer, and keep answering after their connections are cut.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use liveengage_sim::{Sim, SimHandle, UserConfig};
use serde_json::Value;

const ADMIN: &str = "run-over-tls-admin-token-0123456789";
const WAIT: Duration = Duration::from_secs(30);

/// Kills the connector when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const SCRIPT: &str = r#"[welcome]
outputs = [{ type = "text", text = "hello" }]

[fallback]
outputs = [{ type = "text", text = "echo: {message}" }]
"#;

fn config(sim: &SimHandle, port: u16, dir: &std::path::Path) -> String {
    let ca = sim.ca_path().expect("TLS is on");
    let script = toml::Value::String(SCRIPT.to_owned());
    format!(
        r#"[server]
listen = "127.0.0.1:{port}"
database = "{db}"
admin_token = "{ADMIN}"

[tls]
extra_ca_file = "{ca}"

[[bots]]
id = "messaging-bot"
liveengage = {{ account_id = "{account}", csds = "{csds}", login = {{ type = "password", username = "echo-bot", password = "secret" }}, skills = {{ human = "2" }}, reconnect = {{ base = "50ms", max = "500ms" }} }}
conversation = {{ type = "messaging" }}
escalation = {{ transfer_skill = "human" }}
engine = {{ type = "script", source = {script} }}

[[bots]]
id = "chat-bot"
liveengage = {{ account_id = "{account}", csds = "{csds}", login = {{ type = "password", username = "chat-bot", password = "secret" }}, skills = {{ human = "2" }} }}
conversation = {{ type = "chat", request_timeout = "1s", polling = {{ active = "100ms", idle = "100ms", idle_max = "300ms" }} }}
escalation = {{ transfer_skill = "human" }}
engine = {{ type = "script", source = {script} }}
"#,
        db = dir.join("bots.db").display(),
        ca = ca.display(),
        account = sim.account_id(),
        csds = sim.base_url(),
    )
}

/// `GET /api/bots/{id}/status` over plain HTTP (the API listens on loopback).
async fn state(port: u16, id: &str) -> Option<Value> {
    let reply = liveengage_sim::client::http(
        "GET",
        &format!("http://127.0.0.1:{port}/api/bots/{id}/status"),
        &[("authorization", &format!("Bearer {ADMIN}"))],
        None,
    )
    .await
    .ok()?;
    Some(reply.json())
}

async fn wait_online(port: u16, id: &str) {
    let deadline = Instant::now() + WAIT;
    let mut last = None;
    while Instant::now() < deadline {
        last = state(port, id).await;
        if last.as_ref().is_some_and(|s| s["state"] == "Online") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{id} did not come Online over TLS; last status: {last:?}");
}

fn agent_lines(sim: &SimHandle, chat: &str) -> Vec<String> {
    sim.chat_events(chat)
        .into_iter()
        .filter(|e| {
            e.by.as_deref() == Some("agent") && e.sub_type.as_deref() != Some("ONLY_TO_REP")
        })
        .filter_map(|e| e.text)
        .collect()
}

async fn wait_chat_line(sim: &SimHandle, chat: &str, line: &str) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if agent_lines(sim, chat).iter().any(|l| l == line) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the chat bot never said {line:?}; it said {:?}",
        agent_lines(sim, chat)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_over_tls_messaging_and_chat_bots_answer_and_survive_dropped_connections() {
    let sim = Sim::builder()
        .tls(true)
        .skill("1", "Bot")
        .skill("2", "Human")
        .skill("3", "ChatBot")
        .user(UserConfig::new("echo-bot", "secret", "1234567890", &["1"]))
        .user(UserConfig::new("chat-bot", "secret", "1234567892", &["3"]))
        .user(UserConfig::new("agent", "secret", "1234567891", &["2"]))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let path = dir.path().join("bots.toml");
    std::fs::write(&path, config(&sim, port, dir.path())).unwrap();
    let _connector = Running(
        Command::new(env!("CARGO_BIN_EXE_bot-connector"))
            .args(["run", "--config"])
            .arg(&path)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start bot-connector"),
    );
    wait_online(port, "messaging-bot").await;
    wait_online(port, "chat-bot").await;

    // Messaging: a consumer's line is answered over wss://.
    let mut consumer = sim.consumer().await.unwrap();
    consumer.open_conversation(Some("1")).await.unwrap();
    consumer.send_text("first").await.unwrap();
    assert_eq!(consumer.next_agent_text(WAIT).await.unwrap(), "echo: first");

    // Chat: a visitor is welcomed and answered over https://.
    let chat = sim.start_chat(Some("3"), "Dee", None).unwrap();
    wait_chat_line(&sim, &chat, "hello").await;
    sim.visitor_says(&chat, "one").unwrap();
    wait_chat_line(&sim, &chat, "echo: one").await;

    // The bot's socket is dropped: it reconnects and answers the next line.
    assert!(sim.faults().drop_sockets() >= 1, "no socket to drop");
    wait_online(port, "messaging-bot").await;
    consumer.send_text("second").await.unwrap();
    assert_eq!(
        consumer.next_agent_text(WAIT).await.unwrap(),
        "echo: second"
    );
    let status = state(port, "messaging-bot").await.unwrap();
    assert!(status["reconnects"].as_u64() >= Some(1), "{status}");

    // Chat: every bearer expires and the next two polls' answers are lost;
    // the bot logs in again and answers each line once.
    sim.faults().expire_tokens();
    sim.faults()
        .drop_http_answers("/events", Some("GET"), Duration::from_millis(1500), Some(2));
    sim.visitor_says(&chat, "two").unwrap();
    wait_chat_line(&sim, &chat, "echo: two").await;
    wait_online(port, "chat-bot").await;
    assert_eq!(
        agent_lines(&sim, &chat),
        vec![
            "hello".to_owned(),
            "echo: one".to_owned(),
            "echo: two".to_owned()
        ]
    );
    assert_eq!(
        sim.faults().http_faults_left(),
        0,
        "the lost answers happened"
    );
}
