//! The conversation tester: a consumer on the in-process emulator, talking
//! to the bots through LiveEngage exactly as a customer would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use liveengage_proto::Event;
use liveengage_proto::enums::Role;
use liveengage_sim::{ConsumerClient, Entry, SimHandle, Transcript};
use serde::Serialize;
use serde_json::Value;

/// Why the tester cannot do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TesterError {
    /// No such session.
    #[error("no tester session {0:?}; open one first")]
    NoSession(String),
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

/// Tester sessions on one emulator.
pub struct Tester {
    sim: Arc<SimHandle>,
    sessions: Mutex<HashMap<String, Session>>,
}

struct Session {
    conversation_id: String,
    client: Arc<tokio::sync::Mutex<ConsumerClient>>,
}

impl Tester {
    /// A tester on `sim`.
    #[must_use]
    pub fn new(sim: Arc<SimHandle>) -> Self {
        Self {
            sim,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// The emulator.
    #[must_use]
    pub fn sim(&self) -> &Arc<SimHandle> {
        &self.sim
    }

    /// Opens a conversation on `skill` (default: the emulator's default
    /// skill); returns the session and conversation ids.
    ///
    /// # Errors
    ///
    /// [`TesterError::Sim`].
    pub async fn open(&self, skill: Option<&str>) -> Result<(String, String), TesterError> {
        let mut client = self.sim.consumer().await?;
        let conversation_id = client.open_conversation(skill).await?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.insert(
                id.clone(),
                Session {
                    conversation_id: conversation_id.clone(),
                    client: Arc::new(tokio::sync::Mutex::new(client)),
                },
            );
        }
        Ok((id, conversation_id))
    }

    fn session(
        &self,
        id: &str,
    ) -> Result<(String, Arc<tokio::sync::Mutex<ConsumerClient>>), TesterError> {
        self.sessions
            .lock()
            .ok()
            .and_then(|s| {
                s.get(id)
                    .map(|s| (s.conversation_id.clone(), Arc::clone(&s.client)))
            })
            .ok_or_else(|| TesterError::NoSession(id.to_owned()))
    }

    /// The consumer says `text`.
    ///
    /// # Errors
    ///
    /// [`TesterError`].
    pub async fn say(&self, id: &str, text: &str) -> Result<(), TesterError> {
        let (_, client) = self.session(id)?;
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

    /// The conversation so far.
    ///
    /// # Errors
    ///
    /// [`TesterError::NoSession`].
    pub fn lines(&self, id: &str) -> Result<(String, bool, Vec<Line>), TesterError> {
        let (conversation_id, _) = self.session(id)?;
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
