//! The HTTP server with graceful shutdown, and the `run` command.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::access::Role;
use crate::assemble::Network;
use crate::config::{ConfigError, load_file};
use crate::fleet::{Fleet, Source};
use crate::scrape::FleetCollector;
use crate::state::App;
use crate::store::{Store, StoreError, StoreOptions};
use crate::telemetry::Telemetry;

/// How often metrics are sampled for the time windows.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(30);

/// Why `run` stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database cannot be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}; choose another [server] listen address")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP client cannot be built.
    #[error("{0}")]
    Network(String),
    /// The server failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// A fleet with its metrics collector, connecting through `network`.
#[must_use]
pub fn new_fleet(network: Network) -> Arc<Fleet> {
    let telemetry = Arc::new(Telemetry::new());
    let fleet = Fleet::new(Arc::clone(&telemetry), network);
    telemetry.register_collector(Box::new(FleetCollector(Arc::downgrade(&fleet))));
    fleet
}

/// Binds `addr`.
///
/// # Errors
///
/// [`ServeError::Bind`].
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// Serves the API and dashboard until `shutdown` completes, then stops every bot.
///
/// # Errors
///
/// [`ServeError::Io`].
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let sampler = app.fleet.spawn_sampler(SAMPLE_EVERY);
    let router = crate::api::router(Arc::clone(&app));
    let result = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await;
    tracing::info!("shutting down: stopping bots");
    app.set_ready(false);
    sampler.abort();
    app.fleet.stop_all().await;
    Ok(result?)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {err}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::warn!("cannot listen for SIGTERM: {err}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// `bot-connector run --config`: loads the file's bots and the database's,
/// starts them, serves until Ctrl-C or SIGTERM.
///
/// # Errors
///
/// [`ServeError`].
pub async fn run(config_path: &Path) -> Result<(), ServeError> {
    let config = load_file(config_path)?;
    let base_dir = config_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let store = Store::open_with(
        &config.server.database,
        &StoreOptions::from_server(&config.server, &base_dir),
        &|n| std::env::var(n).ok(),
    )?;
    let network = Network::new(config.trust.clone()).map_err(ServeError::Network)?;
    let app = App::new(new_fleet(network), store, None, base_dir);
    // The token in the file replaces the one configured before (rotation).
    let configured = config.server.admin_token.as_ref().map(|t| t.expose());
    if app.configure_admin_token(configured)? > 0 {
        tracing::info!("the previously configured admin token was revoked ([server] admin_token)");
    }
    if configured.is_none() && app.store.tokens()?.is_empty() {
        let (token, _) = app.create_token("bootstrap admin", Role::Admin, &[])?;
        println!("Admin API token (shown once, keep it): {token}");
    }
    let listener = bind(config.server.listen).await?;
    let addr = listener.local_addr()?;
    let autostart: Vec<String> = config
        .bots
        .iter()
        .filter(|b| b.autostart)
        .map(|b| b.id.clone())
        .collect();
    for (bot, raw) in config.bots.into_iter().zip(config.raw_bots) {
        if let Err(err) = app.fleet.insert(bot, raw, Source::File) {
            tracing::warn!("{err}");
        }
    }
    app.load_stored_bots().await?;
    for id in autostart {
        if let Err(err) = app.fleet.start(&id).await {
            tracing::warn!(bot_id = %id, "{err}");
        }
    }
    app.set_ready(true);
    println!("bot-connector listening on http://{addr} (dashboard /, API /api, metrics /metrics)");
    serve(app, listener, shutdown_signal()).await
}
