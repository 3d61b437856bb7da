//! SQLite persistence: bot definitions, API tokens (hashed) and the audit log.
//!
//! Migrations are numbered SQL batches applied in order inside one
//! transaction each; `schema_migrations` records which ran, so an older
//! database is brought up to date on start and a newer one is refused.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use crate::access::{Permission, Role};
use crate::journal::unix_ms;

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
}

fn now_ms() -> i64 {
    i64::try_from(unix_ms(std::time::SystemTime::now())).unwrap_or(i64::MAX)
}

impl Store {
    /// Opens (creating it if needed) and migrates the database file.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the file cannot be opened or migrated.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Corrupt(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        Self::with(Connection::open(path)?)
    }

    /// An in-memory database (the demo, tests).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when SQLite fails.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::with(Connection::open_in_memory()?)
    }

    fn with(mut conn: Connection) -> Result<Self, StoreError> {
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            retention: AuditRetention::default(),
        })
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
            let definition = serde_json::from_str(&definition)
                .map_err(|e| StoreError::Corrupt(format!("bot {id}: {e}")))?;
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
            params![id, definition.to_string(), now],
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
            params![id, definition.to_string(), now_ms()],
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
                    "UPDATE tokens SET configured = 1 WHERE hash = ?1",
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
