//! Routing: rings for queued conversations, accept and reject, and the
//! conversation-change fan-out to subscriptions.

use liveengage_proto::Notification;
use liveengage_proto::enums::{Availability, ChangeType, ParticipantState, RingState, Role};
use liveengage_proto::notifications::{Change, Changes, RingDetails, RoutingTask, types};
use serde_json::{Map, Value, json};

use crate::conversation::{AgentPart, Conversation, Ring};
use crate::state::{Core, TimerKind, Who, now_ms};
use crate::transcript::Entry;

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Core {
    /// Logins with a socket subscribed to routing tasks (one pass over the
    /// connections, shared by every conversation a `route` call looks at).
    fn routable_logins(&self) -> std::collections::HashSet<String> {
        self.all_agent_conns()
            .into_iter()
            .filter_map(|id| self.conns.get(&id))
            .filter(|c| c.routing_sub.is_some())
            .filter_map(|c| match &c.who {
                Who::Agent { login, .. } => Some(login.clone()),
                _ => None,
            })
            .collect()
    }

    /// Logins that may be rung for `conv` now (`routable`: [`Self::routable_logins`]).
    fn eligible_agents(
        &self,
        conv: &Conversation,
        routable: &std::collections::HashSet<String>,
    ) -> Vec<String> {
        let suggested = conv.suggested().map(|a| a.login.clone());
        let mut logins: Vec<String> = self
            .config
            .users
            .iter()
            .filter(|u| match &suggested {
                Some(target) => &u.login == target,
                None => u.skills.contains(&conv.skill),
            })
            .filter(|u| self.availability(&u.login) == Availability::Online)
            .filter(|u| routable.contains(&u.login))
            .filter(|u| {
                !conv
                    .ring
                    .as_ref()
                    .is_some_and(|r| r.rejected.contains(&u.login))
            })
            .map(|u| u.login.clone())
            .collect();
        logins.dedup();
        logins
    }

    /// Builds the ring notification change for one conversation.
    fn ring_change(
        &self,
        conv: &Conversation,
        ring: &Ring,
        state: RingState,
    ) -> Change<RoutingTask> {
        let expiration = i64::try_from(self.config.ring_expiration.as_millis()).unwrap_or(i64::MAX);
        let mut ring_extra = Map::new();
        ring_extra.insert("brandId".into(), json!(conv.account));
        ring_extra.insert("convId".into(), json!(conv.id));
        ring_extra.insert("consumerId".into(), json!(conv.consumer_id));
        ring_extra.insert("skillId".into(), json!(conv.skill));
        Change {
            change: ChangeType::Upsert,
            result: Some(RoutingTask {
                routing_task_id: Some(format!("task-{}", ring.id)),
                task_completed: Some(state != RingState::Waiting),
                conversation_id: conv.id.as_str().into(),
                consumer_id: Some(conv.consumer_id.clone()),
                skill_id: Some(conv.skill.as_str().into()),
                brand_id: Some(conv.account.clone()),
                assigned_agent_id: None,
                rings_details: vec![RingDetails {
                    ring_id: ring.id.as_str().into(),
                    ring_expiration: Some(expiration),
                    ring_expiration_ts: Some(ring.created_ms.saturating_add(expiration)),
                    ring_state: state,
                    weight: Some(ring.created_ms),
                    extra: ring_extra,
                }],
                extra: Map::new(),
            }),
            extra: Map::new(),
        }
    }

    /// Sends routing changes to every routing subscription of `login`.
    fn send_routing(&mut self, login: &str, changes: Vec<Change<RoutingTask>>) {
        for conn in self.agent_conns(login) {
            let Some(sub) = self.conns.get(&conn).and_then(|c| c.routing_sub.clone()) else {
                continue;
            };
            let body = Changes {
                subscription_id: Some(sub.into()),
                changes: changes.clone(),
                extra: Map::new(),
            };
            self.notify(conn, Notification::new(types::ROUTING_TASK, to_json(&body)));
        }
    }

    /// The rings currently waiting for `login` (sent after a new routing subscription).
    pub(crate) fn waiting_rings_for(&self, login: &str) -> Vec<Change<RoutingTask>> {
        self.conversation_order
            .iter()
            .filter_map(|id| self.conversations.get(id))
            .filter_map(|c| {
                let ring = c.ring.as_ref()?;
                ring.offered
                    .iter()
                    .any(|l| l == login)
                    .then(|| self.ring_change(c, ring, RingState::Waiting))
            })
            .collect()
    }

    /// Offers every queued conversation to the agents that can take it.
    pub(crate) fn route(&mut self) {
        let queued = self.queued_conversations();
        let routable = self.routable_logins();
        for conv_id in queued {
            // Borrowed, not cloned: a conversation carries its whole transcript.
            let Some(conv) = self.conversations.get(&conv_id).filter(|c| c.is_queued()) else {
                continue;
            };
            let eligible = self.eligible_agents(conv, &routable);
            let offered = conv
                .ring
                .as_ref()
                .map(|r| r.offered.clone())
                .unwrap_or_default();
            let new: Vec<String> = eligible
                .into_iter()
                .filter(|l| !offered.contains(l))
                .collect();
            if new.is_empty() {
                continue;
            }
            let now = now_ms();
            let ring = conv.ring.clone().unwrap_or_else(|| Ring {
                id: format!("{}_{}_{}", conv.id, conv.account, now),
                created_ms: now,
                offered: Vec::new(),
                rejected: Vec::new(),
            });
            let had_ring = conv.ring.is_some();
            let change = self.ring_change(conv, &ring, RingState::Waiting);
            for login in &new {
                self.send_routing(login, vec![change.clone()]);
            }
            if !had_ring {
                let kind = TimerKind::Ring {
                    conversation: conv_id.clone(),
                    ring_id: ring.id.clone(),
                };
                self.schedule(
                    kind,
                    tokio::time::Instant::now() + self.config.ring_expiration,
                );
            }
            if let Some(c) = self.conversations.get_mut(&conv_id) {
                let mut ring = ring;
                ring.offered.extend(new.iter().cloned());
                c.transcript.push(Entry::Rang {
                    ring_id: ring.id.clone(),
                    agents: new,
                });
                c.ring = Some(ring);
            }
        }
    }

    /// Withdraws a conversation's ring from everybody but `keep`.
    pub(crate) fn cancel_ring(&mut self, conv_id: &str, keep: Option<&str>) {
        let Some(conv) = self.conversations.get_mut(conv_id) else {
            return;
        };
        let Some(ring) = conv.ring.take() else { return };
        let conv = conv.clone();
        let change = self.ring_change(&conv, &ring, RingState::Cancelled);
        for login in ring.offered.iter().filter(|l| Some(l.as_str()) != keep) {
            self.send_routing(login, vec![change.clone()]);
        }
    }

    /// Expires a ring nobody answered, then offers the conversation again.
    pub(crate) fn expire_ring(&mut self, conv_id: &str, ring_id: &str) {
        let Some(conv) = self.conversations.get_mut(conv_id) else {
            return;
        };
        if conv.ring.as_ref().is_none_or(|r| r.id != ring_id) {
            return;
        }
        let Some(ring) = conv.ring.take() else { return };
        conv.transcript.push(Entry::RingExpired {
            ring_id: ring.id.clone(),
        });
        let conv = conv.clone();
        let change = self.ring_change(&conv, &ring, RingState::Expired);
        for login in &ring.offered {
            self.send_routing(login, vec![change.clone()]);
        }
        self.route();
    }

    /// `UpdateRingState`.
    pub(crate) fn answer_ring(
        &mut self,
        login: &str,
        ring_id: &str,
        state: &RingState,
    ) -> Result<(), (u16, String)> {
        let conv_id = self
            .conversations
            .values()
            .find(|c| {
                c.ring
                    .as_ref()
                    .is_some_and(|r| r.id == ring_id && r.offered.iter().any(|l| l == login))
            })
            .map(|c| c.id.clone())
            .ok_or((400, format!("Ring {ring_id} is not offered to this agent")))?;
        match state {
            RingState::Accepted => {
                self.cancel_ring(&conv_id, Some(login));
                let part = AgentPart {
                    login: login.to_owned(),
                    legacy: self.legacy_id(login),
                    pid: self.pid(login),
                    role: Role::AssignedAgent,
                    state: ParticipantState::Active,
                };
                if let Some(c) = self.conversations.get_mut(&conv_id) {
                    c.agents.retain(|a| a.state != ParticipantState::Suggested);
                    c.agents.push(part);
                    c.last_update = now_ms();
                    c.transcript.push(Entry::Accepted {
                        agent: login.to_owned(),
                    });
                }
                self.conversation_changed(&conv_id);
            }
            RingState::Rejected => {
                if let Some(ring) = self
                    .conversations
                    .get_mut(&conv_id)
                    .and_then(|c| c.ring.as_mut())
                {
                    ring.offered.retain(|l| l != login);
                    ring.rejected.push(login.to_owned());
                }
                if let Some(c) = self.conversations.get_mut(&conv_id) {
                    c.transcript.push(Entry::Rejected {
                        agent: login.to_owned(),
                    });
                }
            }
            other => {
                return Err((
                    400,
                    format!(
                        "ringState {other} cannot be set by an agent; use ACCEPTED or REJECTED"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Sends UPSERT or DELETE for `conv_id` to every conversation subscription.
    pub(crate) fn conversation_changed(&mut self, conv_id: &str) {
        // Every change of state, stage or participants passes here.
        self.refresh_queued(conv_id);
        // Borrowed, not cloned: a conversation carries its whole transcript.
        let Some(conv) = self.conversations.get(conv_id) else {
            return;
        };
        let agent_view = to_json(&conv.view(true));
        let consumer_view = to_json(&conv.view(false));
        // Only agents and this conversation's consumer can match (or have
        // seen it): a consumer's subscription shows its own conversations.
        let mut targets = self.all_agent_conns();
        targets.extend(self.consumer_conns(&conv.consumer_id));
        let mut pending = Vec::new();
        for conn_id in targets {
            let Some(conn) = self.conns.get_mut(&conn_id) else {
                continue;
            };
            let agent_side = matches!(conn.who, Who::Agent { .. });
            for sub in &mut conn.ex_subs {
                let matches = subscription_matches(conv, &conn.who, &sub.filter);
                let change = if matches {
                    sub.seen.insert(conv.id.clone());
                    "UPSERT"
                } else if sub.seen.remove(&conv.id) {
                    // [gap] The DELETE payload is not documented; the full
                    // result is sent because node-agent-sdk's transformer needs it.
                    "DELETE"
                } else {
                    continue;
                };
                let result = if agent_side {
                    agent_view.clone()
                } else {
                    consumer_view.clone()
                };
                let body = json!({"subscriptionId": sub.id, "changes": [{"type": change, "result": result}]});
                let type_name = if agent_side {
                    types::EX_CONVERSATION_CHANGE
                } else {
                    types::CONSUMER_EX_CONVERSATION_CHANGE
                };
                pending.push((conn_id, Notification::new(type_name, body)));
            }
        }
        pending.sort_by_key(|(id, _)| *id);
        for (conn, notification) in pending {
            self.notify(conn, notification);
        }
    }
}

/// Whether a conversation passes a subscription's filter.
pub(crate) fn subscription_matches(
    conv: &Conversation,
    who: &Who,
    filter: &liveengage_proto::requests::SubscribeExConversations,
) -> bool {
    let visible = match who {
        Who::Consumer { consumer_id } => &conv.consumer_id == consumer_id,
        Who::Agent { .. } => match &filter.agent_ids {
            None => true,
            Some(ids) => conv
                .agents
                .iter()
                .any(|a| ids.iter().any(|id| *id == a.legacy || *id == a.pid)),
        },
    };
    let state_ok = filter
        .conv_state
        .as_ref()
        .is_none_or(|s| s.contains(&conv.state));
    let stage_ok = filter
        .stage
        .as_ref()
        .is_none_or(|s| s.contains(&conv.stage));
    visible && state_ok && stage_ok
}
