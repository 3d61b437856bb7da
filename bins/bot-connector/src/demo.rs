//! `bot-connector demo`: the emulator, a script bot on it, the dashboard and
//! the tester in one process; `--once` plays a scripted conversation.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use liveengage_sim::{Entry, Sim, SimHandle, Transcript};
use serde_json::{Value, json};

use crate::access::Role;
use crate::assemble::Network;
use crate::fleet::Source;
use crate::server::{bind, new_fleet, serve, shutdown_signal};
use crate::state::App;
use crate::store::Store;
use crate::tester::{Line, Tester, render};

/// The demo bot's script (`examples/scripts/demo-bot.toml`).
pub const DEMO_SCRIPT: &str = include_str!("../../../examples/scripts/demo-bot.toml");

/// The demo bot's id.
pub const DEMO_BOT: &str = "demo-bot";

/// How long `--once` waits for each step.
const STEP: Duration = Duration::from_secs(20);

/// Why the demo failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The emulator failed.
    #[error("emulator: {0}")]
    Sim(#[from] liveengage_sim::SimError),
    /// The server or a bot failed.
    #[error("{0}")]
    Serve(#[from] crate::server::ServeError),
    /// The database failed.
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// The demo bot failed to start.
    #[error("{0}")]
    Fleet(#[from] crate::fleet::FleetError),
    /// The connections to the emulator cannot be set up.
    #[error("cannot set up TLS to the emulator: {0}")]
    Tls(String),
    /// A step of the scripted conversation did not happen.
    #[error("the scripted conversation failed: {0}")]
    Script(String),
}

/// The demo bot's definition on `sim`.
#[must_use]
pub fn demo_definition(sim: &SimHandle) -> Value {
    json!({
        "id": DEMO_BOT,
        "name": "Trailhead Outfitters demo bot",
        "liveengage": {
            "account_id": sim.account_id(),
            "csds": sim.base_url(),
            "login": {"type": "password", "username": "echo-bot", "password": "secret"},
            "skills": {"Bot": "1", "human-agents": "2"},
        },
        "conversation": {"type": "messaging", "welcome": true},
        "escalation": {
            "transfer_skill": "human-agents",
            "customer_message": "Let me get you to a teammate.",
            "agent_message": "The bot hit an error; please take over.",
            "failure_message": "Sorry, nobody can take this conversation right now.",
        },
        "engine": {"type": "script", "source": DEMO_SCRIPT},
    })
}

/// Starts the emulator (skills Bot=1 and human-agents=2, its default bot
/// user) and an application with the demo bot loaded, not started.
///
/// # Errors
///
/// [`DemoError`].
pub async fn setup() -> Result<(Arc<SimHandle>, Arc<App>), DemoError> {
    let sim = Arc::new(
        Sim::builder()
            .skill("1", "Bot")
            .skill("2", "human-agents")
            // As a real account: https and wss only.
            .tls(true)
            .start()
            .await?,
    );
    // The bot trusts the emulator's generated CA on top of Mozilla's roots.
    let ca = sim
        .ca_pem()
        .ok_or_else(|| DemoError::Tls("the emulator has no CA".into()))?;
    let trust = connector_http::Trust::default()
        .with_extra_ca_pem(ca.as_bytes())
        .map_err(|e| DemoError::Tls(e.to_string()))?;
    let network = Network::new(trust).map_err(DemoError::Tls)?;
    let app = App::new(
        new_fleet(network),
        Store::in_memory()?,
        Some(Tester::new(Arc::clone(&sim))),
        std::env::current_dir().unwrap_or_default(),
    );
    let raw = demo_definition(&sim);
    let spec = app.parse_definition(&raw).map_err(|e| {
        DemoError::Script(format!(
            "the demo definition is invalid: {}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    app.fleet.insert(spec, raw, Source::Api)?;
    app.store.insert_bot(
        DEMO_BOT,
        &app.fleet
            .definition(DEMO_BOT)
            .map(|d| d.1)
            .unwrap_or_default(),
    )?;
    Ok((sim, app))
}

/// Waits until the demo bot is Online.
async fn online(app: &App) -> Result<(), DemoError> {
    let deadline = Instant::now() + STEP;
    while Instant::now() < deadline {
        if app
            .fleet
            .status(DEMO_BOT)
            .is_some_and(|s| s.state == "Online")
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(DemoError::Script("the demo bot did not come Online".into()))
}

/// `demo`: serves until Ctrl-C/SIGTERM and prints the URLs.
///
/// # Errors
///
/// [`DemoError`].
pub async fn run(listen: SocketAddr) -> Result<(), DemoError> {
    let (sim, app) = setup().await?;
    let (token, _) = app.create_token("demo admin", Role::Admin, &[])?;
    app.fleet.start(DEMO_BOT).await?;
    app.store.set_enabled(DEMO_BOT, true)?;
    online(&app).await?;
    let listener = match bind(listen).await {
        Ok(l) => l,
        Err(err) => {
            tracing::warn!("{err}; using a free port instead");
            bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?
        }
    };
    let addr = listener
        .local_addr()
        .map_err(crate::server::ServeError::Io)?;
    app.set_ready(true);
    println!("bot-connector demo is running (Ctrl-C to stop)\n");
    println!("  Dashboard:            http://{addr}/  (sign in with the admin token below)");
    println!("  Conversation tester:  http://{addr}/tester  (after signing in)");
    println!("  Management API:       http://{addr}/api/bots  (Authorization: Bearer {token})");
    println!("  Prometheus metrics:   http://{addr}/metrics");
    println!(
        "  LiveEngage emulator:  {} (account {})",
        sim.base_url(),
        sim.account_id()
    );
    println!(
        "\nThe demo bot \"{DEMO_BOT}\" is Online; say \"show me shoes\", \"order 123456\", \"agent\" or \"bye\" in the tester."
    );
    serve(app, listener, shutdown_signal()).await?;
    Ok(())
}

/// `demo --once`: plays the scripted conversations and returns the printed transcript.
///
/// # Errors
///
/// [`DemoError::Script`] naming the step that did not happen.
pub async fn once() -> Result<String, DemoError> {
    let (sim, app) = setup().await?;
    app.fleet.start(DEMO_BOT).await?;
    online(&app).await?;
    let mut out = String::new();

    // Conversation 1: welcome with quick replies, structured content, a
    // delayed answer, then a transfer to a human.
    let mut consumer = sim.consumer().await?;
    let first = consumer.open_conversation(None).await?;
    wait(&sim, &first, "the welcome quick replies", |t| {
        render(t).iter().any(|l| !l.quick_replies.is_empty())
    })
    .await?;
    consumer.send_text("show me shoes").await?;
    wait(&sim, &first, "the structured content carousel", |t| {
        render(t).iter().any(|l| l.structured.is_some())
    })
    .await?;
    consumer.send_text("where is my order 123456").await?;
    let asked = Instant::now();
    wait(&sim, &first, "the first order answer", |t| {
        has_text(t, "Let me look up order 123456")
    })
    .await?;
    let first_answer = asked.elapsed();
    wait(&sim, &first, "the delayed order answer", |t| {
        has_text(t, "order 123456 shipped")
    })
    .await?;
    let delay = asked.elapsed().saturating_sub(first_answer);
    if delay < Duration::from_millis(1200) {
        return Err(DemoError::Script(format!(
            "the 1.5 s delay took only {} ms",
            delay.as_millis()
        )));
    }
    consumer.send_text("agent").await?;
    wait(&sim, &first, "the transfer to human-agents", |t| {
        t.has(|e| matches!(e, Entry::TransferredToSkill { to, .. } if to == "2"))
    })
    .await?;
    print_transcript(&mut out, &sim, &first, "transfer");
    out.push_str(&format!(
        "(delay between the two order answers: {:.1} s)\n\n",
        delay.as_secs_f64()
    ));

    // Conversation 2: the bot closes it.
    let mut second_consumer = sim.consumer().await?;
    let second = second_consumer.open_conversation(None).await?;
    wait(&sim, &second, "the welcome", |t| {
        has_text(t, "welcome to Trailhead")
    })
    .await?;
    second_consumer.send_text("bye").await?;
    wait(&sim, &second, "the close", |t| {
        t.has(|e| matches!(e, Entry::Closed { .. }))
    })
    .await?;
    print_transcript(&mut out, &sim, &second, "close");

    // The runtime counts the close just after the emulator records it.
    let mut snapshot = app.fleet.snapshot(DEMO_BOT).unwrap_or_default();
    for _ in 0..100 {
        if snapshot.closed >= 1 && snapshot.transferred >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        snapshot = app.fleet.snapshot(DEMO_BOT).unwrap_or_default();
    }
    out.push_str(&format!(
        "Bot metrics: {} conversations, {} transferred, {} closed, {} escalated, {} turns\n",
        snapshot.conversations,
        snapshot.transferred,
        snapshot.closed,
        snapshot.escalated,
        snapshot.turns
    ));
    app.fleet.stop_all().await;
    Ok(out)
}

fn has_text(t: &Transcript, needle: &str) -> bool {
    render(t)
        .iter()
        .any(|l| l.from == "bot" && l.text.contains(needle))
}

async fn wait(
    sim: &SimHandle,
    conversation: &str,
    what: &str,
    done: impl Fn(&Transcript) -> bool,
) -> Result<(), DemoError> {
    let deadline = Instant::now() + STEP;
    while Instant::now() < deadline {
        if sim.transcript(conversation).is_some_and(|t| done(&t)) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Err(DemoError::Script(format!(
        "{what} did not arrive within {} s in conversation {conversation}",
        STEP.as_secs()
    )))
}

fn print_transcript(out: &mut String, sim: &SimHandle, conversation: &str, title: &str) {
    out.push_str(&format!("=== Conversation {conversation} ({title}) ===\n"));
    let lines: Vec<Line> = sim
        .transcript(conversation)
        .map(|t| render(&t))
        .unwrap_or_default();
    for line in lines {
        let private = if line.private { " (private)" } else { "" };
        out.push_str(&format!("{:>8}{private}: {}\n", line.from, line.text));
        if !line.quick_replies.is_empty() {
            out.push_str(&format!(
                "          quick replies: [{}]\n",
                line.quick_replies.join("] [")
            ));
        }
    }
    out.push('\n');
}
