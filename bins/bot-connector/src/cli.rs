//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Runs LiveEngage bots: a config file of bots, a management API, a dashboard.
#[derive(Debug, Parser)]
#[command(name = "bot-connector", version, about)]
pub struct Cli {
    /// Log as JSON lines instead of text.
    #[arg(long, global = true, env = "BOT_CONNECTOR_LOG_JSON")]
    pub log_json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bots of a config file, the management API and the dashboard.
    Run {
        /// The configuration file.
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Check a config file and list every error with its key path.
    Check {
        /// The configuration file.
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Start the local LiveEngage emulator, a demo bot, the dashboard and the tester.
    Demo {
        /// Play a scripted conversation, print the transcript and exit.
        #[arg(long)]
        once: bool,
        /// Where the dashboard listens (a free port if taken).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
}
