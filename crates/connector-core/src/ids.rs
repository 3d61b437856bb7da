//! Distinct identifier newtypes, so a skill id can never be passed where a
//! conversation id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an identifier as LiveEngage (or the engine) spells it.
            #[must_use]
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The identifier as a string slice.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Consumes the id and returns the inner string.
            #[must_use]
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A LiveEngage conversation id (messaging `conversationId`, chat session key).
    ConversationId
);
id_type!(
    /// A messaging dialog id; the main dialog's id equals the conversation id.
    DialogId
);
id_type!(
    /// A LiveEngage skill id (numeric in LiveEngage, kept as text).
    SkillId
);
id_type!(
    /// A LiveEngage agent (user) id, e.g. the target of a transfer to agent.
    AgentId
);
id_type!(
    /// The consumer (visitor) participant id.
    ConsumerId
);
id_type!(
    /// The id of a bot managed by the connector (one bot = one LiveEngage bot user).
    BotId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_plain_strings_and_display_verbatim() {
        let id = ConversationId::new("c-1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"c-1\"");
        assert_eq!(id.to_string(), "c-1");
        assert_eq!(format!("{id:?}"), "ConversationId(\"c-1\")");
        let back: SkillId = serde_json::from_str("\"1234\"").unwrap();
        assert_eq!(back.as_str(), "1234");
    }
}
