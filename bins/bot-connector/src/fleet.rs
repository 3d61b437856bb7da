//! The bots of this process: definitions, running connectors, state
//! journals and metric timelines; start, stop, replace and remove.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use connector_runtime::{ConnectorHandle, MetricsSnapshot};
use serde::Serialize;
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::assemble::{AssembleError, Assembled, Network, assemble};
use crate::config::BotSpec;
use crate::journal::{Journal, StateEvent, unix_ms};
use crate::telemetry::{BotLabel, Telemetry};
use crate::timeline::{Counts, Timeline, WindowMetrics};

/// Where a bot's definition lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The configuration file (read-only through the API).
    File,
    /// The database (created through the API or the dashboard).
    Api,
}

/// Why a fleet operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// No bot has this id.
    #[error("no bot with id {0:?}")]
    NotFound(String),
    /// The id is taken.
    #[error("a bot with id {0:?} already exists; choose another id")]
    Exists(String),
    /// The bot could not start.
    #[error("bot {id:?} cannot start: {source}")]
    Start {
        /// The bot.
        id: String,
        /// Why.
        source: AssembleError,
    },
}

/// A bot in the list.
#[derive(Debug, Clone, Serialize)]
pub struct BotSummary {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Where the definition lives.
    pub source: Source,
    /// `messaging` or `chat`.
    pub conversation_type: String,
    /// Engine type.
    pub engine: String,
    /// Bot user login name.
    pub bot_user: String,
    /// Escalation skill.
    pub escalation_skill: String,
    /// Current state label.
    pub state: String,
    /// Whether a connector is running.
    pub running: bool,
}

/// The status page's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Id.
    pub id: String,
    /// Current state label.
    pub state: String,
    /// The code of a current interruption.
    pub code: Option<String>,
    /// Its message.
    pub message: Option<String>,
    /// Whether a connector is running.
    pub running: bool,
    /// Start of the current run (ms since the epoch).
    pub started_at_ms: Option<u64>,
    /// Total Online time in seconds.
    pub online_seconds: u64,
    /// Online time as a percentage of the time since the first start.
    pub uptime_percent: f64,
    /// Reconnections after Service Interruptions.
    pub reconnects: u64,
    /// State events, oldest first.
    pub events: Vec<StateEvent>,
}

/// One conversation error.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    /// Conversation.
    pub conversation_id: String,
    /// Stable code.
    pub code: String,
    /// What happened.
    pub message: String,
    /// When (ms since the epoch).
    pub at_ms: u64,
}

struct Run {
    task: JoinHandle<()>,
}

/// One bot's state.
struct Slot {
    spec: BotSpec,
    raw: Value,
    source: Source,
    run: Option<Run>,
    /// The connector of the current or last run (metrics and errors stay
    /// readable after a stop).
    handle: Option<ConnectorHandle>,
    run_no: u64,
    journal: Arc<Mutex<Journal>>,
    timeline: Timeline,
}

/// The bots of this process.
pub struct Fleet {
    slots: Mutex<BTreeMap<String, Slot>>,
    telemetry: Arc<Telemetry>,
    network: Network,
    ops: tokio::sync::Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Fleet {
    /// An empty fleet reporting to `telemetry`, connecting through `network`.
    #[must_use]
    pub fn new(telemetry: Arc<Telemetry>, network: Network) -> Arc<Self> {
        Arc::new(Self {
            slots: Mutex::new(BTreeMap::new()),
            telemetry,
            network,
            ops: tokio::sync::Mutex::new(()),
        })
    }

    /// The metrics registry.
    #[must_use]
    pub fn telemetry(&self) -> &Arc<Telemetry> {
        &self.telemetry
    }

    /// The trusted roots and the HTTP client every bot's connections share.
    #[must_use]
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Adds a bot (not started).
    ///
    /// # Errors
    ///
    /// [`FleetError::Exists`] when the id is taken.
    pub fn insert(&self, spec: BotSpec, raw: Value, source: Source) -> Result<(), FleetError> {
        let mut slots = lock(&self.slots);
        if slots.contains_key(&spec.id) {
            return Err(FleetError::Exists(spec.id));
        }
        slots.insert(
            spec.id.clone(),
            Slot {
                spec,
                raw,
                source,
                run: None,
                handle: None,
                run_no: 0,
                journal: Arc::new(Mutex::new(Journal::default())),
                timeline: Timeline::default(),
            },
        );
        Ok(())
    }

    /// Whether a bot exists, and where it is defined.
    #[must_use]
    pub fn source(&self, id: &str) -> Option<Source> {
        lock(&self.slots).get(id).map(|s| s.source)
    }

    /// The bot's definition and the raw tree it came from.
    #[must_use]
    pub fn definition(&self, id: &str) -> Option<(BotSpec, Value)> {
        lock(&self.slots)
            .get(id)
            .map(|s| (s.spec.clone(), s.raw.clone()))
    }

    /// Whether the bot is running.
    #[must_use]
    pub fn is_running(&self, id: &str) -> bool {
        lock(&self.slots).get(id).is_some_and(|s| s.run.is_some())
    }

    /// Starts a bot; a running bot is left as it is.
    ///
    /// # Errors
    ///
    /// [`FleetError::NotFound`], or [`FleetError::Start`] when its engine
    /// does not load or LiveEngage cannot be reached (recorded as a state event).
    pub async fn start(&self, id: &str) -> Result<(), FleetError> {
        let _op = self.ops.lock().await;
        let (spec, journal) = {
            let slots = lock(&self.slots);
            let slot = slots
                .get(id)
                .ok_or_else(|| FleetError::NotFound(id.to_owned()))?;
            if slot.run.is_some() {
                return Ok(());
            }
            (slot.spec.clone(), Arc::clone(&slot.journal))
        };
        let Assembled { connector, auth } = match assemble(&spec, &self.telemetry, &self.network)
            .await
        {
            Ok(a) => a,
            Err(source) => {
                tracing::warn!(bot_id = %id, code = source.code(), "cannot start: {source}");
                lock(&journal).start_failed(source.code(), &source.to_string(), SystemTime::now());
                return Err(FleetError::Start {
                    id: id.to_owned(),
                    source,
                });
            }
        };
        let handle = connector.handle();
        lock(&journal).started(SystemTime::now());
        let reconnects = self
            .telemetry
            .reconnects
            .get_or_create(&BotLabel { bot: id.to_owned() })
            .clone();
        let watcher = {
            let journal = Arc::clone(&journal);
            let mut status = handle.watch_status();
            tokio::spawn(async move {
                while status.changed().await.is_ok() {
                    let current = status.borrow_and_update().clone();
                    if lock(&journal).record(&current, SystemTime::now()) {
                        reconnects.inc();
                    }
                }
            })
        };
        let bot_id = id.to_owned();
        let task = tokio::spawn(async move {
            if let Err(err) = connector.run().await {
                tracing::warn!(bot_id = %bot_id, "stopped with an error: {err}");
            }
            watcher.abort();
            if let Err(err) = auth.shutdown().await {
                tracing::warn!(bot_id = %bot_id, "LiveEngage logout failed: {err}");
            }
            lock(&journal).stopped(SystemTime::now());
        });
        tracing::info!(bot_id = %id, "bot started");
        let mut slots = lock(&self.slots);
        if let Some(slot) = slots.get_mut(id) {
            slot.run = Some(Run { task });
            slot.handle = Some(handle);
            slot.run_no += 1;
        }
        Ok(())
    }

    /// Stops a bot and waits until its in-flight turns are done; a stopped
    /// bot is left as it is.
    ///
    /// # Errors
    ///
    /// [`FleetError::NotFound`].
    pub async fn stop(&self, id: &str) -> Result<(), FleetError> {
        let _op = self.ops.lock().await;
        self.stop_locked(id).await
    }

    async fn stop_locked(&self, id: &str) -> Result<(), FleetError> {
        let (run, handle) = {
            let mut slots = lock(&self.slots);
            let slot = slots
                .get_mut(id)
                .ok_or_else(|| FleetError::NotFound(id.to_owned()))?;
            (slot.run.take(), slot.handle.clone())
        };
        if let (Some(run), Some(handle)) = (run, handle) {
            handle.shutdown();
            if let Err(err) = run.task.await {
                tracing::warn!(bot_id = %id, "bot task ended abnormally: {err}");
            }
            tracing::info!(bot_id = %id, "bot stopped");
        }
        Ok(())
    }

    /// Replaces a bot's definition; a running bot is restarted with it.
    ///
    /// # Errors
    ///
    /// [`FleetError::NotFound`], or [`FleetError::Start`] when the restart fails.
    pub async fn replace(&self, spec: BotSpec, raw: Value) -> Result<(), FleetError> {
        let id = spec.id.clone();
        let was_running = {
            let _op = self.ops.lock().await;
            let running = self.is_running(&id);
            self.stop_locked(&id).await?;
            let mut slots = lock(&self.slots);
            let slot = slots
                .get_mut(&id)
                .ok_or_else(|| FleetError::NotFound(id.clone()))?;
            slot.spec = spec;
            slot.raw = raw;
            running
        };
        if was_running {
            self.start(&id).await?;
        }
        Ok(())
    }

    /// Stops and removes a bot.
    ///
    /// # Errors
    ///
    /// [`FleetError::NotFound`].
    pub async fn remove(&self, id: &str) -> Result<(), FleetError> {
        let _op = self.ops.lock().await;
        self.stop_locked(id).await?;
        lock(&self.slots).remove(id);
        Ok(())
    }

    /// Stops every bot (graceful shutdown).
    pub async fn stop_all(&self) {
        let ids: Vec<String> = lock(&self.slots).keys().cloned().collect();
        for id in ids {
            let _ = self.stop(&id).await;
        }
    }

    /// The bots, by id.
    #[must_use]
    pub fn list(&self) -> Vec<BotSummary> {
        lock(&self.slots)
            .values()
            .map(|slot| BotSummary {
                id: slot.spec.id.clone(),
                name: slot.spec.display_name().to_owned(),
                source: slot.source,
                conversation_type: slot.spec.conversation.label().to_owned(),
                engine: slot.spec.engine.label().to_owned(),
                bot_user: slot.spec.liveengage.login.username().to_owned(),
                escalation_skill: slot.spec.escalation.transfer_skill.clone(),
                state: state_of(slot).0,
                running: slot.run.is_some(),
            })
            .collect()
    }

    /// The status report of a bot.
    #[must_use]
    pub fn status(&self, id: &str) -> Option<StatusReport> {
        let slots = lock(&self.slots);
        let slot = slots.get(id)?;
        let now = SystemTime::now();
        let journal = lock(&slot.journal);
        let (state, code, message) = state_of(slot);
        Some(StatusReport {
            id: id.to_owned(),
            state,
            code,
            message,
            running: slot.run.is_some(),
            started_at_ms: journal.run_started().map(unix_ms),
            online_seconds: journal.online(now).as_secs(),
            uptime_percent: (journal.uptime_percent(now) * 10.0).round() / 10.0,
            reconnects: journal.reconnects(),
            events: journal.events(),
        })
    }

    /// The counters of a bot's current (or last) run.
    #[must_use]
    pub fn snapshot(&self, id: &str) -> Option<MetricsSnapshot> {
        let slots = lock(&self.slots);
        let slot = slots.get(id)?;
        Some(
            slot.handle
                .as_ref()
                .map(|h| h.metrics().snapshot())
                .unwrap_or_default(),
        )
    }

    /// Every bot's counters, for `/metrics`.
    #[must_use]
    pub fn snapshots(&self) -> Vec<(String, MetricsSnapshot)> {
        lock(&self.slots)
            .iter()
            .map(|(id, slot)| {
                (
                    id.clone(),
                    slot.handle
                        .as_ref()
                        .map(|h| h.metrics().snapshot())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    /// The conversation metrics of a bot over every window.
    #[must_use]
    pub fn windows(&self, id: &str) -> Option<Vec<WindowMetrics>> {
        let slots = lock(&self.slots);
        let slot = slots.get(id)?;
        let current = slot
            .handle
            .as_ref()
            .map(|h| Counts::from(h.metrics().snapshot()))
            .unwrap_or_default();
        Some(
            slot.timeline
                .windows(SystemTime::now(), slot.run_no, current),
        )
    }

    /// A bot's conversation errors, newest first, optionally of one conversation.
    #[must_use]
    pub fn errors(&self, id: &str, conversation: Option<&str>) -> Option<Vec<ErrorView>> {
        let slots = lock(&self.slots);
        let slot = slots.get(id)?;
        let errors = slot
            .handle
            .as_ref()
            .map(|h| h.metrics().errors())
            .unwrap_or_default();
        Some(
            errors
                .into_iter()
                .rev()
                .filter(|e| conversation.is_none_or(|c| e.conversation_id.as_str() == c))
                .map(|e| ErrorView {
                    conversation_id: e.conversation_id.to_string(),
                    code: e.code.to_string(),
                    message: e.message,
                    at_ms: unix_ms(e.at),
                })
                .collect(),
        )
    }

    /// Samples every running bot's counters (for the time windows).
    pub fn sample(&self) {
        let now = SystemTime::now();
        for slot in lock(&self.slots).values_mut() {
            if slot.run.is_some()
                && let Some(handle) = &slot.handle
            {
                let counts = Counts::from(handle.metrics().snapshot());
                slot.timeline.sample(now, slot.run_no, counts);
            }
        }
    }

    /// Samples every `every` until the returned task is aborted.
    #[must_use]
    pub fn spawn_sampler(self: &Arc<Self>, every: Duration) -> JoinHandle<()> {
        let fleet = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let Some(fleet) = fleet.upgrade() else { return };
                fleet.sample();
            }
        })
    }
}

/// The state label, code and message of a slot.
fn state_of(slot: &Slot) -> (String, Option<String>, Option<String>) {
    if slot.run.is_none() {
        return ("Offline".into(), None, None);
    }
    let Some(handle) = &slot.handle else {
        return ("Offline".into(), None, None);
    };
    let status = handle.status();
    let (code, message) = match &status {
        connector_runtime::BotStatus::VendorInterruption { code, message }
        | connector_runtime::BotStatus::ServiceInterruption { code, message } => {
            (Some(code.to_string()), Some(message.clone()))
        }
        _ => (None, None),
    };
    (status.label().to_owned(), code, message)
}
