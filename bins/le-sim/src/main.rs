//! `le-sim`: the LiveEngage emulator as a standalone server.
//!
//! With no arguments it serves HTTPS/WSS on 127.0.0.1:8443 with a CA
//! generated at start, the default account `12345678`, bot `echo-bot` /
//! `secret` on skill 1 and agent `agent` / `secret` on skill 2.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use liveengage_sim::{Sim, SimConfig};

/// A local LiveEngage: CSDS, Login Service, UMS messaging (agent and
/// consumer), Chat Agent API, fault injection and transcripts.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// TOML configuration (account, skills, users, token TTL); defaults when absent.
    #[arg(long, env = "LE_SIM_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "LE_SIM_BIND", default_value = "127.0.0.1:8443")]
    bind: SocketAddr,
    /// Serve plain HTTP/WS instead of HTTPS/WSS (LivePerson's own clients need TLS).
    #[arg(long)]
    plain: bool,
    /// Where to write the generated CA certificate (PEM).
    #[arg(long, env = "LE_SIM_CA")]
    ca_path: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = match &args.config {
        Some(path) => SimConfig::from_file(path)?,
        None => SimConfig::default(),
    };
    let mut builder = Sim::builder()
        .config(config.clone())
        .bind(args.bind)
        .tls(!args.plain);
    if let Some(path) = args.ca_path {
        builder = builder.ca_path(path);
    }
    let sim = builder.start().await?;
    println!("le-sim is listening on {}", sim.base_url());
    println!("  account:        {}", sim.account_id());
    println!("  CSDS:           {}", sim.csds_url());
    if let Some(ca) = sim.ca_path() {
        println!("  CA certificate: {}", ca.display());
        println!(
            "  Node.js:        NODE_EXTRA_CA_CERTS={} node your-bot.js",
            ca.display()
        );
    }
    for user in &config.users {
        println!(
            "  user:           {} / {} (skills {})",
            user.login,
            if args.config.is_some() {
                "<from config>"
            } else {
                "secret"
            },
            user.skills.join(", ")
        );
    }
    for skill in &config.skills {
        println!("  skill:          {} {}", skill.id, skill.name);
    }
    println!("  agent socket:   {}", sim.agent_ws_url("<bearer>"));
    println!(
        "  consumer:       POST {}/api/account/{}/signup, then {}",
        sim.base_url(),
        sim.account_id(),
        sim.consumer_ws_url()
    );
    println!(
        "  chat visitor:   POST {}/sim/account/{}/chats {{\"text\":\"hi\"}}",
        sim.base_url(),
        sim.account_id()
    );
    println!(
        "  faults:         POST {}/sim/admin/faults {{\"action\":\"close_sockets\",\"code\":4401}}",
        sim.base_url()
    );
    println!(
        "  transcripts:    GET  {}/sim/admin/transcripts",
        sim.base_url()
    );
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    sim.shutdown();
    Ok(())
}
