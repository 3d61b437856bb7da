//! A messaging conversation and its wire views for agents (API v2.x) and
//! consumers (API v3).

use std::collections::BTreeMap;

use liveengage_proto::enums::{
    ChannelType, CloseReason, ConvState, DialogType, ParticipantState, Role, TtrType,
};
use liveengage_proto::notifications::{
    ConversationDetails, Dialog, ExConversation, ParticipantDetail, ParticipantRef, Participants,
    Ttr,
};
use liveengage_proto::record::OriginatorMetadata;
use liveengage_proto::{Event, EventRecord};
use serde_json::{Map, Value, json};

use crate::transcript::{Entry, Transcript};

/// An agent taking part.
#[derive(Debug, Clone)]
pub(crate) struct AgentPart {
    pub login: String,
    pub legacy: String,
    pub pid: String,
    pub role: Role,
    pub state: ParticipantState,
}

/// A stored message event.
#[derive(Debug, Clone)]
pub(crate) struct StoredEvent {
    pub sequence: Option<i64>,
    pub server_ts: i64,
    /// Legacy id of agents, consumer id of consumers.
    pub from_legacy: String,
    pub from_pid: String,
    pub role: Role,
    pub event: Event,
    pub metadata: Option<Value>,
    pub private: bool,
}

/// One dialog.
#[derive(Debug, Clone)]
pub(crate) struct DialogState {
    pub id: String,
    pub dialog_type: DialogType,
    pub state: ConvState,
    pub creation_ts: i64,
    pub end_ts: Option<i64>,
    pub closed_by: Option<CloseReason>,
    pub events: Vec<StoredEvent>,
    pub next_seq: i64,
}

impl DialogState {
    pub(crate) fn new(id: String, dialog_type: DialogType, now: i64) -> Self {
        Self {
            id,
            dialog_type,
            state: ConvState::Open,
            creation_ts: now,
            end_ts: None,
            closed_by: None,
            events: Vec::new(),
            next_seq: 0,
        }
    }
}

/// A ring offered to agents.
#[derive(Debug, Clone)]
pub(crate) struct Ring {
    pub id: String,
    pub created_ms: i64,
    pub offered: Vec<String>,
    pub rejected: Vec<String>,
}

/// A messaging conversation.
#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    pub id: String,
    pub account: String,
    pub consumer_id: String,
    pub skill: String,
    pub state: ConvState,
    pub stage: ConvState,
    pub close_reason: Option<CloseReason>,
    pub start_ts: i64,
    pub end_ts: Option<i64>,
    pub last_update: i64,
    pub ttr: (TtrType, i64),
    pub agents: Vec<AgentPart>,
    pub dialogs: Vec<DialogState>,
    pub ring: Option<Ring>,
    pub context: Value,
    pub csat: Option<i64>,
    pub transcript: Vec<Entry>,
}

impl Conversation {
    pub(crate) fn new(
        id: String,
        account: String,
        consumer_id: String,
        skill: String,
        now: i64,
    ) -> Self {
        let main = DialogState::new(id.clone(), DialogType::Main, now);
        Self {
            transcript: vec![Entry::Opened {
                by: consumer_id.clone(),
                skill: skill.clone(),
            }],
            id,
            account,
            consumer_id,
            skill,
            state: ConvState::Open,
            stage: ConvState::Open,
            close_reason: None,
            start_ts: now,
            end_ts: None,
            last_update: now,
            ttr: (TtrType::Normal, 3600),
            agents: Vec::new(),
            dialogs: vec![main],
            ring: None,
            context: json!({"type":"CustomContext","clientProperties":{"type":".ClientProperties","appId":"le-sim","ipAddress":"127.0.0.1","features":["RICH_CONTENT","QUICK_REPLIES","MULTI_DIALOG"]},"name":"le-sim"}),
            csat: None,
        }
    }

    /// The assigned agent's login.
    pub(crate) fn assigned(&self) -> Option<&AgentPart> {
        self.agents
            .iter()
            .find(|a| a.role == Role::AssignedAgent && a.state == ParticipantState::Active)
    }

    /// The agent suggested by a transfer to agent.
    pub(crate) fn suggested(&self) -> Option<&AgentPart> {
        self.agents
            .iter()
            .find(|a| a.state == ParticipantState::Suggested)
    }

    /// Waiting in a skill queue for an agent.
    pub(crate) fn is_queued(&self) -> bool {
        self.stage == ConvState::Open && self.state == ConvState::Open && self.assigned().is_none()
    }

    /// Whether `login` takes part (actively).
    pub(crate) fn has_agent(&self, login: &str) -> bool {
        self.agents
            .iter()
            .any(|a| a.login == login && a.state == ParticipantState::Active)
    }

    pub(crate) fn dialog(&self, id: &str) -> Option<&DialogState> {
        self.dialogs.iter().find(|d| d.id == id)
    }

    pub(crate) fn dialog_mut(&mut self, id: &str) -> Option<&mut DialogState> {
        self.dialogs.iter_mut().find(|d| d.id == id)
    }

    fn ttr(&self) -> Ttr {
        Ttr {
            ttr_type: self.ttr.0.clone(),
            value: self.ttr.1,
            extra: Map::new(),
        }
    }

    fn role_map(
        &self,
        pick: impl Fn(&AgentPart) -> String,
        consumer: &str,
    ) -> BTreeMap<Role, Vec<String>> {
        let mut map: BTreeMap<Role, Vec<String>> = BTreeMap::new();
        map.insert(Role::Consumer, vec![consumer.to_owned()]);
        for agent in self
            .agents
            .iter()
            .filter(|a| a.state == ParticipantState::Active)
        {
            map.entry(agent.role.clone()).or_default().push(pick(agent));
        }
        map
    }

    fn dialogs_view(&self, agent_side: bool) -> Vec<Dialog> {
        self.dialogs
            .iter()
            .map(|d| {
                let mut details = vec![ParticipantDetail {
                    id: self.consumer_id.clone(),
                    role: Role::Consumer,
                    state: agent_side.then_some(ParticipantState::Active),
                    extra: Map::new(),
                }];
                for agent in &self.agents {
                    if !agent_side && agent.state != ParticipantState::Active {
                        continue;
                    }
                    details.push(ParticipantDetail {
                        id: if agent_side {
                            agent.legacy.clone()
                        } else {
                            agent.pid.clone()
                        },
                        role: agent.role.clone(),
                        state: agent_side.then(|| agent.state.clone()),
                        extra: Map::new(),
                    });
                }
                Dialog {
                    dialog_id: d.id.as_str().into(),
                    participants_details: Some(details),
                    dialog_type: Some(d.dialog_type.clone()),
                    channel_type: Some(ChannelType::Messaging),
                    state: Some(d.state.clone()),
                    creation_ts: Some(d.creation_ts),
                    meta_data_last_update_ts: Some(self.last_update),
                    end_ts: d.end_ts,
                    closed_by: d.closed_by.clone(),
                    closed_cause: None,
                    extra: Map::new(),
                }
            })
            .collect()
    }

    /// The `result` of an ExConversationChangeNotification: the raw v2.x map
    /// form on the agent side, the v3 array form on the consumer side.
    pub(crate) fn view(&self, agent_side: bool) -> ExConversation {
        let (participants, participants_pid) = if agent_side {
            (
                Participants::ByRole(self.role_map(|a| a.legacy.clone(), &self.consumer_id)),
                Some(self.role_map(|a| a.pid.clone(), &self.consumer_id)),
            )
        } else {
            let mut list = vec![ParticipantRef {
                id: self.consumer_id.clone(),
                role: Role::Consumer,
                extra: Map::new(),
            }];
            for agent in self
                .agents
                .iter()
                .filter(|a| a.state == ParticipantState::Active)
            {
                list.push(ParticipantRef {
                    id: agent.pid.clone(),
                    role: agent.role.clone(),
                    extra: Map::new(),
                });
            }
            (Participants::List(list), None)
        };
        let details = ConversationDetails {
            conv_id: Some(self.id.as_str().into()),
            skill_id: Some(self.skill.as_str().into()),
            participants: Some(participants),
            participants_pid,
            dialogs: self.dialogs_view(agent_side),
            brand_id: Some(self.account.clone()),
            state: Some(self.state.clone()),
            stage: Some(self.stage.clone()),
            close_reason: self.close_reason.clone(),
            start_ts: Some(self.start_ts),
            end_ts: self.end_ts,
            meta_data_last_update_ts: Some(self.last_update),
            first_conversation: Some(false),
            csat_rate: Some(self.csat.unwrap_or(0)),
            note: Some(String::new()),
            ttr: Some(self.ttr()),
            context: Some(self.context.clone()),
            conversation_handler_details: Some(
                json!({"accountId": self.account, "skillId": self.skill}),
            ),
            extra: Map::new(),
        };
        ExConversation {
            conv_id: self.id.as_str().into(),
            effective_ttr: Some(-1),
            conversation_details: details,
            number_of_unread_messages: Some(json!({})),
            last_update_time: Some(self.last_update),
            last_content_event_notification: None,
            extra: Map::new(),
        }
    }

    /// A stored event as an agent-side record (`OnlineEventDistribution`,
    /// history) or a consumer-side record (`MessagingEventNotification`).
    pub(crate) fn record(
        &self,
        dialog_id: &str,
        stored: &StoredEvent,
        agent_side: bool,
    ) -> EventRecord {
        let sequenced = stored.sequence.is_some();
        EventRecord {
            sequence: stored.sequence,
            originator_client_properties: agent_side
                .then(|| json!({"type":".ClientProperties","ipAddress":"127.0.0.1"})),
            originator_id: Some(if agent_side {
                stored.from_legacy.clone()
            } else {
                stored.from_pid.clone()
            }),
            originator_pid: agent_side.then(|| stored.from_pid.clone()),
            originator_metadata: Some(OriginatorMetadata {
                id: stored.from_pid.clone(),
                role: stored.role.clone(),
                extra: Map::new(),
            }),
            // ChatStateEvent records carry neither sequence nor timestamp.
            server_timestamp: sequenced.then_some(stored.server_ts),
            event: stored.event.clone(),
            dialog_id: Some(dialog_id.into()),
            conversation_id: (!agent_side).then(|| self.id.as_str().into()),
            metadata: stored.metadata.clone(),
            extra: Map::new(),
        }
    }

    pub(crate) fn transcript(&self) -> Transcript {
        Transcript {
            id: self.id.clone(),
            channel: "messaging".into(),
            skill: self.skill.clone(),
            open: self.stage == ConvState::Open,
            entries: self.transcript.clone(),
        }
    }
}
