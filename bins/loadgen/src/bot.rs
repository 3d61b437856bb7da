//! The bench: the emulator and the bot under test, in this process or as a
//! separate `bot-connector` process, with the engine `--engine` names.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use connector_core::{BotEngine, ErrorHandling};
use liveengage_sim::{Sim, SimHandle};

use crate::connector_config::{BOT_ID, ConnectorFile, EngineSection};
use crate::connector_process::{self, ConnectorProcess, sample, samples_by};
use crate::engine::SyntheticEngine;
use crate::engine_kind::{ECHO_SCRIPT, EngineKind};
use crate::engine_switches::EngineSwitches;
use crate::in_process::InProcessBot;
use crate::options::Options;
use crate::proc_stats::Process;
use crate::random::Random;
use crate::turn_buckets::TurnBuckets;
use crate::webhook::WebhookService;

/// What the consumer sees when the bot escalates.
pub const ESCALATION_TEXT: &str = "Transferring you to an agent";

/// The escalation settings of the bot, in both modes.
#[must_use]
pub fn escalation() -> ErrorHandling {
    ErrorHandling::new("Human")
        .customer_message(ESCALATION_TEXT)
        .agent_message("loadgen escalation")
        .retries(2, Duration::from_millis(200))
}

/// The bot's waits between login attempts after a failing login, in both
/// modes (the in-process authenticator and `liveengage.retry` of the
/// separate process): short, because chaos runs inject failing logins and
/// LivePerson's 5 s, 10 s, 15 s would outlast a bounded run.
pub const LOGIN_RETRY: LoginRetry = LoginRetry {
    server_error_delays: [Duration::from_millis(100), Duration::from_millis(200)],
    backoff_start: Duration::from_millis(300),
    backoff_cap: Duration::from_secs(2),
};

/// The bot's first and longest wait between socket reconnects, in both
/// modes (`liveengage.reconnect` of the separate process): short, as
/// [`LOGIN_RETRY`], so a bounded chaos run spends its time on faults rather
/// than on backoff.
pub const RECONNECT: (Duration, Duration) = (Duration::from_millis(50), Duration::from_secs(1));

/// Login retry waits (see [`LOGIN_RETRY`]).
#[derive(Debug, Clone, Copy)]
pub struct LoginRetry {
    /// The waits after the first server errors.
    pub server_error_delays: [Duration; 2],
    /// The first exponential wait after those.
    pub backoff_start: Duration,
    /// The longest wait.
    pub backoff_cap: Duration,
}

/// The engine timeout of the bot: short in chaos runs (engine stalls).
#[must_use]
pub fn engine_timeout(options: &Options) -> Duration {
    if options.chaos {
        Duration::from_secs(1)
    } else {
        Duration::from_secs(15)
    }
}

/// Why the bench could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not start the bench: {}", self.0)
    }
}

pub(crate) fn err(e: impl std::fmt::Display) -> StartError {
    StartError(e.to_string())
}

/// The bot under test.
pub enum Bot {
    /// Transport, runtime and engine in this process.
    InProcess(InProcessBot),
    /// A `bot-connector run` child process.
    Separate(Box<ConnectorProcess>),
}

/// What the bot counted: escalations and engine errors.
#[derive(Debug, Default)]
pub struct BotCounts {
    /// Conversations escalated because of an error.
    pub escalations: u64,
    /// Engine errors by stable code.
    pub errors_by_code: BTreeMap<String, usize>,
    /// The first message of each code (in-process only; `/metrics` has none).
    pub error_samples: BTreeMap<String, String>,
}

/// The emulator, the engine service if any, and a bot that is Online.
pub struct Bench {
    /// The emulator.
    pub sim: Arc<SimHandle>,
    /// The bot.
    pub bot: Bot,
    /// Flipped by the chaos task to make engine calls time out or fail;
    /// `None` for the script engine, which cannot misbehave.
    pub engine_switches: Option<EngineSwitches>,
    webhook: Option<WebhookService>,
}

impl Bench {
    /// Starts the emulator, the engine and the bot, and waits until the bot
    /// is Online.
    ///
    /// # Errors
    ///
    /// [`StartError`] when something does not come up within 30 s, with
    /// what to do about it.
    pub async fn start(options: &Options, random: Arc<Random>) -> Result<Self, StartError> {
        options.check().map_err(StartError)?;
        let sim = Arc::new(
            Sim::builder()
                .tls(!options.plain)
                .time_agent_turns(true)
                .start()
                .await
                .map_err(err)?,
        );
        let switches = EngineSwitches::default();
        let latency = Duration::from_millis(options.engine_latency_ms);
        let kind = options.engine_kind();
        let webhook = match kind {
            EngineKind::Webhook => Some(
                WebhookService::start(
                    latency,
                    options.engine_error_rate,
                    Arc::clone(&random),
                    switches.clone(),
                )
                .await
                .map_err(|e| StartError(format!("the webhook reference server: {e}")))?,
            ),
            _ => None,
        };
        let webhook_config = webhook.as_ref().map(WebhookService::config).transpose()?;
        let bot = if options.separate() {
            let bin = connector_process::binary(options.connector_bin.as_deref())?;
            let engine = match webhook_config {
                Some(config) => EngineSection::Webhook(Box::new(config)),
                None => EngineSection::Script,
            };
            let process = ConnectorProcess::start(&bin, options.connector_threads, |database| {
                ConnectorFile {
                    csds: sim.base_url(),
                    extra_ca_file: sim.ca_path().map(std::path::Path::to_path_buf),
                    account_id: sim.account_id(),
                    escalation: escalation(),
                    engine,
                    engine_timeout: engine_timeout(options),
                    max_open_conversations: options.conversations.max(999),
                    max_concurrent_turns: 1024,
                    spam_guard: options.spam_guard,
                    database: database.to_path_buf(),
                    admin_token: format!("loadgen-{}", random.below(usize::MAX)),
                }
            })
            .await?;
            Bot::Separate(Box::new(process))
        } else {
            let engine: Arc<dyn BotEngine> = match (kind, webhook_config) {
                (EngineKind::Webhook, Some(config)) => Arc::new(
                    engine_webhook::WebhookEngine::from_config(&config, reqwest::Client::new())
                        .map_err(|e| StartError(format!("the webhook engine: {e}")))?,
                ),
                (EngineKind::Script, _) => Arc::new(
                    engine_script::ScriptEngine::from_toml_str(ECHO_SCRIPT)
                        .map_err(|e| StartError(format!("the echo script: {e}")))?,
                ),
                _ => Arc::new(SyntheticEngine::new(
                    latency,
                    options.engine_error_rate,
                    Arc::clone(&random),
                    switches.clone(),
                )),
            };
            Bot::InProcess(InProcessBot::start(options, &sim, engine).await?)
        };
        Ok(Self {
            sim,
            bot,
            engine_switches: (kind != EngineKind::Script).then_some(switches),
            webhook,
        })
    }

    /// The process whose CPU and memory the report shows.
    #[must_use]
    pub fn process(&self) -> Process {
        match &self.bot {
            Bot::InProcess(_) => Process::Own,
            Bot::Separate(process) => process.process(),
        }
    }

    /// From the process's start to the bot Online (separate process only).
    #[must_use]
    pub fn time_to_online(&self) -> Option<Duration> {
        match &self.bot {
            Bot::InProcess(_) => None,
            Bot::Separate(process) => Some(process.time_to_online),
        }
    }

    /// Conversations the bot has open now.
    pub async fn open_conversations(&self) -> Option<u64> {
        match &self.bot {
            Bot::InProcess(bot) => Some(bot.handle.metrics().snapshot().open),
            Bot::Separate(process) => {
                let text = process.metrics().await.ok()?;
                sample(&text, "bot_connector_open_conversations").map(|v| v as u64)
            }
        }
    }

    /// The connector's own turn times so far (its `turn_seconds` buckets).
    pub async fn turn_buckets(&self) -> Option<TurnBuckets> {
        match &self.bot {
            Bot::InProcess(bot) => Some(bot.turns.snapshot()),
            Bot::Separate(process) => {
                let text = process.metrics().await.ok()?;
                TurnBuckets::from_metrics(&text, BOT_ID)
            }
        }
    }

    /// Escalations and engine errors the bot counted.
    pub async fn counts(&self) -> BotCounts {
        let mut counts = BotCounts::default();
        match &self.bot {
            Bot::InProcess(bot) => {
                let metrics = bot.handle.metrics();
                for error in metrics.errors() {
                    *counts
                        .errors_by_code
                        .entry(error.code.to_string())
                        .or_insert(0) += 1;
                    counts
                        .error_samples
                        .entry(error.code.to_string())
                        .or_insert_with(|| error.message.clone());
                }
                counts.escalations = metrics.snapshot().escalated;
            }
            Bot::Separate(process) => {
                let text = process.metrics().await.unwrap_or_default();
                counts.escalations =
                    sample(&text, "bot_connector_escalations_total").unwrap_or(0.0) as u64;
                for (code, n) in samples_by(&text, "bot_connector_engine_errors_total", "code") {
                    counts.errors_by_code.insert(code, n as usize);
                }
            }
        }
        counts
    }

    /// Stops the bot (SIGTERM for a separate process) and the engine service.
    pub async fn stop(self) {
        match self.bot {
            Bot::InProcess(bot) => bot.stop().await,
            Bot::Separate(process) => process.stop().await,
        }
        if let Some(webhook) = self.webhook {
            webhook.stop();
        }
    }
}
