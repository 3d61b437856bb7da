//! An engine wrapper that measures every call for `/metrics`.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use connector_core::{BotEngine, BotReply, EngineError, EngineSession, InboundEvent};

use crate::telemetry::Telemetry;

/// Times the inner engine's calls and counts its errors by code.
pub struct MeasuredEngine {
    inner: Arc<dyn BotEngine>,
    bot: String,
    telemetry: Arc<Telemetry>,
}

impl MeasuredEngine {
    /// Wraps `inner` for the bot `bot`.
    #[must_use]
    pub fn new(inner: Arc<dyn BotEngine>, bot: &str, telemetry: Arc<Telemetry>) -> Self {
        Self {
            inner,
            bot: bot.to_owned(),
            telemetry,
        }
    }
}

#[async_trait]
impl BotEngine for MeasuredEngine {
    fn vendor(&self) -> &str {
        self.inner.vendor()
    }

    async fn handle(
        &self,
        event: &InboundEvent,
        session: &mut EngineSession,
    ) -> Result<BotReply, EngineError> {
        let started = Instant::now();
        let result = self.inner.handle(event, session).await;
        let code = result.as_ref().err().map(|e| e.code().to_string());
        self.telemetry
            .engine_call(&self.bot, started.elapsed().as_secs_f64(), code.as_deref());
        result
    }

    async fn test_connection(&self) -> Result<(), EngineError> {
        self.inner.test_connection().await
    }
}
