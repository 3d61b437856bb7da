//! Domain discovery through CSDS, cached for a while, overrides applied.

use std::collections::BTreeMap;
use std::sync::Arc;

use liveengage_proto::csds::CsdsResponse;
use reqwest::{Client, header};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::config::AuthConfig;
use crate::error::{AuthError, Operation};
use crate::http;

/// Which host serves which service, for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domains {
    account_id: String,
    scheme: String,
    hosts: BTreeMap<String, String>,
}

impl Domains {
    /// Builds from a CSDS answer, with `overrides` on top.
    pub(crate) fn from_csds(config: &AuthConfig, answer: &CsdsResponse) -> Self {
        let mut hosts: BTreeMap<String, String> = answer
            .base_uris
            .iter()
            .map(|entry| (entry.service.clone(), entry.base_uri.clone()))
            .collect();
        hosts.extend(config.service_overrides.clone());
        Self {
            account_id: config.account_id.clone(),
            scheme: config.service_scheme().to_owned(),
            hosts,
        }
    }

    /// The `host[:port]` of `service` (case-sensitive, as CSDS).
    ///
    /// # Errors
    ///
    /// [`AuthError::MissingService`] when CSDS does not list it.
    pub fn host(&self, service: &str) -> Result<&str, AuthError> {
        self.hosts
            .get(service)
            .map(String::as_str)
            .ok_or_else(|| AuthError::MissingService {
                service: service.to_owned(),
                account_id: self.account_id.clone(),
            })
    }

    /// `{scheme}://{host of service}/`, the base for REST calls to it.
    ///
    /// # Errors
    ///
    /// [`AuthError::MissingService`] when CSDS does not list it, or lists a
    /// value that is not a host.
    pub fn base_url(&self, service: &str) -> Result<Url, AuthError> {
        let host = self.host(service)?;
        Url::parse(&format!("{}://{host}/", self.scheme))
            .ok()
            .filter(|url| url.host_str().is_some() && url.path() == "/")
            .ok_or_else(|| AuthError::UnexpectedResponse {
                operation: Operation::Csds,
                reason: format!("`{service}` is not a host[:port]"),
            })
    }

    /// Every service and its host.
    pub fn services(&self) -> impl Iterator<Item = (&str, &str)> {
        self.hosts.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The CSDS answer of an account, fetched again when older than the TTL.
#[derive(Debug)]
pub(crate) struct DomainCache {
    entry: Mutex<Option<(Instant, Arc<Domains>)>>,
}

impl DomainCache {
    pub(crate) fn new() -> Self {
        Self {
            entry: Mutex::new(None),
        }
    }

    /// Cached domains if fresh; otherwise one CSDS call (no retries here: the
    /// caller's retry loop covers it). A failed re-fetch falls back to the
    /// stale answer, which is far more likely right than nothing \[inferred\].
    pub(crate) async fn get(
        &self,
        config: &AuthConfig,
        client: &Client,
    ) -> Result<Arc<Domains>, AuthError> {
        let mut entry = self.entry.lock().await;
        if let Some((at, domains)) = entry.as_ref()
            && at.elapsed() < config.domains_ttl
        {
            return Ok(Arc::clone(domains));
        }
        match fetch(config, client).await {
            Ok(answer) => {
                let domains = Arc::new(Domains::from_csds(config, &answer));
                *entry = Some((Instant::now(), Arc::clone(&domains)));
                Ok(domains)
            }
            Err(error) => match entry.as_ref() {
                Some((_, stale)) if error.is_transient() => {
                    tracing::warn!(account_id = %config.account_id, code = %error.code(), error = %error, "CSDS refresh failed; using the previous answer");
                    Ok(Arc::clone(stale))
                }
                _ => Err(error),
            },
        }
    }

    /// Forgets the cached answer (e.g. after a login failed on a stale host).
    pub(crate) async fn invalidate(&self) {
        *self.entry.lock().await = None;
    }
}

/// `GET {csds}/api/account/{a}/service/baseURI.json?version=1.0`.
async fn fetch(config: &AuthConfig, client: &Client) -> Result<CsdsResponse, AuthError> {
    let operation = Operation::Csds;
    let mut url = config.csds_base.clone();
    url.set_path(&format!(
        "/api/account/{}/service/baseURI.json",
        config.account_id
    ));
    url.set_query(Some("version=1.0"));
    tracing::debug!(account_id = %config.account_id, %url, "CSDS lookup");
    let request = client.get(url).header(header::ACCEPT, "application/json");
    let response = http::send(operation, request).await?;
    let body = http::text(operation, response).await?;
    let answer: CsdsResponse =
        serde_json::from_str(&body).map_err(|e| AuthError::UnexpectedResponse {
            operation,
            reason: format!("not a CSDS answer: {}", http::json_shape_error(&e)),
        })?;
    if answer.base_uris.is_empty() {
        return Err(AuthError::UnexpectedResponse {
            operation,
            reason: "`baseURIs` is missing or empty".to_owned(),
        });
    }
    Ok(answer)
}
