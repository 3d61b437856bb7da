//! The conversation tester: a consumer on the in-process emulator, talking
//! to the bots through LiveEngage exactly as a customer would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use liveengage_proto::Event;
use liveengage_proto::enums::Role;
use liveengage_sim::{ConsumerClient, Entry, SimHandle, Transcript};
use serde::Serialize;
use serde_json::Value;

/// Why the tester cannot do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TesterError {
    /// No such session (or not this caller's, or expired).
    #[error("no tester session {0:?}; open one first")]
    NoSession(String),
    /// The emulator has no such skill.
    #[error("the emulator has no skill with this id (its skills: {0})")]
    UnknownSkill(String),
    /// The process holds as many sessions as it may.
    #[error(
        "{0} tester sessions are open, the most this process keeps; try again when one has expired"
    )]
    Busy(usize),
    /// The emulator refused.
    #[error("the emulator failed: {0}")]
    Sim(#[from] liveengage_sim::SimError),
}

/// One line of a tester transcript.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// `consumer`, `bot` or `system`.
    pub from: String,
    /// The text, or a summary of structured content.
    pub text: String,
    /// Quick reply titles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<String>,
    /// Structured content JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structured: Option<Value>,
    /// Visible to agents only.
    pub private: bool,
}

/// How many tester sessions may be open and for how long unused. Each
/// session holds a consumer socket on the emulator and a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TesterLimits {
    /// Sessions of one API token: opening one more closes that token's
    /// least recently used session.
    pub per_token: usize,
    /// Sessions of the whole process: past it, opening answers "busy".
    pub total: usize,
    /// A session unused (no message, no transcript read) this long is
    /// closed: its conversation is closed and its socket released.
    pub idle: Duration,
}

impl Default for TesterLimits {
    fn default() -> Self {
        Self {
            per_token: 5,
            total: 50,
            idle: Duration::from_secs(10 * 60),
        }
    }
}

/// The time source of the idle expiry (a test passes its own).
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// How long closing a released session's conversation may take before its
/// socket is dropped anyway.
const RELEASE_TIMEOUT: Duration = Duration::from_secs(2);

/// Tester sessions on one emulator.
pub struct Tester {
    sim: Arc<SimHandle>,
    limits: TesterLimits,
    clock: Clock,
    inner: Arc<Mutex<Sessions>>,
}

#[derive(Default)]
struct Sessions {
    open: HashMap<String, Session>,
    /// Sessions being opened (a slot is taken before the socket is).
    opening: HashMap<String, usize>,
    /// Orders uses that the clock sees as simultaneous.
    uses: u64,
}

impl Sessions {
    fn opening_total(&self) -> usize {
        self.opening.values().sum()
    }

    fn count_of(&self, owner: &str) -> usize {
        self.open.values().filter(|s| s.owner == owner).count()
            + self.opening.get(owner).copied().unwrap_or(0)
    }

    /// Removes the sessions unused since before `deadline`.
    fn take_idle(&mut self, deadline: Option<Instant>) -> Vec<Session> {
        let Some(deadline) = deadline else {
            return Vec::new();
        };
        let idle: Vec<String> = self
            .open
            .iter()
            .filter(|(_, s)| s.last_used <= deadline)
            .map(|(id, _)| id.clone())
            .collect();
        idle.iter().filter_map(|id| self.open.remove(id)).collect()
    }
}

struct Session {
    owner: String,
    conversation_id: String,
    client: Arc<tokio::sync::Mutex<ConsumerClient>>,
    last_used: Instant,
    /// The `uses` count at the last use (least recently used first).
    use_seq: u64,
}

/// Gives a reserved opening slot back however `open` ends.
struct Reservation<'a> {
    inner: &'a Mutex<Sessions>,
    owner: String,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut sessions = lock(self.inner);
        if let Some(n) = sessions.opening.get_mut(&self.owner) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                sessions.opening.remove(&self.owner);
            }
        }
    }
}

fn lock(m: &Mutex<Sessions>) -> std::sync::MutexGuard<'_, Sessions> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Closes a session's conversation (bounded in time) and drops its socket.
async fn release(sessions: Vec<Session>) {
    for session in sessions {
        let client = session.client;
        let closed = tokio::time::timeout(RELEASE_TIMEOUT, async move {
            let mut client = client.lock().await;
            let _ = client.close_conversation().await;
        })
        .await;
        if closed.is_err() {
            tracing::debug!("a tester conversation did not close in time; its socket is dropped");
        }
    }
}

impl Tester {
    /// A tester on `sim` with the default [`TesterLimits`]. Inside a tokio
    /// runtime, a task closes idle sessions even when nobody calls.
    #[must_use]
    pub fn new(sim: Arc<SimHandle>) -> Self {
        Self::with_limits(sim, TesterLimits::default(), Arc::new(Instant::now))
    }

    /// A tester with its own limits and clock.
    #[must_use]
    pub fn with_limits(sim: Arc<SimHandle>, limits: TesterLimits, clock: Clock) -> Self {
        let tester = Self {
            sim,
            limits,
            clock,
            inner: Arc::new(Mutex::new(Sessions::default())),
        };
        tester.spawn_reaper();
        tester
    }

    fn spawn_reaper(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let inner = Arc::downgrade(&self.inner);
        let clock = Arc::clone(&self.clock);
        let idle = self.limits.idle;
        let every = (idle / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = inner.upgrade() else {
                    return;
                };
                let expired = lock(&inner).take_idle(clock().checked_sub(idle));
                drop(inner);
                release(expired).await;
            }
        });
    }

    /// The emulator.
    #[must_use]
    pub fn sim(&self) -> &Arc<SimHandle> {
        &self.sim
    }

    /// The limits.
    #[must_use]
    pub fn limits(&self) -> TesterLimits {
        self.limits
    }

    /// How many sessions are open (all tokens).
    #[must_use]
    pub fn open_sessions(&self) -> usize {
        lock(&self.inner).open.len()
    }

    /// Closes the sessions unused for longer than the idle limit; returns
    /// how many.
    pub async fn expire_idle(&self) -> usize {
        let expired = lock(&self.inner).take_idle(self.idle_deadline());
        let n = expired.len();
        release(expired).await;
        n
    }

    fn idle_deadline(&self) -> Option<Instant> {
        (self.clock)().checked_sub(self.limits.idle)
    }

    /// Opens a conversation on `skill` (default: the emulator's default
    /// skill) for `owner` (the API token's id); returns the session and
    /// conversation ids. Idle sessions are closed first; an owner at its
    /// limit loses its least recently used session.
    ///
    /// # Errors
    ///
    /// [`TesterError::UnknownSkill`], [`TesterError::Busy`] at the
    /// process's limit, [`TesterError::Sim`].
    pub async fn open(
        &self,
        owner: &str,
        skill: Option<&str>,
    ) -> Result<(String, String), TesterError> {
        if let Some(skill) = skill {
            let skills: Vec<String> = self.sim.config().skills.into_iter().map(|s| s.id).collect();
            if !skills.iter().any(|s| s == skill) {
                return Err(TesterError::UnknownSkill(skills.join(", ")));
            }
        }
        let (released, reservation) = {
            let mut sessions = lock(&self.inner);
            let mut released = sessions.take_idle(self.idle_deadline());
            while sessions.count_of(owner) >= self.limits.per_token.max(1) {
                let oldest = sessions
                    .open
                    .iter()
                    .filter(|(_, s)| s.owner == owner)
                    .min_by_key(|(_, s)| (s.last_used, s.use_seq))
                    .map(|(id, _)| id.clone());
                match oldest.and_then(|id| sessions.open.remove(&id)) {
                    Some(session) => released.push(session),
                    // Only sessions still being opened: the owner waits.
                    None => break,
                }
            }
            let total = sessions.open.len() + sessions.opening_total();
            let busy = total >= self.limits.total
                || sessions.count_of(owner) >= self.limits.per_token.max(1);
            let reservation = if busy {
                None
            } else {
                *sessions.opening.entry(owner.to_owned()).or_default() += 1;
                Some(Reservation {
                    inner: &self.inner,
                    owner: owner.to_owned(),
                })
            };
            (released, reservation)
        };
        release(released).await;
        let Some(reservation) = reservation else {
            return Err(TesterError::Busy(self.limits.total));
        };
        let mut client = self.sim.consumer().await?;
        let conversation_id = client.open_conversation(skill).await?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        {
            let mut sessions = lock(&self.inner);
            sessions.uses += 1;
            let use_seq = sessions.uses;
            sessions.open.insert(
                id.clone(),
                Session {
                    owner: owner.to_owned(),
                    conversation_id: conversation_id.clone(),
                    client: Arc::new(tokio::sync::Mutex::new(client)),
                    last_used: (self.clock)(),
                    use_seq,
                },
            );
            drop(sessions);
        }
        drop(reservation);
        Ok((id, conversation_id))
    }

    /// `owner`'s session `id` (marked used), unless it has expired.
    fn session(
        &self,
        owner: &str,
        id: &str,
    ) -> Result<(String, Arc<tokio::sync::Mutex<ConsumerClient>>), TesterError> {
        let now = (self.clock)();
        let deadline = self.idle_deadline();
        let mut sessions = lock(&self.inner);
        sessions.uses += 1;
        let use_seq = sessions.uses;
        match sessions.open.get_mut(id) {
            Some(s) if s.owner == owner && deadline.is_none_or(|d| s.last_used > d) => {
                s.last_used = now;
                s.use_seq = use_seq;
                Ok((s.conversation_id.clone(), Arc::clone(&s.client)))
            }
            _ => Err(TesterError::NoSession(id.to_owned())),
        }
    }

    /// The consumer of `owner`'s session says `text`.
    ///
    /// # Errors
    ///
    /// [`TesterError`].
    pub async fn say(&self, owner: &str, id: &str, text: &str) -> Result<(), TesterError> {
        let (_, client) = self.session(owner, id)?;
        let mut client = client.lock().await;
        client.send_text(text).await?;
        // Drain what the server pushed so the socket never backs up.
        while client
            .next_notification(Duration::from_millis(1))
            .await
            .is_ok()
        {}
        Ok(())
    }

    /// The conversation of `owner`'s session so far.
    ///
    /// # Errors
    ///
    /// [`TesterError::NoSession`].
    pub fn lines(&self, owner: &str, id: &str) -> Result<(String, bool, Vec<Line>), TesterError> {
        let (conversation_id, _) = self.session(owner, id)?;
        let transcript = self.sim.transcript(&conversation_id);
        let open = transcript.as_ref().is_some_and(|t| t.open);
        Ok((
            conversation_id,
            open,
            transcript.map(|t| render(&t)).unwrap_or_default(),
        ))
    }
}

/// A transcript as tester lines (read receipts and typing left out).
#[must_use]
pub fn render(transcript: &Transcript) -> Vec<Line> {
    let system = |text: String| Line {
        from: "system".into(),
        text,
        quick_replies: Vec::new(),
        structured: None,
        private: false,
    };
    let mut lines = Vec::new();
    for entry in &transcript.entries {
        match entry {
            Entry::Message {
                from,
                event,
                private,
                ..
            } => {
                let who = if from.role == Role::Consumer {
                    "consumer"
                } else {
                    "bot"
                };
                let line = match event {
                    Event::Content(content) => Line {
                        from: who.into(),
                        text: content
                            .as_text()
                            .map_or_else(|| content.message.to_string(), str::to_owned),
                        quick_replies: content
                            .quick_replies
                            .as_ref()
                            .and_then(|q| q.get("replies"))
                            .and_then(Value::as_array)
                            .map(|r| {
                                r.iter()
                                    .filter_map(|r| r.get("title").and_then(Value::as_str))
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default(),
                        structured: None,
                        private: *private,
                    },
                    Event::RichContent(rich) => {
                        let json = serde_json::to_value(rich).unwrap_or(Value::Null);
                        let content = json.get("content").cloned().unwrap_or(json);
                        Line {
                            from: who.into(),
                            text: summarize(&content),
                            quick_replies: Vec::new(),
                            structured: Some(content),
                            private: *private,
                        }
                    }
                    _ => continue,
                };
                lines.push(line);
            }
            Entry::TransferredToSkill { to, .. } => {
                lines.push(system(format!("transferred to skill {to}")));
            }
            Entry::TransferredToAgent { agent } => {
                lines.push(system(format!("transferred to agent {agent}")));
            }
            Entry::TtrChanged { ttr_type, value } => {
                lines.push(system(format!(
                    "time to respond changed to {ttr_type:?} ({value} s)"
                )));
            }
            Entry::Closed { by, with_survey } => lines.push(system(format!(
                "conversation closed by {by:?}{}",
                if *with_survey {
                    " (survey follows)"
                } else {
                    ""
                }
            ))),
            _ => {}
        }
    }
    lines
}

/// The titles and texts of structured content, joined.
fn summarize(content: &Value) -> String {
    let mut parts = Vec::new();
    collect(content, &mut parts);
    format!("[structured content] {}", parts.join(" | "))
}

fn collect(value: &Value, parts: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(t)) = map.get("title").or_else(|| map.get("text")) {
                parts.push(t.clone());
            }
            for (k, v) in map {
                if k != "title" && k != "text" && k != "tooltip" {
                    collect(v, parts);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, parts)),
        _ => {}
    }
}
