//! The chat (not messaging) side: agent sessions and chats of the Chat Agent API.

use std::collections::HashMap;

use liveengage_proto::Event;
use liveengage_proto::chat::{
    ChatAvailability, ChatEvent, ChatSessionState, Loose, TransferRequest,
};
use liveengage_proto::enums::{CloseReason, Role};

use tokio::time::Instant;

use crate::config::UserConfig;
use crate::state::{Core, TimerKind, new_id, now_ms};
use crate::transcript::{Actor, Entry, Transcript};

/// An agent session (`/agentSession/{s}`).
#[derive(Debug, Clone)]
pub(crate) struct AgentChatSession {
    pub login: String,
    pub availability: ChatAvailability,
}

/// One chat.
#[derive(Debug, Clone)]
pub(crate) struct ChatState {
    pub id: String,
    pub skill: String,
    pub visitor_name: String,
    pub visitor_id: String,
    pub state: ChatSessionState,
    pub agent: Option<String>,
    pub target_agent: Option<String>,
    pub events: Vec<ChatEvent>,
    pub start_ms: i64,
    pub agent_typing: String,
    pub timeout_secs: u64,
    /// The agent's last request on this chat (polls included).
    pub agent_seen: Instant,
    pub transcript: Vec<Entry>,
}

/// All chat state.
#[derive(Debug, Default)]
pub(crate) struct ChatCore {
    pub sessions: HashMap<String, AgentChatSession>,
    pub chats: HashMap<String, ChatState>,
    pub order: Vec<String>,
}

type Failure = (u16, String);

/// ISO-8601 UTC time with milliseconds, e.g. `2015-08-30T15:06:02.001+00:00`.
pub(crate) fn iso_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (proleptic Gregorian), Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}+00:00",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

impl ChatState {
    fn push(&mut self, mut event: ChatEvent) -> usize {
        let id = self.events.len();
        event.id = Some(Loose::Text(id.to_string()));
        event.time = Some(iso_time(now_ms()));
        self.events.push(event);
        id
    }

    fn system_line(&mut self, text: &str, system_message_id: i64) {
        let mut line = ChatEvent::line(text);
        line.by = Some("info".into());
        line.source = Some("system".into());
        line.system_message_id = Some(system_message_id);
        line.sub_type = Some("REGULAR".into());
        self.push(line);
    }

    fn state_event(&mut self, state: ChatSessionState) {
        self.state = state.clone();
        let mut event = ChatEvent::ended();
        event.state = Some(state);
        self.push(event);
    }

    /// Adds a line said by `by` (`agent` or `visitor`); returns the event id.
    pub(crate) fn line(&mut self, by: &str, mut event: ChatEvent) -> usize {
        event.by = Some(by.into());
        event.source = Some(by.into());
        if event.text_type.is_none() {
            event.text_type = Some("plain".into());
        }
        if event.sub_type.is_none() {
            event.sub_type = Some("REGULAR".into());
        }
        let role = if by == "visitor" {
            Role::Consumer
        } else {
            Role::AssignedAgent
        };
        let actor_id = if by == "visitor" {
            self.visitor_name.clone()
        } else {
            self.agent.clone().unwrap_or_default()
        };
        let private = event.sub_type.as_deref() == Some("ONLY_TO_REP");
        let text = event.text.clone().unwrap_or_default();
        let id = self.push(event);
        self.transcript.push(Entry::Message {
            dialog_id: self.id.clone(),
            sequence: i64::try_from(id).ok(),
            from: Actor { role, id: actor_id },
            event: Event::text(text),
            private,
        });
        id
    }

    pub(crate) fn end(&mut self, by: CloseReason) {
        if self.state == ChatSessionState::Ended {
            return;
        }
        if by == CloseReason::Agent {
            self.system_line("The agent has ended the chat.", 5);
        }
        self.state_event(ChatSessionState::Ended);
        self.transcript.push(Entry::Closed {
            by,
            with_survey: false,
        });
    }

    pub(crate) fn transcript(&self) -> Transcript {
        Transcript {
            id: self.id.clone(),
            channel: "chat".into(),
            skill: self.skill.clone(),
            open: self.state != ChatSessionState::Ended,
            entries: self.transcript.clone(),
        }
    }
}

impl Core {
    /// `POST /agentSession`.
    pub(crate) fn chat_session_create(&mut self, login: &str) -> String {
        let id = new_id().replace('-', "");
        self.chat.sessions.insert(
            id.clone(),
            AgentChatSession {
                login: login.to_owned(),
                availability: ChatAvailability::Online,
            },
        );
        id
    }

    /// Chats waiting for this session's agent, oldest first.
    pub(crate) fn chat_ringing(&self, session: &AgentChatSession) -> Vec<String> {
        if session.availability != ChatAvailability::Online {
            return Vec::new();
        }
        let skills = self
            .user(&session.login)
            .map(|u| u.skills.clone())
            .unwrap_or_default();
        self.chat
            .order
            .iter()
            .filter_map(|id| self.chat.chats.get(id))
            .filter(|c| c.state == ChatSessionState::Waiting)
            .filter(|c| match &c.target_agent {
                Some(target) => *target == session.login,
                None => skills.contains(&c.skill),
            })
            .map(|c| c.id.clone())
            .collect()
    }

    /// `POST /incomingRequests`: takes the oldest ringing chat.
    pub(crate) fn chat_take(&mut self, session_id: &str) -> Result<String, Failure> {
        let session = self
            .chat
            .sessions
            .get(session_id)
            .cloned()
            .ok_or((404, "Agent session not found".to_owned()))?;
        let chat_id = self
            .chat_ringing(&session)
            .into_iter()
            .next()
            .ok_or((404, "There is no chat request to accept".to_owned()))?;
        let chat = self
            .chat
            .chats
            .get_mut(&chat_id)
            .ok_or((404, "There is no chat request to accept".to_owned()))?;
        chat.agent = Some(session.login.clone());
        chat.target_agent = None;
        chat.agent_seen = Instant::now();
        chat.transcript.push(Entry::Accepted {
            agent: session.login.clone(),
        });
        chat.state_event(ChatSessionState::Chatting);
        chat.system_line("You are now chatting with an agent.", 3);
        let timeout = self.config.chat_timeout;
        self.schedule(
            TimerKind::ChatIdle {
                chat: chat_id.clone(),
            },
            Instant::now() + timeout,
        );
        Ok(chat_id)
    }

    /// Users with an online chat session, in login order, optionally only
    /// those of a skill (id) and other than `except`.
    pub(crate) fn chat_online_agents(
        &self,
        skill: Option<&str>,
        except: Option<&str>,
    ) -> Vec<UserConfig> {
        let mut users: Vec<UserConfig> = self
            .chat
            .sessions
            .values()
            .filter(|s| {
                s.availability == ChatAvailability::Online && Some(s.login.as_str()) != except
            })
            .filter_map(|s| self.user(&s.login).cloned())
            .filter(|u| skill.is_none_or(|id| u.skills.iter().any(|k| k == id)))
            .collect();
        users.sort_by(|a, b| a.login.cmp(&b.login));
        users.dedup_by(|a, b| a.login == b.login);
        users
    }

    /// Whether the skill has an online agent other than `except`.
    fn skill_has_online_agent(&self, skill: &str, except: &str) -> bool {
        !self
            .chat_online_agents(Some(skill), Some(except))
            .is_empty()
    }

    /// Skills one can transfer to: those with an online agent other than `login`.
    pub(crate) fn chat_transfer_skills(&self, login: &str) -> Vec<(String, String, usize)> {
        self.config
            .skills
            .iter()
            .map(|s| {
                let online = self.chat_online_agents(Some(&s.id), Some(login)).len();
                (s.id.clone(), s.name.clone(), online)
            })
            .filter(|(_, _, online)| *online > 0)
            .collect()
    }

    /// `POST …/transfer`: agent wins over skill.
    pub(crate) fn chat_transfer(
        &mut self,
        login: &str,
        chat_id: &str,
        request: &TransferRequest,
    ) -> Result<(), Failure> {
        let target_agent = match &request.agent {
            Some(agent) => Some(
                self.resolve_agent(&agent.id.to_string())
                    .ok_or_else(|| (400, format!("Agent {} does not exist", agent.id)))?,
            ),
            None => None,
        };
        let target_skill = match &request.skill {
            Some(skill) => {
                let wanted = skill.id.to_string();
                Some(
                    self.find_skill(&wanted)
                        .ok_or_else(|| (400, format!("Skill {wanted} does not exist")))?,
                )
            }
            None => None,
        };
        match (&target_agent, &target_skill) {
            (None, None) => return Err((400, "A transfer needs a skill or an agent".into())),
            (None, Some(skill)) if !self.skill_has_online_agent(skill, login) => {
                return Err((400, format!("No agent is available in skill {skill}")));
            }
            _ => {}
        }
        let chat = self.chat_owned_mut(login, chat_id)?;
        chat.agent = None;
        chat.transcript.push(Entry::Left {
            agent: login.to_owned(),
            role: Role::AssignedAgent,
        });
        if let Some(text) = &request.text {
            let mut note = ChatEvent::line(text.clone());
            note.sub_type = Some("ONLY_TO_REP".into());
            chat.line("agent", note);
        }
        match target_agent {
            Some(agent) => {
                chat.target_agent = Some(agent.clone());
                chat.transcript.push(Entry::TransferredToAgent { agent });
                chat.system_line("The chat is being transferred to another agent.", 13);
            }
            None => {
                let to = target_skill.unwrap_or_default();
                chat.transcript.push(Entry::TransferredToSkill {
                    from: chat.skill.clone(),
                    to: to.clone(),
                });
                chat.skill = to;
                chat.system_line("The chat is being transferred to another skill.", 15);
            }
        }
        chat.state_event(ChatSessionState::Waiting);
        Ok(())
    }

    /// The chat, if `login` is its agent; counts as agent activity.
    pub(crate) fn chat_owned_mut(
        &mut self,
        login: &str,
        chat_id: &str,
    ) -> Result<&mut ChatState, Failure> {
        let chat = self
            .chat
            .chats
            .get_mut(chat_id)
            .ok_or_else(|| (404, format!("Chat {chat_id} not found")))?;
        if chat.agent.as_deref() != Some(login) {
            return Err((403, format!("Chat {chat_id} is not handled by this agent")));
        }
        chat.agent_seen = Instant::now();
        Ok(chat)
    }

    /// Ends a chat whose agent stopped polling for `chat_timeout`, else checks again later.
    ///
    /// \[inferred\] The docs only say the chat "times out unless it is
    /// updated"; le-sim ends it with system message 6 (unexpected disconnect).
    pub(crate) fn chat_idle_check(&mut self, chat_id: &str) {
        let timeout = self.config.chat_timeout;
        let Some(chat) = self.chat.chats.get_mut(chat_id) else {
            return;
        };
        if chat.state != ChatSessionState::Chatting {
            return;
        }
        let due = chat.agent_seen + timeout;
        if due <= Instant::now() {
            chat.system_line("The chat timed out.", 6);
            chat.state_event(ChatSessionState::Ended);
            chat.transcript.push(Entry::Closed {
                by: CloseReason::Timeout,
                with_survey: false,
            });
        } else {
            self.schedule(
                TimerKind::ChatIdle {
                    chat: chat_id.to_owned(),
                },
                due,
            );
        }
    }

    /// Starts a chat as a visitor; returns its id.
    pub(crate) fn visitor_start(
        &mut self,
        skill: Option<&str>,
        visitor_name: &str,
        first_line: Option<&str>,
    ) -> Result<String, Failure> {
        let skill = match skill {
            None | Some("-1") | Some("") => self.config.default_skill_id(),
            Some(wanted) => self
                .find_skill(wanted)
                .ok_or_else(|| (400, format!("Skill {wanted} does not exist")))?,
        };
        let id = new_id().replace('-', "");
        let mut chat = ChatState {
            id: id.clone(),
            skill: skill.clone(),
            visitor_name: visitor_name.to_owned(),
            visitor_id: format!("{}", now_ms()),
            state: ChatSessionState::Waiting,
            agent: None,
            target_agent: None,
            events: Vec::new(),
            start_ms: now_ms(),
            agent_typing: "not-typing".into(),
            timeout_secs: self.config.chat_timeout.as_secs(),
            agent_seen: Instant::now(),
            transcript: vec![Entry::Opened {
                by: visitor_name.to_owned(),
                skill,
            }],
        };
        chat.state_event(ChatSessionState::Waiting);
        chat.system_line("Thank you for choosing to chat with us.", 4);
        if let Some(text) = first_line {
            chat.line("visitor", ChatEvent::line(text));
        }
        self.chat.chats.insert(id.clone(), chat);
        self.chat.order.push(id.clone());
        Ok(id)
    }

    /// A visitor line.
    pub(crate) fn visitor_line(&mut self, chat_id: &str, text: &str) -> Result<usize, Failure> {
        let chat = self
            .chat
            .chats
            .get_mut(chat_id)
            .ok_or_else(|| (404, format!("Chat {chat_id} not found")))?;
        if chat.state == ChatSessionState::Ended {
            return Err((400, format!("Chat {chat_id} has ended")));
        }
        Ok(chat.line("visitor", ChatEvent::line(text)))
    }

    /// The visitor leaves.
    pub(crate) fn visitor_end(&mut self, chat_id: &str) -> Result<(), Failure> {
        let chat = self
            .chat
            .chats
            .get_mut(chat_id)
            .ok_or_else(|| (404, format!("Chat {chat_id} not found")))?;
        chat.end(CloseReason::Consumer);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::iso_time;

    #[test]
    fn iso_time_known_instants() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000+00:00");
        assert_eq!(iso_time(1_440_947_162_001), "2015-08-30T15:06:02.001+00:00");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00.000+00:00");
    }
}
