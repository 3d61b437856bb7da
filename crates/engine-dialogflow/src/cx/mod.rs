//! Dialogflow CX (API v3): `POST /v3/projects/{p}/locations/{l}/agents/{a}[/environments/{e}]/sessions/{s}:detectIntent`.

mod request;
mod response;

use connector_core::{BotReply, EngineError, ErrorCode, InboundEvent};
use url::Url;

use crate::config::CxConfig;
use crate::error::DialogflowError;
use crate::google::{GoogleClient, endpoint};
use crate::query::{Query, lp_payload};

/// A CX agent: where its sessions live and how to query it.
pub(crate) struct CxApi {
    client: GoogleClient,
    base_url: Url,
    /// The path from `v3` to `sessions`.
    prefix: Vec<String>,
    language_code: String,
    time_zone: Option<String>,
    pub(crate) char_limit: usize,
}

impl CxApi {
    pub(crate) fn new(config: &CxConfig, client: GoogleClient) -> Result<Self, DialogflowError> {
        use crate::engine::{check_base, non_empty, parse_url};
        non_empty("project_id", &config.project_id)?;
        non_empty("location", &config.location)?;
        non_empty("agent_id", &config.agent_id)?;
        non_empty("language_code", &config.language_code)?;
        let location = config.location.trim();
        let base_url = match &config.base_url {
            Some(url) => url.clone(),
            None if location == "global" => {
                parse_url("base_url", "https://dialogflow.googleapis.com")?
            }
            None => parse_url(
                "base_url",
                &format!("https://{location}-dialogflow.googleapis.com"),
            )?,
        };
        check_base("base_url", &base_url)?;
        let mut prefix: Vec<String> = [
            "v3",
            "projects",
            &config.project_id,
            "locations",
            location,
            "agents",
            &config.agent_id,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        if let Some(env) = config
            .environment
            .as_deref()
            .filter(|e| !e.trim().is_empty())
        {
            prefix.extend(["environments".to_owned(), env.to_owned()]);
        }
        prefix.push("sessions".to_owned());
        Ok(Self {
            client,
            base_url,
            prefix,
            language_code: config.language_code.clone(),
            time_zone: config.time_zone.clone(),
            char_limit: config.char_limit,
        })
    }

    /// The detectIntent URL of `session`.
    pub(crate) fn url(&self, session: &str) -> Url {
        let last = format!("{session}:detectIntent");
        let mut segments: Vec<&str> = self.prefix.iter().map(String::as_str).collect();
        segments.push(&last);
        endpoint(&self.base_url, &segments)
    }

    /// One detectIntent call.
    pub(crate) async fn detect_intent(
        &self,
        session: &str,
        query: &Query<'_>,
        event: Option<&InboundEvent>,
        code: &ErrorCode,
    ) -> Result<BotReply, EngineError> {
        let body = request::body(
            query,
            &self.language_code,
            self.time_zone.as_deref(),
            event.map(lp_payload),
        );
        let answer = self.client.post(&self.url(session), &body, code).await?;
        response::reply(&answer)
    }
}
