//! Dialogflow V1 (deprecated): `POST {query_url}?v=20150910` with the agent's
//! client access token.

mod response;

use std::time::Duration;

use connector_core::{BotReply, EngineError, ErrorCode, Secret};
use serde_json::{Value, json};
use url::Url;

use crate::config::V1Config;
use crate::error::DialogflowError;
use crate::http;
use crate::query::Query;

/// A V1 agent.
pub(crate) struct V1Api {
    http: reqwest::Client,
    url: Url,
    token: Secret,
    language: String,
    timeout: Duration,
    pub(crate) char_limit: usize,
}

impl V1Api {
    pub(crate) fn new(config: &V1Config, http: reqwest::Client) -> Result<Self, DialogflowError> {
        if config.client_access_token.is_empty() {
            return Err(DialogflowError::invalid(
                "client_access_token",
                "is empty; copy the agent's client access token",
            ));
        }
        crate::engine::non_empty("language", &config.language)?;
        let timeout = crate::engine::request_timeout(config.request_timeout_secs)?;
        let mut url = config.query_url.clone();
        url.query_pairs_mut()
            .append_pair("v", &config.protocol_version);
        Ok(Self {
            http,
            url,
            token: config.client_access_token.clone(),
            language: config.language.clone(),
            timeout,
            char_limit: config.char_limit,
        })
    }

    /// One `query` call in session `session`.
    pub(crate) async fn query(
        &self,
        session: &str,
        query: &Query<'_>,
        code: &ErrorCode,
    ) -> Result<BotReply, EngineError> {
        let body = body(query, session, &self.language);
        let request = self
            .http
            .post(self.url.clone())
            .bearer_auth(self.token.expose())
            .timeout(self.timeout)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .body(body.to_string());
        let answer = http::send(request, code, "Dialogflow V1").await?;
        response::reply(&answer, code)
    }
}

/// `{"query": ..., "sessionId", "lang"}` or `{"event": {"name"}, "sessionId", "lang"}`.
/// LivePerson documents no `lpEvent`/`lpSdes` for V1, so none is sent.
fn body(query: &Query<'_>, session: &str, language: &str) -> Value {
    match query {
        Query::Text(text) => json!({"query": text, "sessionId": session, "lang": language}),
        Query::Event(name) => {
            json!({"event": {"name": name}, "sessionId": session, "lang": language})
        }
    }
}
