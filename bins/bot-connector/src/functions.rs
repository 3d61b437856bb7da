//! Invoke-function actions over HTTP: each function id maps to an endpoint.

use std::collections::BTreeMap;

use async_trait::async_trait;
use connector_core::{ConversationContext, FunctionInvocation};
use connector_runtime::{FunctionError, FunctionInvoker};

use crate::config::FunctionSpec;

/// `POST`s the invocation (`lambdaUuid`, `payload`, conversation id, bot id)
/// as JSON to the function's URL; a non-2xx answer is a failure.
pub struct HttpFunctionInvoker {
    http: reqwest::Client,
    functions: BTreeMap<String, FunctionSpec>,
}

impl HttpFunctionInvoker {
    /// An invoker for the bot's function map, calling through `http` (the
    /// fleet's client, with its trusted roots).
    #[must_use]
    pub fn new(http: reqwest::Client, functions: BTreeMap<String, FunctionSpec>) -> Self {
        Self { http, functions }
    }
}

#[async_trait]
impl FunctionInvoker for HttpFunctionInvoker {
    async fn invoke(
        &self,
        context: &ConversationContext,
        invocation: &FunctionInvocation,
    ) -> Result<(), FunctionError> {
        let id = &invocation.lambda_uuid;
        let Some(function) = self.functions.get(id) else {
            return Err(FunctionError::Unknown(id.clone()));
        };
        let body = serde_json::json!({
            "lambdaUuid": id,
            "payload": invocation.payload,
            "conversationId": context.conversation_id.as_str(),
            "botId": context.bot_id.as_str(),
        });
        let mut request = self
            .http
            .post(function.url.clone())
            .timeout(function.timeout)
            .json(&body);
        if let Some(bearer) = &function.bearer {
            request = request.bearer_auth(bearer.expose());
        }
        let failed = |message: String| FunctionError::Failed {
            id: id.clone(),
            message,
        };
        let response = request
            .send()
            .await
            .map_err(|e| failed(format!("cannot reach {}: {e}", function.url)))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(failed(format!(
                "{} answered {}",
                function.url,
                response.status()
            )))
        }
    }
}
