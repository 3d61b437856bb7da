//! The configuration file: `[server]`, `[tls]` and `[[bots]]`.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use connector_core::Secret;
use serde::Deserialize;
use serde_json::Value;

use super::bot::BotSpec;
use super::env::substitute;
use super::error::{ConfigError, FieldError};
use super::validate::parse_bot;

/// A parsed and validated configuration file.
#[derive(Debug, Clone)]
pub struct FileConfig {
    /// The `[server]` section.
    pub server: ServerSpec,
    /// The `[[bots]]`.
    pub bots: Vec<BotSpec>,
    /// The bots as written (`${ENV}` references kept), in the same order.
    pub raw_bots: Vec<Value>,
    /// The `[tls]` section, built: the roots every connection trusts.
    pub trust: connector_http::Trust,
}

/// The `[tls]` section: which certificates every TLS connection (CSDS,
/// login, messaging socket, chat API, engines) trusts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSpec {
    /// `"webpki"` (Mozilla's roots, compiled in; the default) or
    /// `"native"` (the system store; honours `SSL_CERT_FILE`).
    #[serde(default)]
    pub roots: connector_http::Roots,
    /// A PEM file of extra CA certificates to trust as well (a private CA;
    /// relative to the config file).
    #[serde(default)]
    pub extra_ca_file: Option<PathBuf>,
}

impl TlsSpec {
    /// Reads the CA file (relative to `base_dir`) and builds the trust.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] on the key to fix.
    pub fn trust(&self, base_dir: &Path) -> Result<connector_http::Trust, FieldError> {
        let trust = connector_http::Trust::new(self.roots)
            .map_err(|e| FieldError::new("tls.roots", e.to_string()))?;
        let Some(file) = &self.extra_ca_file else {
            return Ok(trust);
        };
        let path = base_dir.join(file);
        let pem = std::fs::read(&path).map_err(|e| {
            FieldError::new(
                "tls.extra_ca_file",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        trust
            .with_extra_ca_pem(&pem)
            .map_err(|e| FieldError::new("tls.extra_ca_file", format!("{}: {e}", path.display())))
    }
}

/// The `[server]` section: the management API, dashboard and storage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// Where the API, dashboard and `/metrics` listen (default `127.0.0.1:8080`).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The SQLite file (default `bot-connector.db` beside the config file);
    /// created on first start.
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// An Admin API token to accept (`${ENV}` recommended). Without one, and
    /// with no token in the database yet, an Admin token is generated and
    /// printed once.
    #[serde(default)]
    pub admin_token: Option<Secret>,
    /// The key file for secrets at rest (base64 of 32 bytes; relative to
    /// the config file). `BOT_CONNECTOR_SECRET_KEY` wins over it; without
    /// either, `bot-connector.key` beside the database (generated once).
    #[serde(default)]
    pub secret_key_file: Option<PathBuf>,
    /// Former keys' files, to decrypt values written before a rotation
    /// (they are encrypted again under the current key on start).
    #[serde(default)]
    pub previous_secret_key_files: Vec<PathBuf>,
    /// Days an audit entry is kept (1-3650, default 90).
    #[serde(
        default = "default_audit_retention_days",
        deserialize_with = "audit_retention_days"
    )]
    pub audit_retention_days: u64,
    /// Audit entries kept at most, the newest (100-10,000,000, default 100,000).
    #[serde(
        default = "default_audit_max_rows",
        deserialize_with = "audit_max_rows"
    )]
    pub audit_max_rows: u64,
}

impl ServerSpec {
    /// The audit log's retention.
    #[must_use]
    pub fn audit_retention(&self) -> crate::store::AuditRetention {
        crate::store::AuditRetention {
            max_age_days: self.audit_retention_days,
            max_rows: self.audit_max_rows,
        }
    }
}

fn default_audit_retention_days() -> u64 {
    crate::store::AuditRetention::default().max_age_days
}

fn default_audit_max_rows() -> u64 {
    crate::store::AuditRetention::default().max_rows
}

/// A whole number within `range`, or an error saying which are accepted.
fn ranged<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    range: &std::ops::RangeInclusive<u64>,
    unit: &str,
) -> Result<u64, D::Error> {
    let n = u64::deserialize(deserializer)?;
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(serde::de::Error::custom(format!(
            "must be from {} to {} {unit}, not {n}",
            range.start(),
            range.end()
        )))
    }
}

fn audit_retention_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    ranged(d, &crate::store::AUDIT_RETENTION_DAYS, "days")
}

fn audit_max_rows<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    ranged(d, &crate::store::AUDIT_MAX_ROWS, "entries")
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_database() -> PathBuf {
    PathBuf::from("bot-connector.db")
}

impl Default for ServerSpec {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            database: default_database(),
            admin_token: None,
            secret_key_file: None,
            previous_secret_key_files: Vec::new(),
            audit_retention_days: default_audit_retention_days(),
            audit_max_rows: default_audit_max_rows(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    server: Option<Value>,
    #[serde(default)]
    bots: Vec<Value>,
    #[serde(default)]
    tls: Option<Value>,
}

/// Reads and checks the file at `path`, with `${ENV}` from the process environment.
///
/// # Errors
///
/// [`ConfigError`] listing every problem with its key path.
pub fn load_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse_file(&text, &path.display().to_string(), base, &|n| {
        std::env::var(n).ok()
    })
}

/// Parses configuration text; `name` names it in messages, relative paths
/// start at `base_dir`, `env` resolves `${NAME}`.
///
/// # Errors
///
/// [`ConfigError`] listing every problem with its key path.
pub fn parse_file(
    text: &str,
    name: &str,
    base_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<FileConfig, ConfigError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| ConfigError::Syntax {
        path: name.to_owned(),
        message: e.to_string(),
    })?;
    let json = serde_json::to_value(table).map_err(|e| ConfigError::Syntax {
        path: name.to_owned(),
        message: e.to_string(),
    })?;
    let raw: RawFile = serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        ConfigError::Invalid(vec![FieldError::new(
            if path == "." { String::new() } else { path },
            e.into_inner().to_string(),
        )])
    })?;
    let mut errors = Vec::new();
    let server = match raw.server {
        None => ServerSpec::default(),
        Some(mut value) => {
            let parsed = substitute(&mut value, env).and_then(|()| {
                serde_path_to_error::deserialize::<_, ServerSpec>(value).map_err(|e| {
                    vec![FieldError::new(
                        e.path().to_string(),
                        e.into_inner().to_string(),
                    )]
                })
            });
            match parsed {
                Ok(server) => server,
                Err(e) => {
                    errors.extend(e.into_iter().map(|e| e.under("server")));
                    ServerSpec::default()
                }
            }
        }
    };
    let mut server = server;
    if server.database.is_relative() {
        server.database = base_dir.join(&server.database);
    }
    let trust = match raw.tls {
        None => connector_http::Trust::default(),
        Some(mut value) => {
            let parsed = substitute(&mut value, env).and_then(|()| {
                serde_path_to_error::deserialize::<_, TlsSpec>(value).map_err(|e| {
                    vec![FieldError::new(
                        e.path().to_string(),
                        e.into_inner().to_string(),
                    )]
                })
            });
            match parsed {
                Ok(spec) => spec.trust(base_dir).unwrap_or_else(|e| {
                    errors.push(e);
                    connector_http::Trust::default()
                }),
                Err(e) => {
                    errors.extend(e.into_iter().map(|e| e.under("tls")));
                    connector_http::Trust::default()
                }
            }
        }
    };
    let mut bots = Vec::new();
    let mut seen = HashSet::new();
    for (i, raw_bot) in raw.bots.iter().enumerate() {
        let prefix = format!("bots[{i}]");
        match parse_bot(raw_bot, base_dir, env) {
            Ok(bot) => {
                if !seen.insert(bot.id.clone()) {
                    errors.push(FieldError::new(
                        format!("{prefix}.id"),
                        format!("bot id {:?} is used twice; ids must be unique", bot.id),
                    ));
                }
                bots.push(bot);
            }
            Err(e) => errors.extend(e.into_iter().map(|e| e.under(&prefix))),
        }
    }
    if errors.is_empty() {
        Ok(FileConfig {
            server,
            bots,
            raw_bots: raw.bots,
            trust,
        })
    } else {
        Err(ConfigError::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, dir: &Path) -> Result<FileConfig, Vec<FieldError>> {
        parse_file(text, "test.toml", dir, &|_| None).map_err(|e| match e {
            ConfigError::Invalid(errors) => errors,
            other => panic!("unexpected {other}"),
        })
    }

    const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIBeTCCAR+gAwIBAgIUPrGkj4ZbBv6j0cH1mZx3j5G7JdowCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";

    #[test]
    fn tls_defaults_to_the_webpki_roots_without_extra_cas() {
        let dir = tempfile::tempdir().unwrap();
        let config = parse("", dir.path()).unwrap();
        assert_eq!(config.trust.roots(), connector_http::Roots::Webpki);
        assert_eq!(config.trust.extra_ca_count(), 0);
    }

    #[test]
    fn an_extra_ca_file_is_read_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let sim = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        std::fs::write(dir.path().join("ca.pem"), sim.cert.pem()).unwrap();
        let config = parse("[tls]\nextra_ca_file = \"ca.pem\"\n", dir.path()).unwrap();
        assert_eq!(config.trust.extra_ca_count(), 1);
    }

    #[test]
    fn tls_mistakes_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let errors = parse("[tls]\nextra_ca_file = \"absent.pem\"\n", dir.path()).unwrap_err();
        assert_eq!(errors[0].path, "tls.extra_ca_file");
        assert!(errors[0].message.contains("cannot read"), "{errors:?}");

        std::fs::write(dir.path().join("empty.pem"), "not a certificate\n").unwrap();
        let errors = parse("[tls]\nextra_ca_file = \"empty.pem\"\n", dir.path()).unwrap_err();
        assert_eq!(errors[0].path, "tls.extra_ca_file");

        std::fs::write(dir.path().join("bad.pem"), CA).unwrap();
        let errors = parse("[tls]\nextra_ca_file = \"bad.pem\"\n", dir.path()).unwrap_err();
        assert_eq!(errors[0].path, "tls.extra_ca_file");

        let errors = parse("[tls]\nroots = \"system\"\n", dir.path()).unwrap_err();
        assert_eq!(errors[0].path, "tls.roots", "{errors:?}");
        let errors = parse("[tls]\ncolour = \"red\"\n", dir.path()).unwrap_err();
        assert!(errors[0].message.contains("colour"), "{errors:?}");
    }

    #[test]
    fn audit_retention_has_defaults_and_checked_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let config = parse("", dir.path()).unwrap();
        assert_eq!(
            config.server.audit_retention(),
            crate::store::AuditRetention::default()
        );
        let config = parse(
            "[server]\naudit_retention_days = 3650\naudit_max_rows = 100\n",
            dir.path(),
        )
        .unwrap();
        assert_eq!(config.server.audit_retention().max_age_days, 3650);
        assert_eq!(config.server.audit_retention().max_rows, 100);
        for (text, key) in [
            ("audit_retention_days = 0", "server.audit_retention_days"),
            ("audit_retention_days = 3651", "server.audit_retention_days"),
            ("audit_retention_days = -1", "server.audit_retention_days"),
            ("audit_max_rows = 99", "server.audit_max_rows"),
            (
                "audit_max_rows = 9223372036854775807",
                "server.audit_max_rows",
            ),
        ] {
            let errors = parse(&format!("[server]\n{text}\n"), dir.path()).unwrap_err();
            assert_eq!(errors[0].path, key, "{text}: {errors:?}");
        }
        let errors = parse("[server]\naudit_retention_days = 0\n", dir.path()).unwrap_err();
        assert!(
            errors[0].message.contains("from 1 to 3650 days"),
            "{errors:?}"
        );
    }
}
