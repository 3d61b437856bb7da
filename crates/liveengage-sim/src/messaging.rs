//! UMS request handling for both sides of the Messaging API.

use std::sync::Arc;

use liveengage_proto::enums::{ConvState, Role};
use liveengage_proto::notifications::types;
use liveengage_proto::record::MessagingEventNotification;
use liveengage_proto::requests::{GetUserProfile, SubscribeExConversations, canonical_type};
use liveengage_proto::{Event, Notification, Request, Response, UmsRequest, encode_notification};
use serde_json::{Map, Value, json};

use crate::conversation::{AgentPart, Conversation, StoredEvent};
use crate::fields::Caller;
use crate::state::{Core, ExSub, Who, new_id, now_ms};
use crate::transcript::{Actor, Entry};

type Failure = (u16, String);

const STRING_RESP: &str = ".ReqBody$StringResp";

fn reply(req: &Request, code: u16, type_name: &str, body: Value) -> Response {
    Response::new(req.id.clone(), code, type_name, body)
}

/// An error answer. \[gap\] No authoritative UMS error frame is documented;
/// the body is a plain message string, as in the one known example (a 400
/// "Agent does not exist in conversation").
pub(crate) fn error_reply(req: &Request, (code, message): Failure) -> Response {
    reply(req, code, STRING_RESP, Value::String(message))
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Core {
    fn subscribe_conversations(&mut self, conn: u64, filter: SubscribeExConversations) -> String {
        let id = new_id();
        let who = self.conns.get(&conn).map(|c| c.who.clone());
        let Some(who) = who else { return id };
        let agent_side = matches!(who, Who::Agent { .. });
        let mut seen = std::collections::HashSet::new();
        let mut changes = Vec::new();
        // A consumer sees only its own conversations: no need to visit all.
        let candidates: Vec<&Conversation> = match &who {
            Who::Consumer { consumer_id } => self.conversations_of(consumer_id).collect(),
            Who::Agent { .. } => self
                .conversation_order
                .iter()
                .filter_map(|id| self.conversations.get(id))
                .collect(),
        };
        for conv in candidates {
            let recent = filter
                .min_last_updated_time
                .is_none_or(|min| conv.last_update >= min);
            if recent && crate::routing::subscription_matches(conv, &who, &filter) {
                seen.insert(conv.id.clone());
                changes.push(json!({"type":"UPSERT","result": to_json(&conv.view(agent_side))}));
            }
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.ex_subs.push(ExSub {
                id: id.clone(),
                filter,
                seen,
            });
        }
        let type_name = if agent_side {
            types::EX_CONVERSATION_CHANGE
        } else {
            types::CONSUMER_EX_CONVERSATION_CHANGE
        };
        self.notify(
            conn,
            Notification::new(type_name, json!({"subscriptionId": id, "changes": changes})),
        );
        id
    }

    fn unsubscribe(&mut self, conn: u64, subscription: Option<&str>) {
        if let Some(c) = self.conns.get_mut(&conn) {
            match subscription {
                Some(id) => c.ex_subs.retain(|s| s.id != id),
                None => c.ex_subs.clear(),
            }
        }
    }

    /// Stores and distributes one event. Returns its sequence (0 for typing).
    pub(crate) fn publish(
        &mut self,
        dialog_id: &str,
        from: &Actor,
        event: Event,
        metadata: Option<Value>,
        private: bool,
    ) -> Result<i64, Failure> {
        let conv_id = self
            .conversation_of_dialog(dialog_id)
            .map(|c| c.id.clone())
            .ok_or_else(|| (400, format!("Dialog {dialog_id} does not exist")))?;
        let (from_legacy, from_pid) = match from.role {
            Role::Consumer => (from.id.clone(), from.id.clone()),
            _ => (self.legacy_id(&from.id), self.pid(&from.id)),
        };
        let Some(conv) = self.conversations.get_mut(&conv_id) else {
            return Err((400, format!("Dialog {dialog_id} does not exist")));
        };
        let allowed = match from.role {
            Role::Consumer => conv.consumer_id == from.id,
            _ => conv.has_agent(&from.id),
        };
        if !allowed {
            return Err((400, "Agent does not exist in conversation".into()));
        }
        let Some(dialog) = conv.dialog_mut(dialog_id) else {
            return Err((400, format!("Dialog {dialog_id} does not exist")));
        };
        if dialog.state != ConvState::Open {
            return Err((400, format!("Dialog {dialog_id} is closed")));
        }
        // The agent clock times a consumer's message from the agent socket
        // to the agent's next message in the dialog.
        let is_message = matches!(event, Event::Content(_) | Event::RichContent(_));
        let timed_dialog: Option<Arc<str>> =
            (self.agent_clock.is_some() && is_message && from.role == Role::Consumer)
                .then(|| Arc::from(dialog_id));
        let answered_at = (is_message && from.role != Role::Consumer)
            .then_some(self.received_at)
            .flatten();
        let sequence = event.is_sequenced().then(|| {
            let seq = dialog.next_seq;
            dialog.next_seq += 1;
            seq
        });
        let stored = StoredEvent {
            sequence,
            server_ts: now_ms(),
            from_legacy,
            from_pid,
            role: from.role.clone(),
            event: event.clone(),
            metadata,
            private,
        };
        // Encoded before the event is stored, so it is moved, not copied.
        let frames = self.distribution(&conv_id, dialog_id, &stored);
        if let Some(conv) = self.conversations.get_mut(&conv_id) {
            conv.transcript.push(Entry::Message {
                dialog_id: dialog_id.to_owned(),
                sequence,
                from: from.clone(),
                event,
                private,
            });
            if sequence.is_some()
                && let Some(dialog) = conv.dialog_mut(dialog_id)
            {
                dialog.events.push(stored);
            }
        }
        for (conn, frame) in frames {
            match &timed_dialog {
                Some(dialog) if self.is_agent_conn(conn) => {
                    self.notify_timed(conn, frame, Arc::clone(dialog));
                }
                _ => self.notify_frame(conn, frame),
            }
        }
        if let (Some(at), Some(clock)) = (answered_at, self.agent_clock.as_mut()) {
            clock.answered(dialog_id, at);
        }
        Ok(sequence.unwrap_or(0))
    }

    /// The notifications that send an event to every participant, the
    /// sender included.
    fn distribution(
        &self,
        conv_id: &str,
        dialog_id: &str,
        stored: &StoredEvent,
    ) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let Some(conv) = self.conversations.get(conv_id) else {
            return out;
        };
        // Each side's frame is encoded once, straight from the typed record.
        let agent_frame = encode_notification(
            types::ONLINE_EVENT_DISTRIBUTION,
            &conv.record(dialog_id, stored, true),
        );
        let mut agents: Vec<&AgentPart> = conv
            .agents
            .iter()
            .filter(|a| a.state == liveengage_proto::enums::ParticipantState::Active)
            .collect();
        agents.dedup_by(|a, b| a.login == b.login);
        let logins: Vec<String> = agents.iter().map(|a| a.login.clone()).collect();
        for login in logins {
            for conn in self.agent_conns(&login) {
                out.push((conn, agent_frame.clone()));
            }
        }
        if stored.private {
            return out;
        }
        let body = MessagingEventNotification {
            dialog_id: None,
            changes: vec![conv.record(dialog_id, stored, false)],
            extra: Map::new(),
        };
        let consumer_frame = encode_notification(types::MESSAGING_EVENT, &body);
        for conn in self.consumer_conns(&conv.consumer_id) {
            if self
                .conns
                .get(&conn)
                .is_some_and(|c| c.dialog_subs.contains(dialog_id))
            {
                out.push((conn, consumer_frame.clone()));
            }
        }
        out
    }

    fn history(
        &self,
        dialog_id: &str,
        from_seq: i64,
        max: Option<i64>,
        consumer: Option<&str>,
    ) -> Result<Vec<Value>, Failure> {
        let agent_side = consumer.is_none();
        let conv = self
            .conversation_of_dialog(dialog_id)
            .ok_or_else(|| (400, format!("Dialog {dialog_id} does not exist")))?;
        if consumer.is_some_and(|id| id != conv.consumer_id) {
            return Err((
                403,
                format!("Dialog {dialog_id} belongs to another consumer"),
            ));
        }
        let Some(dialog) = conv.dialog(dialog_id) else {
            return Ok(Vec::new());
        };
        let limit = max
            .and_then(|m| usize::try_from(m).ok())
            .unwrap_or(usize::MAX);
        Ok(dialog
            .events
            .iter()
            .filter(|e| e.sequence.unwrap_or(0) >= from_seq)
            .filter(|e| agent_side || !e.private)
            .take(limit)
            .map(|e| to_json(&conv.record(dialog_id, e, agent_side)))
            .collect())
    }

    fn open_conversation(
        &mut self,
        consumer_id: &str,
        skill: Option<&str>,
        assigned: Option<&str>,
    ) -> Result<String, Failure> {
        if self
            .conversations_of(consumer_id)
            .any(|c| c.stage == ConvState::Open)
        {
            return Err((400, "The consumer already has an open conversation".into()));
        }
        // [inferred] "-1" (unassigned) and a missing skill go to the configured default skill.
        let skill = match skill {
            None | Some("-1") | Some("") => self.config.default_skill_id(),
            Some(s) if self.skill_exists(s) => s.to_owned(),
            Some(s) => return Err((400, format!("Skill {s} does not exist"))),
        };
        let id = new_id();
        let mut conv = Conversation::new(
            id.clone(),
            self.account().to_owned(),
            consumer_id.to_owned(),
            skill,
            now_ms(),
        );
        if let Some(login) = assigned {
            conv.agents.push(AgentPart {
                login: login.to_owned(),
                legacy: self.legacy_id(login),
                pid: self.pid(login),
                role: Role::AssignedAgent,
                state: liveengage_proto::enums::ParticipantState::Active,
            });
            conv.transcript.push(Entry::Joined {
                agent: login.to_owned(),
                role: Role::AssignedAgent,
            });
        }
        self.add_conversation(conv);
        self.conversation_changed(&id);
        self.route();
        Ok(id)
    }

    fn consumer_profile(&self, consumer_id: &str) -> Value {
        json!({
            "firstName": "Consumer",
            "lastName": consumer_id.chars().take(8).collect::<String>(),
            "privateData": {"mobileNum": "", "mail": "", "userId": consumer_id},
            "authenticatedData": {"lp_sdes": []},
            "claims": {"lp_sdes": [], "iss": "https://idp.liveperson.net"},
            "acr": "0"
        })
    }

    /// Answers one agent request; notifications it causes are queued.
    pub(crate) fn handle_agent(&mut self, conn: u64, login: &str, req: &Request) -> Response {
        if let Some(code) = self.faults.take_failure(canonical_type(&req.type_name)) {
            return error_reply(
                req,
                (code, format!("Injected failure for {}", req.type_name)),
            );
        }
        let typed = match UmsRequest::decode(req) {
            Ok(t) => t,
            Err(e) => return error_reply(req, (400, e.to_string())),
        };
        let result: Result<Response, Failure> = match typed {
            UmsRequest::GetClock => Ok(reply(
                req,
                200,
                ".GetClock$Response",
                json!({"currentTime": now_ms()}),
            )),
            UmsRequest::KeepAlive => Ok(reply(req, 200, STRING_RESP, json!("OK"))),
            UmsRequest::SetAgentState(body) => {
                self.availability
                    .insert(login.to_owned(), body.availability.clone());
                self.agent_state_changed(login);
                self.route();
                Ok(reply(
                    req,
                    202,
                    STRING_RESP,
                    json!("Agent state updated successfully"),
                ))
            }
            UmsRequest::SubscribeAgentsState(_) => {
                let id = new_id();
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.agent_state_sub = Some(id.clone());
                }
                let result = self.agent_state_result(login);
                self.notify(conn, Notification::new(types::AGENT_STATE, json!({"subscriptionId": id, "changes":[{"type":"UPSERT","result": result}]})));
                Ok(reply(
                    req,
                    200,
                    ".ams.GenericSubscribe$Response",
                    json!({"subscriptionId": id}),
                ))
            }
            UmsRequest::SubscribeRoutingTasks(_) => {
                let id = new_id();
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.routing_sub = Some(id.clone());
                }
                let changes = self.waiting_rings_for(login);
                self.notify(
                    conn,
                    Notification::new(
                        types::ROUTING_TASK,
                        json!({"subscriptionId": id, "changes": to_json(&changes)}),
                    ),
                );
                self.route();
                Ok(reply(
                    req,
                    200,
                    ".ams.GenericSubscribe$Response",
                    json!({"subscriptionId": id}),
                ))
            }
            UmsRequest::UpdateRingState(body) => self
                .answer_ring(login, body.ring_id.as_str(), &body.ring_state)
                .map(|()| {
                    reply(
                        req,
                        202,
                        STRING_RESP,
                        json!("Ring state updated successfully"),
                    )
                }),
            UmsRequest::SubscribeExConversations(filter) => {
                let id = self.subscribe_conversations(conn, filter);
                Ok(reply(
                    req,
                    200,
                    ".ams.aam.SubscribeExConversations$Response",
                    json!({"subscriptionId": id}),
                ))
            }
            UmsRequest::UnsubscribeExConversations(body) => {
                self.unsubscribe(conn, body.subscription_id.as_ref().map(|s| s.as_str()));
                Ok(reply(req, 200, STRING_RESP, json!("OK")))
            }
            UmsRequest::AgentRequestConversation(body) => self
                .open_conversation(body.consumer_id.as_str(), None, Some(login))
                .map(|id| {
                    reply(
                        req,
                        200,
                        ".ams.cm.AgentRequestConversation$Response",
                        json!({"conversationId": id}),
                    )
                }),
            UmsRequest::UpdateConversationField(body) => self
                .update_fields(
                    body.conversation_id.as_str(),
                    &Caller::Agent(login.to_owned()),
                    body.conversation_field.as_slice(),
                )
                .map(|msg| reply(req, 200, STRING_RESP, json!(msg))),
            UmsRequest::PublishEvent(body) => {
                let private = body.message_audience.as_deref() == Some("AGENTS_AND_MANAGERS");
                let from = Actor {
                    role: self.role_of(login, body.dialog_id.as_str()),
                    id: login.to_owned(),
                };
                self.publish(
                    body.dialog_id.as_str(),
                    &from,
                    body.event,
                    req.metadata.clone(),
                    private,
                )
                .map(|seq| {
                    reply(
                        req,
                        200,
                        ".ams.ms.PublishEvent$Response",
                        json!({"sequence": seq}),
                    )
                })
            }
            UmsRequest::QueryMessages(body) => {
                // [inferred] node-agent-sdk copies fromSeq into newerThanSequence, so
                // treating both as "strictly newer" would hide sequence 0; fromSeq
                // (inclusive) wins when present.
                let from = body
                    .from_seq
                    .or(body.newer_than_sequence.map(|n| n + 1))
                    .unwrap_or(0);
                self.history(body.dialog_id.as_str(), from, body.max_quantity, None)
                    .map(|records| {
                        reply(
                            req,
                            200,
                            ".ams.ms.QueryMessages$Response",
                            Value::Array(records),
                        )
                    })
            }
            UmsRequest::GetUserProfile(query) => {
                let body = match &query {
                    GetUserProfile::ById(id) if self.resolve_agent(id).is_none() => {
                        self.consumer_profile(id)
                    }
                    _ => json!({"userId": self.legacy_id(login)}),
                };
                Ok(reply(
                    req,
                    200,
                    ".ams.userprofile.GetUserProfile$Response",
                    body,
                ))
            }
            UmsRequest::Other { type_name, body } => self
                .file_url(&type_name, body.as_ref())
                .map(|b| reply(req, 200, "ms.BaseGenerateURLResponse", b)),
            other => Err((
                400,
                format!(
                    "Request type {} is not supported on the agent API",
                    other.type_name(liveengage_proto::Side::Agent)
                ),
            )),
        };
        result.unwrap_or_else(|failure| error_reply(req, failure))
    }

    /// `GenerateURLForUploadFile` / `GenerateURLForDownloadFile`: a signed
    /// relative path in the documented shape. \[inferred\] le-sim hosts no
    /// files; the answer only lets clients proceed with the protocol.
    fn file_url(&self, type_name: &str, body: Option<&Value>) -> Result<Value, Failure> {
        let expires = (now_ms() / 1000 + 3600).to_string();
        let relative_path = match canonical_type(type_name) {
            "ms.GenerateURLForUploadFile" => {
                let file_type = body
                    .and_then(|b| b.get("fileType"))
                    .and_then(Value::as_str)
                    .unwrap_or("JPG");
                format!(
                    "/v1/AUTH_async-images/{}/{}.{file_type}",
                    self.account(),
                    new_id()
                )
            }
            "ms.GenerateURLForDownloadFile" => body
                .and_then(|b| b.get("relativePath"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or((400, "relativePath is required".to_owned()))?,
            _ => return Err((400, format!("Request type {type_name} is not supported"))),
        };
        Ok(
            json!({"relativePath": relative_path, "queryParams": {"temp_url_sig": new_id().replace('-', ""), "temp_url_expires": expires}}),
        )
    }

    fn role_of(&self, login: &str, dialog_id: &str) -> Role {
        self.conversation_of_dialog(dialog_id)
            .and_then(|c| {
                c.agents.iter().find(|a| {
                    a.login == login && a.state == liveengage_proto::enums::ParticipantState::Active
                })
            })
            .map_or(Role::AssignedAgent, |a| a.role.clone())
    }

    fn agent_state_result(&self, login: &str) -> Value {
        json!({"agentUserId": self.legacy_id(login), "channels": ["MESSAGING"], "availability": self.availability(login), "description": ""})
    }

    fn agent_state_changed(&mut self, login: &str) {
        let result = self.agent_state_result(login);
        for conn in self.agent_conns(login) {
            if let Some(sub) = self
                .conns
                .get(&conn)
                .and_then(|c| c.agent_state_sub.clone())
            {
                self.notify(conn, Notification::new(types::AGENT_STATE, json!({"subscriptionId": sub, "changes":[{"type":"UPSERT","result": result.clone()}]})));
            }
        }
    }

    /// Answers one consumer request; notifications it causes are queued.
    pub(crate) fn handle_consumer(
        &mut self,
        conn: u64,
        consumer_id: &str,
        req: &Request,
    ) -> Response {
        if let Some(code) = self.faults.take_failure(canonical_type(&req.type_name)) {
            return error_reply(
                req,
                (code, format!("Injected failure for {}", req.type_name)),
            );
        }
        let typed = match UmsRequest::decode(req) {
            Ok(t) => t,
            Err(e) => return error_reply(req, (400, e.to_string())),
        };
        let result: Result<Response, Failure> = match typed {
            UmsRequest::GetClock => Ok(reply(
                req,
                200,
                "GetClockResponse",
                json!({"currentTime": now_ms()}),
            )),
            UmsRequest::KeepAlive | UmsRequest::InitConnection { .. } => {
                Ok(reply(req, 200, "StringResponse", json!("OK")))
            }
            UmsRequest::ConsumerRequestConversation(body) => self
                .open_conversation(
                    consumer_id,
                    body.skill_id.as_ref().map(|s| s.as_str()),
                    None,
                )
                .map(|id| {
                    reply(
                        req,
                        200,
                        "cm.RequestConversationResponse",
                        json!({"conversationId": id}),
                    )
                }),
            UmsRequest::PublishEvent(body) => {
                let from = Actor {
                    role: Role::Consumer,
                    id: consumer_id.to_owned(),
                };
                self.publish(
                    body.dialog_id.as_str(),
                    &from,
                    body.event,
                    req.metadata.clone(),
                    false,
                )
                .map(|seq| {
                    reply(
                        req,
                        200,
                        "ms.PublishEventResponse",
                        json!({"sequence": seq}),
                    )
                })
            }
            UmsRequest::SubscribeMessagingEvents(body) => {
                let dialog = body.dialog_id.as_str().to_owned();
                self.history(&dialog, body.from_seq.unwrap_or(0), None, Some(consumer_id))
                    .map(|records| {
                        if let Some(c) = self.conns.get_mut(&conn) {
                            c.dialog_subs.insert(dialog.clone());
                        }
                        let changes: Vec<Value> = records;
                        self.notify(
                            conn,
                            Notification::new(types::MESSAGING_EVENT, json!({"changes": changes})),
                        );
                        reply(req, 200, "GenericSubscribeResponse", json!({}))
                    })
            }
            UmsRequest::SubscribeExConversations(filter) => {
                let id = self.subscribe_conversations(conn, filter);
                Ok(reply(
                    req,
                    200,
                    "cqm.SubscribeExConversationsResponse",
                    json!({"subscriptionId": id}),
                ))
            }
            UmsRequest::UnsubscribeExConversations(body) => {
                self.unsubscribe(conn, body.subscription_id.as_ref().map(|s| s.as_str()));
                Ok(reply(req, 200, "StringResponse", json!("OK")))
            }
            UmsRequest::UpdateConversationField(body) => self
                .update_fields(
                    body.conversation_id.as_str(),
                    &Caller::Consumer(consumer_id.to_owned()),
                    body.conversation_field.as_slice(),
                )
                .map(|msg| reply(req, 200, "StringResponse", json!(msg))),
            UmsRequest::Other { type_name, body } => self
                .file_url(&type_name, body.as_ref())
                .map(|b| reply(req, 200, "ms.BaseGenerateURLResponse", b)),
            other => Err((
                400,
                format!(
                    "Request type {} is not supported on the consumer API",
                    other.type_name(liveengage_proto::Side::Consumer)
                ),
            )),
        };
        result.unwrap_or_else(|failure| error_reply(req, failure))
    }
}
