//! What every request handler shares.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::HeaderMap;
use serde_json::Value;

use crate::access::{Caller, Permission, Role, generate_token, hash_token};
use crate::config::{BotSpec, FieldError, parse_bot};
use crate::fleet::{Fleet, Source};
use crate::store::{Store, StoreError, TokenRecord};
use crate::tester::Tester;

/// The cookie the dashboard keeps the token in.
pub const TOKEN_COOKIE: &str = "bc_token";

/// The application: bots, database, tester.
pub struct App {
    /// The bots.
    pub fleet: Arc<Fleet>,
    /// The database.
    pub store: Store,
    /// The conversation tester (when an emulator runs in this process).
    pub tester: Option<Tester>,
    /// Relative script paths in API definitions start here.
    pub base_dir: PathBuf,
    ready: AtomicBool,
}

/// Why a token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No valid token: 401.
    Unauthenticated,
    /// Valid token without the permission: 403.
    Forbidden(Permission),
}

impl App {
    /// An application over `fleet` and `store`.
    #[must_use]
    pub fn new(
        fleet: Arc<Fleet>,
        store: Store,
        tester: Option<Tester>,
        base_dir: PathBuf,
    ) -> Arc<Self> {
        Arc::new(Self {
            fleet,
            store,
            tester,
            base_dir,
            ready: AtomicBool::new(false),
        })
    }

    /// Marks the process ready (bots loaded).
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }

    /// Whether the process is ready.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// Parses and validates an API definition (env from the process).
    ///
    /// # Errors
    ///
    /// Every problem with its key path.
    pub fn parse_definition(&self, raw: &Value) -> Result<BotSpec, Vec<FieldError>> {
        parse_bot(raw, &self.base_dir, &|n| std::env::var(n).ok())
    }

    /// Creates a token; returns the token itself (shown once) and its record.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn create_token(
        &self,
        name: &str,
        role: Role,
        permissions: &[Permission],
    ) -> Result<(String, TokenRecord), StoreError> {
        let token = generate_token();
        let record = self.register_token(&token, name, role, permissions)?;
        Ok((token, record))
    }

    /// Makes `token` the configured admin token (`[server] admin_token`): a
    /// previously configured token that differs is deleted, so rotating the
    /// token in the file revokes the old one; `None` (no token in the file)
    /// deletes the previously configured one. Returns how many were deleted.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn configure_admin_token(&self, token: Option<&str>) -> Result<usize, StoreError> {
        let Some(token) = token else {
            return self.store.set_configured_token(None);
        };
        let record = TokenRecord {
            id: new_token_id(),
            name: "configured admin".to_owned(),
            role: Role::Admin,
            permissions: Vec::new(),
            created_at_ms: crate::journal::unix_ms(std::time::SystemTime::now()),
            configured: true,
        };
        self.store
            .set_configured_token(Some((&record, &hash_token(token))))
    }

    /// Stores a given token's hash, unless known.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn register_token(
        &self,
        token: &str,
        name: &str,
        role: Role,
        permissions: &[Permission],
    ) -> Result<TokenRecord, StoreError> {
        let hash = hash_token(token);
        if let Some(existing) = self.store.token_by_hash(&hash)? {
            return Ok(existing);
        }
        let record = TokenRecord {
            id: new_token_id(),
            name: name.to_owned(),
            role,
            permissions: if role == Role::Custom {
                permissions.to_vec()
            } else {
                Vec::new()
            },
            created_at_ms: crate::journal::unix_ms(std::time::SystemTime::now()),
            configured: false,
        };
        self.store.insert_token(&record, &hash)?;
        Ok(record)
    }

    /// The caller of a request with `headers`, if it may do `permission`.
    ///
    /// # Errors
    ///
    /// [`Denied`]; a 403 is also written to the audit log.
    pub fn authorize(
        &self,
        headers: &HeaderMap,
        permission: Permission,
        target: &str,
    ) -> Result<Caller, Denied> {
        let caller = self.caller(headers).ok_or(Denied::Unauthenticated)?;
        if caller.may(permission) {
            Ok(caller)
        } else {
            self.audit(&caller, permission.as_str(), target, "denied");
            Err(Denied::Forbidden(permission))
        }
    }

    /// The caller of a request, if its token is valid.
    #[must_use]
    pub fn caller(&self, headers: &HeaderMap) -> Option<Caller> {
        let token = token_from(headers)?;
        let record = self.store.token_by_hash(&hash_token(&token)).ok()??;
        Some(Caller::new(
            &record.id,
            &record.name,
            record.role,
            &record.permissions,
        ))
    }

    /// Writes an audit entry (a failure to write is logged, not fatal).
    pub fn audit(&self, caller: &Caller, action: &str, target: &str, outcome: &str) {
        if let Err(err) = self.store.audit(&caller.label(), action, target, outcome) {
            tracing::warn!("cannot write the audit log: {err}");
        }
    }

    /// Loads the database's bots into the fleet and starts those that were running.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the database cannot be read; bots that no longer
    /// validate are logged and skipped.
    pub async fn load_stored_bots(&self) -> Result<(), StoreError> {
        for stored in self.store.bots()? {
            match self.parse_definition(&stored.definition) {
                Ok(spec) => {
                    if let Err(err) = self.fleet.insert(spec, stored.definition, Source::Api) {
                        tracing::warn!(bot_id = %stored.id, "stored bot not loaded: {err}");
                        continue;
                    }
                    if stored.enabled
                        && let Err(err) = self.fleet.start(&stored.id).await
                    {
                        tracing::warn!(bot_id = %stored.id, "{err}");
                    }
                }
                Err(errors) => {
                    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    tracing::warn!(bot_id = %stored.id, "stored bot is invalid: {}", list.join("; "));
                }
            }
        }
        Ok(())
    }
}

/// A new public token id (12 hex digits).
fn new_token_id() -> String {
    let mut id = uuid::Uuid::new_v4().simple().to_string();
    id.truncate(12);
    id
}

/// The token of a request: `Authorization: Bearer`, else the dashboard cookie.
fn token_from(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(axum::http::header::AUTHORIZATION)
        && let Ok(value) = value.to_str()
        && let Some(token) = value.strip_prefix("Bearer ")
    {
        return Some(token.trim().to_owned());
    }
    let cookies = headers.get(axum::http::header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|c| {
        c.trim()
            .strip_prefix(TOKEN_COOKIE)
            .and_then(|rest| rest.strip_prefix('='))
            .map(str::to_owned)
    })
}
