//! `bot-connector`: see `bot-connector --help`.

use std::process::ExitCode;

use bot_connector::cli::{Cli, Command};
use bot_connector::{config, demo, logging, server};
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.log_json);
    match cli.command {
        Command::Check { config } => match config::load_file(&config) {
            Ok(file) => {
                println!("{}: OK, {} bot(s)", config.display(), file.bots.len());
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("{err}");
                ExitCode::from(2)
            }
        },
        Command::Run { config } => match server::run(&config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("{err}");
                ExitCode::FAILURE
            }
        },
        Command::Demo { once: true, .. } => match demo::once().await {
            Ok(transcript) => {
                print!("{transcript}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("{err}");
                ExitCode::FAILURE
            }
        },
        Command::Demo {
            once: false,
            listen,
        } => match demo::run(listen).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("{err}");
                ExitCode::FAILURE
            }
        },
    }
}
