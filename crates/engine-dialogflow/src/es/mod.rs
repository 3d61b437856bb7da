//! Dialogflow ES (API v2): `POST /v2/{session}:detectIntent`.

mod request;
mod response;

use connector_core::{BotReply, EngineError, ErrorCode, InboundEvent};
use url::Url;

use crate::config::EsConfig;
use crate::error::DialogflowError;
use crate::google::{GoogleClient, endpoint};
use crate::query::{Query, lp_payload};

/// An ES agent: where its sessions live and how to query it.
pub(crate) struct EsApi {
    client: GoogleClient,
    base_url: Url,
    /// The path from `v2` to `sessions`, e.g. `v2/projects/p/agent/sessions`.
    prefix: Vec<String>,
    language_code: String,
    time_zone: Option<String>,
    pub(crate) char_limit: usize,
}

impl EsApi {
    pub(crate) fn new(config: &EsConfig, client: GoogleClient) -> Result<Self, DialogflowError> {
        crate::engine::non_empty("project_id", &config.project_id)?;
        crate::engine::non_empty("language_code", &config.language_code)?;
        // `global` (or no location) is the default agent, which has no
        // `locations/` path segment; regional agents need both the regional
        // host and the `locations/{region}` path.
        let region = config
            .location
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "global");
        let base_url = match (&config.base_url, region) {
            (Some(url), _) => url.clone(),
            (None, Some(region)) => crate::engine::parse_url(
                "base_url",
                &format!("https://{region}-dialogflow.googleapis.com"),
            )?,
            (None, None) => {
                crate::engine::parse_url("base_url", "https://dialogflow.googleapis.com")?
            }
        };
        crate::engine::check_base("base_url", &base_url)?;
        let mut prefix = vec![
            "v2".to_owned(),
            "projects".to_owned(),
            config.project_id.clone(),
        ];
        if let Some(region) = region {
            prefix.extend(["locations".to_owned(), region.to_owned()]);
        }
        prefix.push("agent".to_owned());
        if let Some(env) = config
            .environment
            .as_deref()
            .filter(|e| !e.trim().is_empty())
        {
            prefix.extend([
                "environments".to_owned(),
                env.to_owned(),
                "users".to_owned(),
                config.user_id.clone(),
            ]);
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

    /// One detectIntent call for `event`, in session `session`.
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
