//! SQLite persistence: bot definitions, API tokens (hashed) and the audit log.
//!
//! Migrations are numbered SQL batches applied in order inside one
//! transaction each; `schema_migrations` records which ran, so an older
//! database is brought up to date on start and a newer one is refused.
//!
//! The file is private to its owner (`0600`), and the secret fields of bot
//! definitions (those the API shows as `***`) are stored encrypted with
//! XChaCha20-Poly1305 under a key from `BOT_CONNECTOR_SECRET_KEY`, a key
//! file, or a key file generated beside the database: each value as
//! `enc:v1:<key id>:<base64 of nonce and ciphertext>`, bound to its bot and
//! key path.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::access::{Permission, Role};
use crate::journal::unix_ms;
use crate::redact::{REDACTED, redact};

/// The schema, one batch per version (version = index + 1).
const MIGRATIONS: &[&str] = &[
    // 1: bots, tokens, audit.
    "CREATE TABLE bots (
        id TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 0,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
     );
     CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        permissions TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at_ms INTEGER NOT NULL
     );
     CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL
     );",
    // 2: the token configured in the file (`[server] admin_token`) is marked,
    // so a new one replaces it. Before this, `run` stored it under the name
    // "configured admin": those rows are marked too.
    "ALTER TABLE tokens ADD COLUMN configured INTEGER NOT NULL DEFAULT 0;
     UPDATE tokens SET configured = 1 WHERE name = 'configured admin' AND role = 'admin';",
    // 3: audit entries are pruned by age.
    "CREATE INDEX audit_at_ms ON audit (at_ms);",
];

/// The accepted `[server] audit_retention_days`.
pub const AUDIT_RETENTION_DAYS: std::ops::RangeInclusive<u64> = 1..=3650;
/// The accepted `[server] audit_max_rows`.
pub const AUDIT_MAX_ROWS: std::ops::RangeInclusive<u64> = 100..=10_000_000;

/// How much of the audit log is kept: entries older than `max_age_days`
/// and all but the newest `max_rows` are deleted on start and as entries
/// are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditRetention {
    /// Days an entry is kept ([`AUDIT_RETENTION_DAYS`], default 90).
    pub max_age_days: u64,
    /// Entries kept at most ([`AUDIT_MAX_ROWS`], default 100,000).
    pub max_rows: u64,
}

impl Default for AuditRetention {
    fn default() -> Self {
        Self {
            max_age_days: 90,
            max_rows: 100_000,
        }
    }
}

/// Why the database cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed.
    #[error("database error: {0}; check that the database file is writable and not corrupt")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer version.
    #[error(
        "the database has schema version {found}, newer than this binary's {known}; upgrade bot-connector"
    )]
    TooNew {
        /// The database's version.
        found: i64,
        /// Ours.
        known: i64,
    },
    /// A stored value cannot be read back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// The key for secrets at rest is missing, invalid or not the one the
    /// secrets were encrypted with (the message says what to do; it never
    /// holds a key or a secret).
    #[error("{0}")]
    SecretKey(String),
}

/// The environment variable holding the key for secrets at rest: the
/// base64 of 32 random bytes (`openssl rand -base64 32`).
pub const SECRET_KEY_ENV: &str = "BOT_CONNECTOR_SECRET_KEY";
/// Former keys (comma-separated, base64), to read values written before a
/// rotation.
pub const PREVIOUS_SECRET_KEYS_ENV: &str = "BOT_CONNECTOR_PREVIOUS_SECRET_KEYS";
/// The key file generated beside the database when no key is configured.
pub const DEFAULT_KEY_FILE: &str = "bot-connector.key";
/// How an encrypted value starts.
const SEALED: &str = "enc:v1:";
/// Nonce length of XChaCha20-Poly1305.
const NONCE_LEN: usize = 24;

/// A 256-bit key for secrets at rest. Its `Debug` shows only its id.
#[derive(Clone)]
pub struct SecretKey {
    bytes: [u8; 32],
    id: String,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl SecretKey {
    /// The key whose base64 is `text` (white space around it ignored);
    /// `None` unless it is the base64 of exactly 32 bytes.
    #[must_use]
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes: [u8; 32] = BASE64.decode(text.trim()).ok()?.try_into().ok()?;
        Some(Self::from_bytes(bytes))
    }

    /// A new random key.
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self::from_bytes(bytes)
    }

    fn from_bytes(bytes: [u8; 32]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"bot-connector secret key id\0");
        hasher.update(bytes);
        let id = hasher.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self { bytes, id }
    }

    /// The key's public id (12 hex digits of a hash of it), written beside
    /// each value it encrypts.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(self.bytes))
    }

    fn seal(&self, plain: &str, aad: &[u8]) -> Result<String, StoreError> {
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad,
                },
            )
            .map_err(|_| StoreError::SecretKey("a secret cannot be encrypted".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{SEALED}{}:{}", self.id, BASE64.encode(out)))
    }

    fn open(&self, encoded: &str, aad: &[u8]) -> Option<String> {
        let raw = BASE64.decode(encoded).ok()?;
        if raw.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let plain = self
            .cipher()
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad })
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// The key new values are encrypted with and former keys that can still
/// decrypt.
#[derive(Debug, Clone)]
pub struct KeyRing {
    current: SecretKey,
    previous: Vec<SecretKey>,
}

impl KeyRing {
    /// `current` encrypts; `current` and `previous` decrypt.
    #[must_use]
    pub fn new(current: SecretKey, previous: Vec<SecretKey>) -> Self {
        Self { current, previous }
    }

    /// The current key's id.
    #[must_use]
    pub fn current_id(&self) -> &str {
        self.current.id()
    }

    fn find(&self, id: &str) -> Option<&SecretKey> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
    }
}

/// How [`Store::open_with`] finds its keys and keeps its audit log.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// The key file (`[server] secret_key_file`), used when
    /// `BOT_CONNECTOR_SECRET_KEY` is unset; without either, a key file
    /// `bot-connector.key` beside the database (generated if absent).
    pub secret_key_file: Option<PathBuf>,
    /// Former keys' files (`[server] previous_secret_key_files`).
    pub previous_secret_key_files: Vec<PathBuf>,
    /// The audit log's retention.
    pub audit: AuditRetention,
}

impl StoreOptions {
    /// The options of a `[server]` section, relative key files starting at
    /// `base_dir` (the config file's folder).
    #[must_use]
    pub fn from_server(server: &crate::config::ServerSpec, base_dir: &Path) -> Self {
        Self {
            secret_key_file: server.secret_key_file.as_ref().map(|f| base_dir.join(f)),
            previous_secret_key_files: server
                .previous_secret_key_files
                .iter()
                .map(|f| base_dir.join(f))
                .collect(),
            audit: server.audit_retention(),
        }
    }
}

/// A stored bot.
#[derive(Debug, Clone)]
pub struct StoredBot {
    /// Id.
    pub id: String,
    /// The definition as submitted (`${ENV}` references kept).
    pub definition: Value,
    /// Whether it was running when last changed (started again on boot).
    pub enabled: bool,
}

/// A stored token (the token itself is never stored, only its hash).
#[derive(Debug, Clone, Serialize)]
pub struct TokenRecord {
    /// Public id.
    pub id: String,
    /// Who it is for.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The permissions of a custom role (empty for built-in roles).
    pub permissions: Vec<Permission>,
    /// Creation time.
    pub created_at_ms: u64,
    /// Whether it is the admin token configured in the file (`[server]
    /// admin_token`): it cannot be deleted through the API, and a new
    /// configured token replaces it.
    pub configured: bool,
}

/// One audit entry.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Order.
    pub seq: i64,
    /// When.
    pub at_ms: u64,
    /// The token's name and id.
    pub actor: String,
    /// What was attempted.
    pub action: String,
    /// On what.
    pub target: String,
    /// `ok`, `denied` or an error.
    pub outcome: String,
}

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
    retention: AuditRetention,
    keys: KeyRing,
}

fn now_ms() -> i64 {
    i64::try_from(unix_ms(std::time::SystemTime::now())).unwrap_or(i64::MAX)
}

impl Store {
    /// Opens (creating it if needed, `0600`) and migrates the database
    /// file, with the keys and retention of [`StoreOptions::default`] and
    /// the process environment.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the file cannot be opened or migrated, or the
    /// secret key is missing or wrong.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, &StoreOptions::default(), &|n| std::env::var(n).ok())
    }

    /// Opens (creating it if needed) and migrates the database file: the
    /// file (and its `-wal`, `-shm`, `-journal`) is made private (`0600`),
    /// the key for secrets at rest is found (`env` resolves
    /// [`SECRET_KEY_ENV`] and [`PREVIOUS_SECRET_KEYS_ENV`]), every stored
    /// secret not under the current key is encrypted again under it, and
    /// the audit log is pruned.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the file cannot be opened or migrated, a key is
    /// missing or invalid, or a stored secret was encrypted with a key that
    /// is not configured.
    pub fn open_with(
        path: &Path,
        options: &StoreOptions,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Corrupt(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        private_file(path)?;
        let keys = resolve_keys(path, options, env)?;
        let store = Self::with(Connection::open(path)?, keys)?;
        store.reseal()?;
        store.with_audit_retention(options.audit)
    }

    /// An in-memory database (the demo, tests), its secrets encrypted with
    /// a random key that lives as long as it.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when SQLite fails.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::with(
            Connection::open_in_memory()?,
            KeyRing::new(SecretKey::generate(), Vec::new()),
        )
    }

    fn with(mut conn: Connection, keys: KeyRing) -> Result<Self, StoreError> {
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            retention: AuditRetention::default(),
            keys,
        })
    }

    /// The id of the key new secrets are encrypted with.
    #[must_use]
    pub fn secret_key_id(&self) -> &str {
        self.keys.current_id()
    }

    /// A definition as stored: its secrets encrypted under the current key.
    fn seal(&self, id: &str, definition: &Value) -> Result<String, StoreError> {
        let mut sealed = definition.clone();
        for_each_secret(&mut sealed, &mut |path, value| {
            *value = self.keys.current.seal(value, &aad(id, path))?;
            Ok(())
        })?;
        Ok(sealed.to_string())
    }

    /// A stored definition with its secrets decrypted; also says whether it
    /// should be written again (a value in clear or under a former key).
    fn unseal(&self, id: &str, definition: &mut Value) -> Result<bool, StoreError> {
        let mut stale = false;
        for_each_secret(definition, &mut |path, value| {
            let Some(rest) = value.strip_prefix(SEALED) else {
                // Written before encryption: in clear.
                stale = true;
                return Ok(());
            };
            let (key_id, encoded) = rest.split_once(':').unwrap_or((rest, ""));
            let key = self.keys.find(key_id).ok_or_else(|| {
                StoreError::SecretKey(format!(
                    "bot {id}: `{path}` was encrypted with key {key_id}, which is not configured \
                     (the current key is {current}); set {SECRET_KEY_ENV} or [server] \
                     secret_key_file to that key, or list it in [server] \
                     previous_secret_key_files or {PREVIOUS_SECRET_KEYS_ENV}",
                    current = self.keys.current_id()
                ))
            })?;
            stale |= key.id != self.keys.current.id;
            *value = key.open(encoded, &aad(id, path)).ok_or_else(|| {
                StoreError::SecretKey(format!(
                    "bot {id}: `{path}` cannot be decrypted with key {key_id}: the stored value \
                     was altered or the key is not the one it was written with; restore the key \
                     or the database from a backup, or delete the bot and create it again"
                ))
            })?;
            Ok(())
        })?;
        Ok(stale)
    }

    /// Encrypts again under the current key every stored secret in clear
    /// or under a former key (after a rotation); fails, changing nothing,
    /// when one cannot be decrypted.
    fn reseal(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let rows: Vec<(String, String)> = {
            let mut stmt = tx.prepare("SELECT id, definition FROM bots")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut resealed = 0_usize;
        for (id, text) in rows {
            // A definition that is not JSON is reported by `bots`.
            let Ok(mut definition) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            if self.unseal(&id, &mut definition)? {
                tx.execute(
                    "UPDATE bots SET definition = ?2 WHERE id = ?1",
                    params![id, self.seal(&id, &definition)?],
                )?;
                resealed += 1;
            }
        }
        tx.commit()?;
        if resealed > 0 {
            tracing::info!(
                bots = resealed,
                key_id = self.keys.current_id(),
                "stored secrets encrypted under the current key"
            );
        }
        Ok(())
    }

    /// This store keeping the audit log within `retention` (pruned now).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when pruning fails.
    pub fn with_audit_retention(mut self, retention: AuditRetention) -> Result<Self, StoreError> {
        self.retention = retention;
        let pruned = self.prune_audit()?;
        if pruned > 0 {
            tracing::info!(
                pruned,
                max_age_days = retention.max_age_days,
                max_rows = retention.max_rows,
                "old audit entries deleted"
            );
        }
        Ok(self)
    }

    /// Deletes the audit entries beyond the retention; returns how many.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn prune_audit(&self) -> Result<usize, StoreError> {
        prune_audit(&self.conn(), self.retention, now_ms())
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The schema version.
    ///
    /// # Errors
    ///
    /// [`StoreError::Sqlite`].
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    /// Every stored bot.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn bots(&self) -> Result<Vec<StoredBot>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, definition, enabled FROM bots ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, definition, enabled) = row?;
            let mut definition = serde_json::from_str(&definition)
                .map_err(|e| StoreError::Corrupt(format!("bot {id}: {e}")))?;
            self.unseal(&id, &mut definition)?;
            out.push(StoredBot {
                id,
                definition,
                enabled,
            });
        }
        Ok(out)
    }

    /// Stores a new bot.
    ///
    /// # Errors
    ///
    /// [`StoreError`] (a duplicate id included).
    pub fn insert_bot(&self, id: &str, definition: &Value) -> Result<(), StoreError> {
        let now = now_ms();
        self.conn().execute(
            "INSERT INTO bots (id, definition, enabled, created_at_ms, updated_at_ms) VALUES (?1, ?2, 0, ?3, ?3)",
            params![id, self.seal(id, definition)?, now],
        )?;
        Ok(())
    }

    /// Replaces a bot's definition.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn update_bot(&self, id: &str, definition: &Value) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE bots SET definition = ?2, updated_at_ms = ?3 WHERE id = ?1",
            params![id, self.seal(id, definition)?, now_ms()],
        )?;
        Ok(())
    }

    /// Remembers whether a bot should run.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn set_enabled(&self, id: &str, enabled: bool) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE bots SET enabled = ?2 WHERE id = ?1",
            params![id, enabled],
        )?;
        Ok(())
    }

    /// Deletes a bot.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn delete_bot(&self, id: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM bots WHERE id = ?1", params![id])?;
        Ok(())
    }

    /// Stores a token by its hash.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn insert_token(&self, record: &TokenRecord, hash: &str) -> Result<(), StoreError> {
        let permissions = serde_json::to_string(&record.permissions)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn().execute(
            "INSERT INTO tokens (id, name, role, permissions, hash, created_at_ms, configured) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                record.id,
                record.name,
                record.role.as_str(),
                permissions,
                hash,
                i64::try_from(record.created_at_ms).unwrap_or(i64::MAX),
                record.configured,
            ],
        )?;
        Ok(())
    }

    /// Makes the token with `hash` the configured one (stored from `record`
    /// when unknown) and deletes every other token that was configured;
    /// `None` deletes the configured one. Returns how many were deleted.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn set_configured_token(
        &self,
        configured: Option<(&TokenRecord, &str)>,
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let revoked = match configured {
            None => tx.execute("DELETE FROM tokens WHERE configured = 1", [])?,
            Some((record, hash)) => {
                let revoked = tx.execute(
                    "DELETE FROM tokens WHERE configured = 1 AND hash != ?1",
                    params![hash],
                )?;
                let known = tx.execute(
                    "UPDATE tokens SET configured = 1, role = 'admin', permissions = '[]' WHERE hash = ?1",
                    params![hash],
                )?;
                if known == 0 {
                    let permissions = serde_json::to_string(&record.permissions)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    tx.execute(
                        "INSERT INTO tokens (id, name, role, permissions, hash, created_at_ms, configured) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
                        params![
                            record.id,
                            record.name,
                            record.role.as_str(),
                            permissions,
                            hash,
                            i64::try_from(record.created_at_ms).unwrap_or(i64::MAX),
                        ],
                    )?;
                }
                revoked
            }
        };
        tx.commit()?;
        Ok(revoked)
    }

    /// The token with this hash.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT id, name, role, permissions, created_at_ms, configured FROM tokens WHERE hash = ?1",
                params![hash],
                token_row,
            )
            .optional()?;
        row.map(decode_token).transpose()
    }

    /// The token with this id.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn token_by_id(&self, id: &str) -> Result<Option<TokenRecord>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT id, name, role, permissions, created_at_ms, configured FROM tokens WHERE id = ?1",
                params![id],
                token_row,
            )
            .optional()?;
        row.map(decode_token).transpose()
    }

    /// Every token.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, name, role, permissions, created_at_ms, configured FROM tokens ORDER BY created_at_ms, id",
        )?;
        let rows = stmt.query_map([], token_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(decode_token(row?)?);
        }
        Ok(out)
    }

    /// Deletes a token that is not the configured one; returns whether it
    /// existed (the configured token is never deleted here).
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn delete_token(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "DELETE FROM tokens WHERE id = ?1 AND configured = 0",
            params![id],
        )? > 0)
    }

    /// Appends to the audit log.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        outcome: &str,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        let now = now_ms();
        conn.execute(
            "INSERT INTO audit (at_ms, actor, action, target, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now, actor, action, target, outcome],
        )?;
        prune_audit(&conn, self.retention, now)?;
        Ok(())
    }

    /// The latest `limit` audit entries, newest first.
    ///
    /// # Errors
    ///
    /// [`StoreError`].
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, at_ms, actor, action, target, outcome FROM audit ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |r| {
            Ok(AuditEntry {
                seq: r.get(0)?,
                at_ms: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                actor: r.get(2)?,
                action: r.get(3)?,
                target: r.get(4)?,
                outcome: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// What a sealed value is bound to: its bot and key path, so a value
/// moved to another bot or field does not decrypt.
fn aad(bot: &str, path: &str) -> Vec<u8> {
    format!("bot-connector secret v1\0{bot}\0{path}").into_bytes()
}

/// Calls `f` with the key path and value of every secret string of
/// `definition`: exactly those the API shows as `***` (found with
/// [`redact`] itself, so the two never disagree).
fn for_each_secret(
    definition: &mut Value,
    f: &mut dyn FnMut(&str, &mut String) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    fn blank(value: &Value) -> Value {
        match value {
            Value::String(_) => Value::String("x".into()),
            Value::Array(items) => Value::Array(items.iter().map(blank).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), blank(v))).collect())
            }
            other => other.clone(),
        }
    }
    fn walk(
        value: &mut Value,
        probe: &Value,
        path: &str,
        f: &mut dyn FnMut(&str, &mut String) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match (value, probe) {
            (Value::String(s), Value::String(p)) if p == REDACTED => f(path, s),
            (Value::Object(map), Value::Object(probes)) => {
                for (k, v) in map.iter_mut() {
                    if let Some(p) = probes.get(k) {
                        let child = if path.is_empty() {
                            k.clone()
                        } else {
                            format!("{path}.{k}")
                        };
                        walk(v, p, &child, f)?;
                    }
                }
                Ok(())
            }
            (Value::Array(items), Value::Array(probes)) => {
                for (i, (v, p)) in items.iter_mut().zip(probes).enumerate() {
                    walk(v, p, &format!("{path}[{i}]"), f)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    let probe = redact(&blank(definition));
    walk(definition, &probe, "", f)
}

/// Creates the database file private to its owner (`0600`), and makes an
/// existing one (and its `-wal`, `-shm`, `-journal`) private, saying so.
/// SQLite gives the files it creates beside the database the database's
/// own mode.
#[cfg(unix)]
fn private_file(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(StoreError::Corrupt(format!(
                "cannot create {}: {e}; check that its folder is writable",
                path.display()
            )));
        }
    }
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        files.push(PathBuf::from(name));
    }
    for file in files {
        tighten(&file)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_file(_path: &Path) -> Result<(), StoreError> {
    Ok(())
}

/// Makes an existing file `0600` when group or others may read it.
#[cfg(unix)]
fn tighten(file: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt as _;
    let Ok(meta) = std::fs::metadata(file) else {
        return Ok(());
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).map_err(|e| {
            StoreError::Corrupt(format!(
                "{} is readable by others (mode {mode:o}) and cannot be made private: {e}; \
                 run `chmod 600` on it",
                file.display()
            ))
        })?;
        tracing::warn!(
            file = %file.display(),
            "the file was readable by others (mode {mode:o}): made private (0600)"
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_file: &Path) -> Result<(), StoreError> {
    Ok(())
}

/// The keys: the current one from [`SECRET_KEY_ENV`], else
/// `secret_key_file`, else `bot-connector.key` beside the database
/// (generated on first start); former ones from
/// [`PREVIOUS_SECRET_KEYS_ENV`] and `previous_secret_key_files`.
fn resolve_keys(
    database: &Path,
    options: &StoreOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<KeyRing, StoreError> {
    let from_env = env(SECRET_KEY_ENV).filter(|t| !t.trim().is_empty());
    let (current, source) = if let Some(text) = from_env {
        let key = SecretKey::from_base64(&text).ok_or_else(|| {
            StoreError::SecretKey(format!(
                "{SECRET_KEY_ENV} does not hold a key: it must be the base64 of 32 random bytes \
                 (`openssl rand -base64 32`)"
            ))
        })?;
        (key, SECRET_KEY_ENV.to_owned())
    } else if let Some(file) = &options.secret_key_file {
        (
            read_key_file(file, "[server] secret_key_file")?,
            file.display().to_string(),
        )
    } else {
        let file = database
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join(DEFAULT_KEY_FILE);
        (default_key(&file)?, file.display().to_string())
    };
    let mut previous = Vec::new();
    if let Some(list) = env(PREVIOUS_SECRET_KEYS_ENV) {
        for (i, text) in list.split(',').filter(|t| !t.trim().is_empty()).enumerate() {
            previous.push(SecretKey::from_base64(text).ok_or_else(|| {
                StoreError::SecretKey(format!(
                    "entry {} of {PREVIOUS_SECRET_KEYS_ENV} is not a key: each must be the \
                     base64 of 32 bytes, separated by commas",
                    i + 1
                ))
            })?);
        }
    }
    for file in &options.previous_secret_key_files {
        previous.push(read_key_file(file, "[server] previous_secret_key_files")?);
    }
    tracing::info!(
        key_id = current.id(),
        source = %source,
        previous = previous.len(),
        "secrets at rest: key loaded"
    );
    Ok(KeyRing::new(current, previous))
}

/// Reads a key file (made private if it is not).
fn read_key_file(file: &Path, key: &str) -> Result<SecretKey, StoreError> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        StoreError::SecretKey(format!(
            "cannot read the secret key file {} ({key}): {e}; create it with \
             `openssl rand -base64 32 > {0}` and `chmod 600 {0}`, or set {SECRET_KEY_ENV}",
            file.display()
        ))
    })?;
    if let Err(err) = tighten(file) {
        tracing::warn!("{err}");
    }
    SecretKey::from_base64(&text).ok_or_else(|| {
        StoreError::SecretKey(format!(
            "the secret key file {} ({key}) does not hold a key: it must be the base64 of 32 \
             random bytes (`openssl rand -base64 32`)",
            file.display()
        ))
    })
}

/// The key in `file`, generated there (`0600`) when absent.
fn default_key(file: &Path) -> Result<SecretKey, StoreError> {
    if file.exists() {
        return read_key_file(file, "generated beside the database");
    }
    let key = SecretKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(file).and_then(|mut f| {
        use std::io::Write as _;
        writeln!(f, "{}", BASE64.encode(key.bytes))?;
        f.sync_all()
    });
    written.map_err(|e| {
        StoreError::SecretKey(format!(
            "cannot write the generated secret key file {}: {e}; make the database's folder \
             writable, or set {SECRET_KEY_ENV} or [server] secret_key_file",
            file.display()
        ))
    })?;
    tracing::warn!(
        file = %file.display(),
        key_id = key.id(),
        "no secret key configured: generated one for the secrets at rest; back this file up \
         with the database (without it the stored bots' secrets cannot be read)"
    );
    Ok(key)
}

/// Deletes audit entries older than the retention's age (at `now_ms`) and
/// all but its newest `max_rows`.
fn prune_audit(
    conn: &Connection,
    retention: AuditRetention,
    now_ms: i64,
) -> Result<usize, StoreError> {
    let age_ms = i64::try_from(retention.max_age_days)
        .unwrap_or(i64::MAX)
        .saturating_mul(86_400_000);
    let cutoff = now_ms.saturating_sub(age_ms);
    let by_age = conn.execute("DELETE FROM audit WHERE at_ms < ?1", params![cutoff])?;
    let keep = i64::try_from(retention.max_rows).unwrap_or(i64::MAX);
    let by_count = conn.execute(
        "DELETE FROM audit WHERE seq <= (SELECT MAX(seq) FROM audit) - ?1",
        params![keep],
    )?;
    Ok(by_age + by_count)
}

type TokenRow = (String, String, String, String, i64, bool);

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn decode_token(
    (id, name, role, permissions, created, configured): TokenRow,
) -> Result<TokenRecord, StoreError> {
    let role = Role::parse(&role)
        .ok_or_else(|| StoreError::Corrupt(format!("token {id}: unknown role {role:?}")))?;
    let permissions = serde_json::from_str(&permissions)
        .map_err(|e| StoreError::Corrupt(format!("token {id}: {e}")))?;
    Ok(TokenRecord {
        id,
        name,
        role,
        permissions,
        created_at_ms: u64::try_from(created).unwrap_or(0),
        configured,
    })
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL);",
    )?;
    let current: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(index).unwrap_or(i64::MAX) + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at_ms) VALUES (?1, ?2)",
            params![version, now_ms()],
        )?;
        tx.commit()?;
        tracing::info!(version, "database migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db/bc.db");
        let store = Store::open(&path).unwrap();
        let latest = i64::try_from(MIGRATIONS.len()).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest);
        store
            .insert_bot("a", &serde_json::json!({"id": "a"}))
            .unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.bots().unwrap()[0].definition["id"], "a");
        store
            .conn()
            .execute(
                "INSERT INTO schema_migrations (version, applied_at_ms) VALUES (99, 0)",
                [],
            )
            .unwrap();
        drop(store);
        let err = Store::open(&path).err().expect("refused");
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn a_configured_admin_token_of_an_older_database_is_marked() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL);
             INSERT INTO schema_migrations VALUES (1, 0);",
        )
        .unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(
            "INSERT INTO tokens VALUES ('a', 'configured admin', 'admin', '[]', 'h1', 0);
             INSERT INTO tokens VALUES ('b', 'ops', 'admin', '[]', 'h2', 0);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let store = Store {
            conn: Mutex::new(conn),
            retention: AuditRetention::default(),
            keys: KeyRing::new(SecretKey::generate(), Vec::new()),
        };
        let tokens = store.tokens().unwrap();
        assert!(tokens.iter().find(|t| t.id == "a").unwrap().configured);
        assert!(!tokens.iter().find(|t| t.id == "b").unwrap().configured);
        // Rotation then revokes it.
        assert_eq!(store.set_configured_token(None).unwrap(), 1);
        assert_eq!(store.tokens().unwrap().len(), 1);
    }

    #[test]
    fn old_audit_entries_go_on_start_and_as_entries_are_added() {
        let store = Store::in_memory().unwrap();
        let day_ms = 86_400_000_i64;
        for (at, n) in [(now_ms() - 100 * day_ms, 3), (now_ms() - 10 * day_ms, 2)] {
            for i in 0..n {
                store
                    .conn()
                    .execute(
                        "INSERT INTO audit (at_ms, actor, action, target, outcome) VALUES (?1, 'a', 'view', ?2, 'denied')",
                        params![at, i],
                    )
                    .unwrap();
            }
        }
        assert_eq!(store.audit_log(500).unwrap().len(), 5);
        // The default keeps 90 days: the 100-day-old entries go on start.
        let store = store
            .with_audit_retention(AuditRetention::default())
            .unwrap();
        assert_eq!(store.audit_log(500).unwrap().len(), 2);
        // A shorter retention: the 10-day-old ones go at the next entry.
        let mut store = store;
        store.retention = AuditRetention {
            max_age_days: 7,
            max_rows: 100,
        };
        store.audit("a", "view", "x", "denied").unwrap();
        let left = store.audit_log(500).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].target, "x");
        // And no more than max_rows.
        for _ in 0..150 {
            store.audit("a", "view", "y", "denied").unwrap();
        }
        assert_eq!(store.audit_log(500).unwrap().len(), 100);
    }
}
