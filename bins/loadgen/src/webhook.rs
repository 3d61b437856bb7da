//! The Custom Endpoint reference server as the engine, with a latency and an
//! error rate added in front of its event calls (the server itself has no
//! such knobs, so a middleware here delays and fails them).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use connector_core::Secret;
use engine_webhook::WebhookConfig;
use webhook_reference::{CLIENT_ID, CLIENT_SECRET, EXAMPLE_BOTS, ReferenceServer};

use crate::bot::StartError;
use crate::engine_switches::EngineSwitches;
use crate::random::Random;

/// What the middleware does to event calls.
struct Faults {
    latency: Duration,
    error_rate: f64,
    random: Arc<Random>,
    switches: EngineSwitches,
}

/// The reference server on a local port.
pub struct WebhookService {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl WebhookService {
    /// Serves the reference server on `127.0.0.1`; every `POST .../events`
    /// waits `latency`, then fails with 503 with `error_rate`; while
    /// the chaos task stalls the engine it does not answer at all (engine
    /// timeouts), and while it fails it every event call gets 503.
    ///
    /// # Errors
    ///
    /// When no local port can be bound.
    pub async fn start(
        latency: Duration,
        error_rate: f64,
        random: Arc<Random>,
        switches: EngineSwitches,
    ) -> std::io::Result<Self> {
        let faults = Arc::new(Faults {
            latency,
            error_rate,
            random,
            switches,
        });
        let router = ReferenceServer::new()
            .router()
            .layer(axum::middleware::from_fn_with_state(faults, inject));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("loadgen: the webhook reference server stopped: {e}");
            }
        });
        Ok(Self { addr, task })
    }

    /// The engine configuration that reaches this server: the reference
    /// service's online example bot and its client credentials. One attempt
    /// per call, so a failure goes to the runtime's retries as with the
    /// synthetic engine (the contract's own retries pause 5 s and more).
    ///
    /// # Errors
    ///
    /// [`StartError`] if the server's address makes no URL (not expected).
    pub fn config(&self) -> Result<WebhookConfig, StartError> {
        let url = |path: &str| {
            reqwest::Url::parse(&format!("http://{}{path}", self.addr))
                .map_err(|e| StartError(format!("the webhook server's URL: {e}")))
        };
        let mut config = WebhookConfig::new(
            url("/")?,
            EXAMPLE_BOTS[0].0,
            url("/token")?,
            CLIENT_ID,
            Secret::new(CLIENT_SECRET),
        );
        config.max_attempts = 1;
        config.request_timeout_secs = 30;
        Ok(config)
    }

    /// Stops serving.
    pub fn stop(self) {
        self.task.abort();
    }
}

async fn inject(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    if !request.uri().path().ends_with("/events") {
        return next.run(request).await;
    }
    if faults.switches.stalled() {
        // Longer than any engine timeout; the bot drops the call first.
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if faults.switches.failing()
        || (faults.error_rate > 0.0 && faults.random.chance(faults.error_rate))
    {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"message": "injected by loadgen"})),
        )
            .into_response();
    }
    next.run(request).await
}
