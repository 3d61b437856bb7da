//! Actions: what a bot does to the conversation after its messages (at most one per reply).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::AgentId;

/// Time to response: how urgently the consumer expects an answer (messaging only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "ttrType",
    content = "value",
    rename_all = "SCREAMING_SNAKE_CASE"
)]
pub enum Ttr {
    /// Urgent.
    Urgent,
    /// Normal.
    Normal,
    /// Prioritized.
    Prioritized,
    /// A custom time in seconds.
    Custom(u32),
}

impl Ttr {
    /// `URGENT`, `NORMAL`, `PRIORITIZED` or `CUSTOM`, as LiveEngage writes `ttrType`.
    #[must_use]
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Urgent => "URGENT",
            Self::Normal => "NORMAL",
            Self::Prioritized => "PRIORITIZED",
            Self::Custom(_) => "CUSTOM",
        }
    }
}

/// Invocation of a LivePerson Function (or any function the deployment maps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FunctionInvocation {
    /// The function id (`lambdaUuid`).
    pub lambda_uuid: String,
    /// The payload passed to the function.
    #[serde(default)]
    pub payload: Value,
    /// When `true`, a failed invocation escalates the conversation; otherwise the
    /// invocation is fire-and-forget.
    #[serde(default)]
    pub fail_on_error: bool,
}

impl FunctionInvocation {
    /// An invocation of `lambda_uuid` with `payload`, fire-and-forget.
    #[must_use]
    pub fn new(lambda_uuid: impl Into<String>, payload: Value) -> Self {
        Self {
            lambda_uuid: lambda_uuid.into(),
            payload,
            fail_on_error: false,
        }
    }

    /// Escalate when the invocation fails.
    #[must_use]
    pub fn fail_on_error(mut self) -> Self {
        self.fail_on_error = true;
        self
    }
}

/// The action of a bot reply, executed after its messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Action {
    /// Transfer to a skill, by name (case sensitive).
    TransferToSkill {
        /// The skill name.
        skill: String,
    },
    /// Transfer to a specific agent; LiveEngage falls back to the skill when the
    /// agent is unavailable.
    #[serde(rename_all = "camelCase")]
    TransferToAgent {
        /// The skill name to fall back to.
        skill: String,
        /// The agent.
        agent_id: AgentId,
    },
    /// Close the conversation.
    #[serde(rename_all = "camelCase")]
    Close {
        /// Close without the post-conversation survey.
        without_pcs: bool,
    },
    /// Change the time to response (messaging only).
    ChangeTtr(Ttr),
    /// Invoke a function.
    InvokeFunction(FunctionInvocation),
}

impl Action {
    /// Transfer to the skill named `skill`.
    #[must_use]
    pub fn transfer(skill: impl Into<String>) -> Self {
        Self::TransferToSkill {
            skill: skill.into(),
        }
    }

    /// Close, with the post-conversation survey.
    #[must_use]
    pub fn close() -> Self {
        Self::Close { without_pcs: false }
    }

    /// A short name for logs and metrics: `transfer`, `transfer-to-agent`, `close`,
    /// `change-ttr`, `invoke-function`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::TransferToSkill { .. } => "transfer",
            Self::TransferToAgent { .. } => "transfer-to-agent",
            Self::Close { .. } => "close",
            Self::ChangeTtr(_) => "change-ttr",
            Self::InvokeFunction(_) => "invoke-function",
        }
    }

    /// Whether the action ends the bot's part in the conversation (transfer or close).
    #[must_use]
    pub fn ends_bot_turns(&self) -> bool {
        matches!(
            self,
            Self::TransferToSkill { .. } | Self::TransferToAgent { .. } | Self::Close { .. }
        )
    }
}
