//! The session's life cycle: login, keep-alive refresh, re-login, logout.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use reqwest::Client;
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::AuthConfig;
use crate::domains::{DomainCache, Domains};
use crate::error::{AuthError, Operation};
use crate::{http, login};

/// Whether a UMS socket closed with `code` needs a new login before
/// reconnecting.
///
/// node-agent-sdk's README names 4401, 4407 and 1011; LivePerson's web client
/// also counts 1008 as an authentication error. We take both lists
/// \[inferred\]: a needless re-login costs one request, a missed one makes
/// every reconnect fail.
#[must_use]
pub fn close_requires_relogin(code: u16) -> bool {
    matches!(code, 4401 | 4407 | 1011 | 1008)
}

/// Logs the bot in and keeps it logged in. Cheap to clone; clones share the
/// session.
///
/// The current session is published on a watch channel ([`Self::subscribe`])
/// so a transport sees every new bearer.
#[derive(Clone, Debug)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: AuthConfig,
    client: Client,
    domains: DomainCache,
    session: watch::Sender<Option<Arc<crate::Session>>>,
    login_lock: Mutex<()>,
    generation: AtomicU64,
    cancel: CancellationToken,
    keep_alive: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Authenticator {
    /// Checks the configuration and builds the HTTP client. Sends nothing.
    ///
    /// # Errors
    ///
    /// [`AuthError::Config`] saying what to fix.
    pub fn new(config: AuthConfig) -> Result<Self, AuthError> {
        config.validate()?;
        let client = http::build_client(&config)?;
        let (session, _) = watch::channel(None);
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                client,
                domains: DomainCache::new(),
                session,
                login_lock: Mutex::new(()),
                generation: AtomicU64::new(0),
                cancel: CancellationToken::new(),
                keep_alive: std::sync::Mutex::new(None),
            }),
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    /// The shared HTTP client (for other LiveEngage REST calls).
    #[must_use]
    pub fn http_client(&self) -> &Client {
        &self.inner.client
    }

    /// The account's domains: cached for the configured TTL, fetched from
    /// CSDS (with retries) when stale.
    ///
    /// # Errors
    ///
    /// The last CSDS failure once the retry policy gives up.
    pub async fn domains(&self) -> Result<Arc<Domains>, AuthError> {
        let inner = &self.inner;
        http::with_retries(&inner.config, Operation::Csds, &inner.cancel, || {
            inner.domains.get(&inner.config, &inner.client)
        })
        .await
    }

    /// The current session, if logged in.
    #[must_use]
    pub fn current(&self) -> Option<Arc<crate::Session>> {
        self.inner.session.borrow().clone()
    }

    /// A receiver that sees every new session (and `None` after logout).
    #[must_use]
    pub fn subscribe(&self) -> watch::Receiver<Option<Arc<crate::Session>>> {
        self.inner.session.subscribe()
    }

    /// The current session, logging in first if there is none.
    ///
    /// # Errors
    ///
    /// As [`Self::login`].
    pub async fn session(&self) -> Result<Arc<crate::Session>, AuthError> {
        match self.current() {
            Some(session) => Ok(session),
            None => self.relogin(0).await,
        }
    }

    /// Logs in now (CSDS, then the Login Service), retrying as the policy
    /// says, and publishes the new session.
    ///
    /// # Errors
    ///
    /// [`AuthError::Unauthorized`] at once for bad credentials; the last
    /// failure once the retry policy gives up; [`AuthError::Stopped`] after
    /// [`Self::shutdown`].
    pub async fn login(&self) -> Result<Arc<crate::Session>, AuthError> {
        let _guard = self.inner.login_lock.lock().await;
        self.login_locked().await
    }

    /// Logs in again unless a login newer than `stale_generation` already
    /// happened (so many callers noticing the same expired token cause one
    /// login). Pass the [`generation`](crate::Session::generation) of the
    /// session that failed.
    ///
    /// # Errors
    ///
    /// As [`Self::login`]; [`AuthError::CannotRenew`] for a fixed bearer.
    pub async fn relogin(&self, stale_generation: u64) -> Result<Arc<crate::Session>, AuthError> {
        let _guard = self.inner.login_lock.lock().await;
        if let Some(current) = self.current()
            && current.generation > stale_generation
        {
            return Ok(current);
        }
        self.login_locked().await
    }

    async fn login_locked(&self) -> Result<Arc<crate::Session>, AuthError> {
        let inner = &self.inner;
        let config = &inner.config;
        if inner.cancel.is_cancelled() {
            return Err(AuthError::Stopped);
        }
        let generation = inner.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(fixed) = login::bearer_session(config, generation) {
            // A fixed bearer is "logged in" once; it cannot be renewed.
            if generation > 1 {
                return Err(AuthError::CannotRenew);
            }
            return Ok(self.publish(fixed));
        }
        let session = http::with_retries(config, Operation::Login, &inner.cancel, || async {
            let domains = inner.domains.get(config, &inner.client).await?;
            let result = login::login(config, &inner.client, &domains, generation).await;
            if matches!(&result, Err(e) if e.is_transient()) {
                // The login host may have moved: ask CSDS again next time.
                inner.domains.invalidate().await;
            }
            result
        })
        .await
        .inspect_err(|error| {
            tracing::error!(account_id = %config.account_id, code = %error.code(), error = %error, "login failed");
        })?;
        tracing::info!(account_id = %config.account_id, user_id = %session.user_id, generation, "logged in");
        Ok(self.publish(session))
    }

    fn publish(&self, session: crate::Session) -> Arc<crate::Session> {
        let session = Arc::new(session);
        self.inner.session.send_replace(Some(Arc::clone(&session)));
        session
    }

    /// Refreshes the current session once (`POST …/refresh` with csrf and
    /// cookie); logs in if there is no session yet.
    ///
    /// # Errors
    ///
    /// The refresh failure, e.g. [`AuthError::Unauthorized`] for an expired
    /// session (then call [`Self::relogin`]).
    pub async fn refresh(&self) -> Result<(), AuthError> {
        let Some(session) = self.current() else {
            return self.session().await.map(drop);
        };
        if self.inner.cancel.is_cancelled() {
            return Err(AuthError::Stopped);
        }
        tokio::select! {
            () = self.inner.cancel.cancelled() => return Err(AuthError::Stopped),
            result = login::refresh(&self.inner.client, &session) => result?,
        }
        // Same bearer: update the expiry without waking subscribers.
        self.inner.session.send_if_modified(|current| {
            if let Some(now) = current.as_mut()
                && now.generation == session.generation
            {
                let mut renewed = (**now).clone();
                renewed.refreshed_at = Instant::now();
                *now = Arc::new(renewed);
            }
            false
        });
        tracing::debug!(account_id = %self.inner.config.account_id, generation = session.generation, "session refreshed");
        Ok(())
    }

    /// What to do after the UMS socket closed with `code`: a fresh login for
    /// authentication codes ([`close_requires_relogin`]), else the current
    /// session. Returns the session to reconnect with.
    ///
    /// # Errors
    ///
    /// As [`Self::relogin`].
    pub async fn on_socket_closed(&self, code: u16) -> Result<Arc<crate::Session>, AuthError> {
        let stale = self.current().map_or(0, |s| s.generation);
        if close_requires_relogin(code) {
            tracing::info!(account_id = %self.inner.config.account_id, code, "socket closed for authentication; logging in again");
            self.relogin(stale).await
        } else {
            self.session().await
        }
    }

    /// Starts the background task that refreshes the session every
    /// `refresh_interval` and logs in again when a refresh fails. Idempotent;
    /// the task ends on [`Self::shutdown`] or when every clone is dropped.
    pub fn spawn_keep_alive(&self) {
        let mut slot = self
            .inner
            .keep_alive
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.as_ref().is_some_and(|task| !task.is_finished()) {
            return;
        }
        let weak = Arc::downgrade(&self.inner);
        let cancel = self.inner.cancel.clone();
        let interval = self.inner.config.refresh_interval;
        *slot = Some(tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = tokio::time::sleep(interval) => {}
                }
                if !keep_alive_tick(&weak).await {
                    return;
                }
            }
        }));
    }

    /// Stops the keep-alive task, logs out (one attempt) and clears the
    /// session. Later logins fail with [`AuthError::Stopped`].
    ///
    /// # Errors
    ///
    /// The logout failure; the session is cleared anyway.
    pub async fn shutdown(&self) -> Result<(), AuthError> {
        self.inner.cancel.cancel();
        let task = self
            .inner
            .keep_alive
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            // The task only waits on the token or on a request; it ends promptly.
            if let Err(error) = task.await {
                tracing::warn!(account_id = %self.inner.config.account_id, %error, "keep-alive task ended abnormally");
            }
        }
        let _guard = self.inner.login_lock.lock().await;
        let Some(session) = self.inner.session.send_replace(None) else {
            return Ok(());
        };
        if !session.is_refreshable() {
            return Ok(());
        }
        let result = login::logout(&self.inner.client, &session).await;
        match &result {
            Ok(()) => tracing::info!(account_id = %self.inner.config.account_id, "logged out"),
            Err(error) => {
                tracing::warn!(account_id = %self.inner.config.account_id, code = %error.code(), error = %error, "logout failed");
            }
        }
        result
    }
}

/// One keep-alive round; `false` when the authenticator is gone or stopped.
async fn keep_alive_tick(weak: &Weak<Inner>) -> bool {
    let Some(inner) = weak.upgrade() else {
        return false;
    };
    let auth = Authenticator { inner };
    let account_id = auth.inner.config.account_id.clone();
    let session = auth.current();
    let stale = session.as_ref().map_or(0, |s| s.generation);
    let refreshed = match &session {
        // A fixed bearer has nothing to refresh.
        Some(s) if s.agent_vep.is_none() => return true,
        // \[inferred\] Without csrf and cookie no refresh is possible; a new
        // login keeps a valid bearer at hand instead.
        Some(s) if !s.is_refreshable() => false,
        Some(_) => match auth.refresh().await {
            Ok(()) => true,
            Err(AuthError::Stopped) => return false,
            Err(error) => {
                tracing::warn!(%account_id, code = %error.code(), error = %error, "session refresh failed; logging in again");
                false
            }
        },
        None => false,
    };
    if refreshed {
        return true;
    }
    match auth.relogin(stale).await {
        Ok(_) => true,
        Err(AuthError::Stopped) => false,
        // Already logged by the login path; the next round tries again.
        Err(_) => true,
    }
}
