//! `UpdateConversationField`: transfers, TTR, joins, closes, surveys, CSAT.

use liveengage_proto::conversation_field::{ConversationField, ParticipantsChange};
use liveengage_proto::enums::{
    CloseReason, ConvState, DialogType, ParticipantState, ParticipantsChangeType, Role, TtrType,
};

use crate::conversation::{AgentPart, Conversation, DialogState};
use crate::state::{Core, new_id, now_ms};
use crate::transcript::Entry;

/// Who asks for the change.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    Agent(String),
    Consumer(String),
}

type Failure = (u16, String);

fn not_participant() -> Failure {
    (400, "Agent does not exist in conversation".into())
}

/// Default seconds of the named TTR types. \[inferred\] LivePerson's values
/// are account settings; these are the console's defaults.
fn ttr_seconds(ttr_type: &TtrType, value: Option<i64>) -> i64 {
    match (ttr_type, value) {
        (TtrType::Custom, Some(v)) => v,
        (TtrType::Urgent, _) => 300,
        (TtrType::Prioritized, _) => 1800,
        _ => 3600,
    }
}

/// Closes the MAIN dialog; with `survey`, opens the POST_SURVEY dialog and
/// keeps the stage open, else closes the whole conversation.
fn close(c: &mut Conversation, by: CloseReason, survey: bool, now: i64) {
    c.state = ConvState::Close;
    for d in c
        .dialogs
        .iter_mut()
        .filter(|d| d.dialog_type == DialogType::Main)
    {
        d.state = ConvState::Close;
        d.end_ts = Some(now);
        d.closed_by = Some(by.clone());
    }
    c.close_reason = Some(by.clone());
    c.transcript.push(Entry::Closed {
        by,
        with_survey: survey,
    });
    if survey {
        let id = new_id();
        c.dialogs
            .push(DialogState::new(id.clone(), DialogType::PostSurvey, now));
        c.transcript.push(Entry::SurveyStarted { dialog_id: id });
    } else {
        end_stage(c, now);
    }
}

fn end_stage(c: &mut Conversation, now: i64) {
    c.stage = ConvState::Close;
    c.end_ts = Some(now);
    for d in c.dialogs.iter_mut().filter(|d| d.state == ConvState::Open) {
        d.state = ConvState::Close;
        d.end_ts = Some(now);
    }
}

impl Core {
    fn participants_change(
        &self,
        c: &mut Conversation,
        caller: &Caller,
        change: &ParticipantsChange,
    ) -> Result<&'static str, Failure> {
        let login = match (&change.user_id, caller) {
            (Some(id), _) => self
                .resolve_agent(id)
                .ok_or_else(|| (400, format!("Unknown user {id}")))?,
            (None, Caller::Agent(login)) => login.clone(),
            (None, Caller::Consumer(_)) => {
                return Err((403, "Consumers cannot change participants".into()));
            }
        };
        match change.change {
            ParticipantsChangeType::Add => {
                c.agents.push(AgentPart {
                    legacy: self.legacy_id(&login),
                    pid: self.pid(&login),
                    login: login.clone(),
                    role: change.role.clone(),
                    state: ParticipantState::Active,
                });
                c.transcript.push(Entry::Joined {
                    agent: login,
                    role: change.role.clone(),
                });
                Ok("OK Agent added successfully")
            }
            ParticipantsChangeType::Remove => {
                let before = c.agents.len();
                c.agents.retain(|a| {
                    !(a.login == login
                        && a.role == change.role
                        && a.state == ParticipantState::Active)
                });
                if c.agents.len() == before {
                    return Err(not_participant());
                }
                c.transcript.push(Entry::Left {
                    agent: login,
                    role: change.role.clone(),
                });
                Ok("OK Agent removed successfully")
            }
            ParticipantsChangeType::Suggest => {
                c.agents.retain(|a| a.state != ParticipantState::Suggested);
                c.agents.push(AgentPart {
                    legacy: self.legacy_id(&login),
                    pid: self.pid(&login),
                    login: login.clone(),
                    role: change.role.clone(),
                    state: ParticipantState::Suggested,
                });
                c.ring = None;
                c.transcript
                    .push(Entry::TransferredToAgent { agent: login });
                Ok("OK Agent suggested successfully")
            }
            ParticipantsChangeType::Update => {
                let part = c
                    .agents
                    .iter_mut()
                    .find(|a| a.login == login && a.state == ParticipantState::Active)
                    .ok_or_else(not_participant)?;
                part.role = change.role.clone();
                Ok("OK Agent updated successfully")
            }
            ref other => Err((400, format!("Unsupported ParticipantsChange type {other}"))),
        }
    }

    fn apply_field(
        &self,
        c: &mut Conversation,
        caller: &Caller,
        field: &ConversationField,
        now: i64,
    ) -> Result<&'static str, Failure> {
        let by = match caller {
            Caller::Agent(_) => CloseReason::Agent,
            Caller::Consumer(_) => CloseReason::Consumer,
        };
        match field {
            ConversationField::Participants(change) => self.participants_change(c, caller, change),
            ConversationField::Skill(change) => {
                let to = change.skill.as_str().to_owned();
                if !self.skill_exists(&to) && to != "-1" {
                    return Err((400, format!("Skill {to} does not exist")));
                }
                c.transcript.push(Entry::TransferredToSkill {
                    from: c.skill.clone(),
                    to: to.clone(),
                });
                c.skill = to;
                c.ring = None;
                Ok("OK Skill updated successfully")
            }
            ConversationField::Ttr(ttr) => {
                let value = ttr_seconds(&ttr.ttr_type, ttr.value);
                c.ttr = (ttr.ttr_type.clone(), value);
                c.transcript.push(Entry::TtrChanged {
                    ttr_type: ttr.ttr_type.clone(),
                    value,
                });
                Ok("OK TTR updated successfully")
            }
            ConversationField::ConversationState(state) => {
                if state.conversation_state != ConvState::Close {
                    return Err((
                        400,
                        format!(
                            "conversationState {} cannot be set",
                            state.conversation_state
                        ),
                    ));
                }
                if c.state == ConvState::Close {
                    end_stage(c, now);
                } else {
                    close(c, by, false, now);
                }
                Ok("OK Conversation resolved successfully")
            }
            ConversationField::Dialog(change) => {
                let dialog_id = change.dialog.dialog_id.as_str();
                let dialog_type = c
                    .dialog(dialog_id)
                    .map(|d| d.dialog_type.clone())
                    .ok_or_else(|| (400, format!("Dialog {dialog_id} does not exist")))?;
                if change.dialog.state != Some(ConvState::Close) {
                    return Err((400, "Only closing a dialog is supported".into()));
                }
                if dialog_type == DialogType::Main {
                    close(c, by, self.config.post_conversation_survey, now);
                } else {
                    end_stage(c, now);
                }
                Ok("OK Conversation resolved successfully")
            }
            ConversationField::Csat(rate) => {
                c.csat = rate.csat_rate;
                c.transcript.push(Entry::CsatRated {
                    rate: rate.csat_rate,
                });
                Ok("OK CSAT updated successfully")
            }
            // [inferred] Fields this emulator does not model (Note, DelayField, …) are accepted unchanged.
            _ => Ok("OK"),
        }
    }

    /// Applies all fields or none; then notifies and re-routes.
    pub(crate) fn update_fields(
        &mut self,
        conv_id: &str,
        caller: &Caller,
        fields: &[ConversationField],
    ) -> Result<&'static str, Failure> {
        let mut c = self
            .conversations
            .get(conv_id)
            .cloned()
            .ok_or_else(|| (404, format!("Conversation {conv_id} does not exist")))?;
        if c.stage == ConvState::Close {
            return Err((400, format!("Conversation {conv_id} is closed")));
        }
        match caller {
            Caller::Agent(login) => {
                let joining = fields.iter().all(|f| {
                    matches!(f, ConversationField::Participants(p) if p.change == ParticipantsChangeType::Add && p.role != Role::AssignedAgent)
                });
                if !joining && !c.has_agent(login) {
                    return Err(not_participant());
                }
            }
            Caller::Consumer(id) => {
                if &c.consumer_id != id {
                    return Err((403, "Not your conversation".into()));
                }
            }
        }
        let now = now_ms();
        let mut message = "OK";
        for field in fields {
            message = self.apply_field(&mut c, caller, field, now)?;
        }
        c.last_update = now;
        let was_ringing = c.ring.is_none()
            && self
                .conversations
                .get(conv_id)
                .is_some_and(|old| old.ring.is_some());
        let closed = c.stage == ConvState::Close || c.state == ConvState::Close;
        if was_ringing || closed {
            self.cancel_ring(conv_id, None);
            c.ring = None;
        }
        self.conversations.insert(conv_id.to_owned(), c);
        self.conversation_changed(conv_id);
        self.route();
        Ok(message)
    }
}
