//! Conversation variables: built-ins from the context, captures kept in the
//! engine session, and the script's defaults.

use std::collections::BTreeMap;

use connector_core::{ConversationContext, EngineSession};

use crate::matcher::Captures;

/// The built-in variables, always known to templates.
pub(crate) const BUILTINS: &[&str] = &[
    "conversation_id",
    "bot_id",
    "channel",
    "skill",
    "consumer_name",
    "message",
];

/// Where captures live in the [`EngineSession`].
pub(crate) const SESSION_KEY: &str = "script.variables";

/// Everything a template can read during one turn.
pub(crate) struct Scope<'a> {
    pub context: &'a ConversationContext,
    /// The consumer's text this turn, if any.
    pub message: Option<&'a str>,
    /// Captures stored in the session (this turn's included).
    pub captured: BTreeMap<String, String>,
    /// The script's `[variables]` defaults.
    pub defaults: &'a BTreeMap<String, String>,
}

impl Scope<'_> {
    /// The value of `name`: the built-in if it has one this turn, else the
    /// capture, else the default.
    pub(crate) fn lookup(&self, name: &str) -> Option<String> {
        self.builtin(name)
            .or_else(|| self.captured.get(name).cloned())
            .or_else(|| self.defaults.get(name).cloned())
    }

    fn builtin(&self, name: &str) -> Option<String> {
        let ctx = self.context;
        match name {
            "conversation_id" => Some(ctx.conversation_id.to_string()),
            "bot_id" => Some(ctx.bot_id.to_string()),
            "channel" => Some(ctx.channel.as_str().to_owned()),
            "skill" => ctx
                .skill
                .as_ref()
                .map(|s| s.name.clone().unwrap_or_else(|| s.id.to_string())),
            "consumer_name" => ctx.consumer.name.clone(),
            "message" => self.message.map(str::to_owned),
            _ => None,
        }
    }
}

/// The captures stored in `session` (nothing if the entry is missing or not a
/// string map, e.g. written by another engine).
pub(crate) fn load(session: &EngineSession) -> BTreeMap<String, String> {
    session.get(SESSION_KEY).unwrap_or_default()
}

/// Adds `captures` to those stored in `session`, replacing older values.
pub(crate) fn store(session: &mut EngineSession, captures: &Captures) -> BTreeMap<String, String> {
    let mut stored = load(session);
    if !captures.is_empty() {
        stored.extend(captures.iter().cloned());
        session.set(SESSION_KEY, &stored);
    }
    stored
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::{ChannelType, ConsumerInfo, Skill, SkillId};
    use serde_json::json;

    fn context() -> ConversationContext {
        ConversationContext::new("bot-7".into(), "conv-9".into(), ChannelType::Messaging)
    }

    #[test]
    fn builtins_come_from_the_context() {
        let mut consumer = ConsumerInfo::default();
        consumer.name = Some("Ada".into());
        let ctx = context()
            .with_skill(Skill {
                id: SkillId::new("12"),
                name: Some("sales".into()),
            })
            .with_consumer(consumer);
        let defaults = BTreeMap::new();
        let scope = Scope {
            context: &ctx,
            message: Some("hello"),
            captured: BTreeMap::new(),
            defaults: &defaults,
        };
        assert_eq!(scope.lookup("conversation_id").as_deref(), Some("conv-9"));
        assert_eq!(scope.lookup("bot_id").as_deref(), Some("bot-7"));
        assert_eq!(scope.lookup("channel").as_deref(), Some("MESSAGING"));
        assert_eq!(scope.lookup("skill").as_deref(), Some("sales"));
        assert_eq!(scope.lookup("consumer_name").as_deref(), Some("Ada"));
        assert_eq!(scope.lookup("message").as_deref(), Some("hello"));
        assert_eq!(scope.lookup("nope"), None);
    }

    #[test]
    fn missing_builtins_fall_back_to_defaults_and_skill_to_its_id() {
        let ctx = context().with_skill(Skill {
            id: SkillId::new("12"),
            name: None,
        });
        let defaults = BTreeMap::from([
            ("consumer_name".to_owned(), "there".to_owned()),
            ("order_id".to_owned(), "unknown".to_owned()),
        ]);
        let scope = Scope {
            context: &ctx,
            message: None,
            captured: BTreeMap::from([("order_id".to_owned(), "123456".to_owned())]),
            defaults: &defaults,
        };
        assert_eq!(scope.lookup("skill").as_deref(), Some("12"));
        assert_eq!(scope.lookup("consumer_name").as_deref(), Some("there"));
        assert_eq!(scope.lookup("order_id").as_deref(), Some("123456"));
        assert_eq!(scope.lookup("message"), None);
    }

    #[test]
    fn captures_accumulate_in_the_session() {
        let mut session = EngineSession::default();
        store(&mut session, &vec![("a".into(), "1".into())]);
        let all = store(
            &mut session,
            &vec![("b".into(), "2".into()), ("a".into(), "3".into())],
        );
        assert_eq!(all.get("a").map(String::as_str), Some("3"));
        assert_eq!(
            session.get_json(SESSION_KEY),
            Some(&json!({"a": "3", "b": "2"}))
        );
        // Nothing captured leaves the session untouched.
        let mut empty = EngineSession::default();
        store(&mut empty, &Vec::new());
        assert!(empty.is_empty());
    }

    #[test]
    fn a_foreign_session_entry_is_ignored() {
        let mut session = EngineSession::default();
        session.set(SESSION_KEY, &json!([1, 2]));
        assert!(load(&session).is_empty());
    }
}
