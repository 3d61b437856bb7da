//! A third-party engine written against `connector-core` alone: a tiny
//! order-status bot. It shows everything an engine author needs: reading the
//! event, keeping per-conversation state in the session, answering with
//! outputs and one action, and reporting errors with a stable code.
#![deny(missing_docs)]

use async_trait::async_trait;
use connector_core::rich::{Button, QuickReplies};
use connector_core::{
    Action, BotEngine, BotReply, EngineError, EngineSession, ErrorCode, EventKind, InboundEvent,
    Output,
};

/// Answers order-status questions; hands over to `human-skill` on request.
#[derive(Debug, Clone)]
pub struct OrderBot {
    human_skill: String,
}

impl OrderBot {
    /// A bot that transfers to `human_skill` when the consumer asks for a human.
    #[must_use]
    pub fn new(human_skill: impl Into<String>) -> Self {
        Self {
            human_skill: human_skill.into(),
        }
    }
}

#[async_trait]
impl BotEngine for OrderBot {
    fn vendor(&self) -> &str {
        "order-bot"
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let text = match &event.kind {
            EventKind::ConversationStarted { .. } => {
                let menu = QuickReplies::new([
                    Button::publish("Track an order", "track"),
                    Button::publish("Talk to a human", "human"),
                ]);
                let welcome =
                    Output::quick_replies("Hi! What can I do for you?", &menu).map_err(|e| {
                        EngineError::permanent(
                            ErrorCode::new("engine.order-bot.menu"),
                            e.to_string(),
                        )
                    })?;
                return Ok(BotReply::new().with_output(welcome));
            }
            EventKind::ConversationClosed => return Ok(BotReply::new()),
            kind => kind.utterance().unwrap_or_default().trim().to_lowercase(),
        };
        if let Some(order) = text.strip_prefix("order ") {
            session.set("last_order", order);
            return Ok(BotReply::new().with_text(format!("Order {order} ships tomorrow.")));
        }
        Ok(match text.as_str() {
            "track" => BotReply::new().with_text("Please type: order <number>"),
            "again" => match session.get::<String>("last_order") {
                Some(order) => {
                    BotReply::new().with_text(format!("Order {order} still ships tomorrow."))
                }
                None => BotReply::new().with_text("Which order? Type: order <number>"),
            },
            "human" => BotReply::new()
                .with_text("Connecting you to a colleague.")
                .with_action(Action::transfer(self.human_skill.clone())),
            _ => BotReply::new()
                .with_text("Sorry, I can only track orders. Type 'track' or 'human'."),
        })
    }
}
