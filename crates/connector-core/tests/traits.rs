//! The three traits are object safe and their objects are `Send + Sync`.

use std::sync::Arc;

use connector_core::{BotEngine, ConversationChannel, EscalationPolicy};
use static_assertions::{assert_impl_all, assert_obj_safe};

assert_obj_safe!(BotEngine, ConversationChannel, EscalationPolicy);
assert_impl_all!(Arc<dyn BotEngine>: Send, Sync);
assert_impl_all!(Arc<dyn ConversationChannel>: Send, Sync);
assert_impl_all!(Arc<dyn EscalationPolicy>: Send, Sync);
assert_impl_all!(connector_core::EngineError: Send, Sync, std::error::Error);
assert_impl_all!(connector_core::ChannelError: Send, Sync, std::error::Error);

#[test]
fn a_policy_can_be_used_as_a_trait_object() {
    use connector_core::{
        ChannelType, ConversationContext, Decision, ErrorHandling, Failure, FailureKind, codes,
    };
    let policy: Arc<dyn EscalationPolicy> = Arc::new(ErrorHandling::new("humans"));
    let ctx = ConversationContext::new("b".into(), "c".into(), ChannelType::Chat);
    let failure = Failure::new(
        FailureKind::ConversationLimit,
        codes::MAX_CONV_LIMIT_REACHED,
        "999 open",
    );
    assert!(matches!(policy.decide(&ctx, &failure), Decision::Escalate(e) if e.skill == "humans"));
}
