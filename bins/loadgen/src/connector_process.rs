//! The bot as a separate `bot-connector run` process: its binary, its
//! config file, its start until Online, its `/metrics`, its clean stop.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::Instant;

use crate::bot::StartError;
use crate::connector_config::{BOT_ID, ConnectorFile};
use crate::proc_stats::Process;

/// How long the process may take to listen and then to come Online.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How often `/metrics` is polled while waiting for Online.
const POLL: Duration = Duration::from_millis(2);
/// How long the process may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `bot-connector` with one bot, Online.
pub struct ConnectorProcess {
    child: Child,
    pid: u32,
    /// `127.0.0.1:port` of its API and `/metrics`.
    addr: String,
    dir: PathBuf,
    /// From just before the spawn until `/metrics` first showed the bot Online.
    pub time_to_online: Duration,
}

/// The binary: `explicit`, or `bot-connector` next to this executable.
///
/// # Errors
///
/// [`StartError`] telling how to build it when it is not there.
pub fn binary(explicit: Option<&Path>) -> Result<PathBuf, StartError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => std::env::current_exe()
            .map_err(|e| StartError(format!("cannot find loadgen's own executable: {e}")))?
            .with_file_name(format!("bot-connector{}", std::env::consts::EXE_SUFFIX)),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(StartError(format!(
            "no bot-connector binary at {}; build it with `cargo build --release -p \
             bot-connector` (same profile as loadgen) or pass --connector-bin PATH",
            path.display()
        )))
    }
}

fn log_tail(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("bot-connector.log")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(15)..].join("\n");
    format!(
        "\nlast lines of {}:\n{tail}",
        dir.join("bot-connector.log").display()
    )
}

impl ConnectorProcess {
    /// Writes `file` into a fresh folder, starts `bin run --config` on it and
    /// waits until the bot is Online (`bot_connector_bot_online` is 1).
    ///
    /// # Errors
    ///
    /// [`StartError`] with the end of the process's log when it does not
    /// start, exits, or is not Online within 30 s.
    pub async fn start(
        bin: &Path,
        threads: Option<usize>,
        file: impl FnOnce(&Path) -> ConnectorFile,
    ) -> Result<Self, StartError> {
        let dir = std::env::temp_dir().join(format!(
            "loadgen-connector-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        let io = |what: &str, e: std::io::Error| StartError(format!("{what}: {e}"));
        std::fs::create_dir_all(&dir)
            .map_err(|e| io(&format!("cannot create {}", dir.display()), e))?;
        let config = dir.join("bot-connector.toml");
        let text = file(&dir.join("bot-connector.db"))
            .to_toml()
            .map_err(|e| StartError(format!("cannot write the connector's config: {e}")))?;
        std::fs::write(&config, text)
            .map_err(|e| io(&format!("cannot write {}", config.display()), e))?;
        let log = std::fs::File::create(dir.join("bot-connector.log"))
            .map_err(|e| io("cannot create the connector's log file", e))?;
        let started = Instant::now();
        let mut command = Command::new(bin);
        if let Some(threads) = threads {
            command.env("TOKIO_WORKER_THREADS", threads.to_string());
        }
        let mut child = command
            .arg("run")
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| io(&format!("cannot start {}", bin.display()), e))?;
        let pid = child
            .id()
            .ok_or_else(|| StartError("bot-connector exited at once".into()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| StartError("no stdout of bot-connector".into()))?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(START_TIMEOUT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    return rest.split_whitespace().next().map(str::to_owned);
                }
            }
            None
        })
        .await
        .ok()
        .flatten();
        let mut process = Self {
            child,
            pid,
            addr: String::new(),
            dir,
            time_to_online: Duration::ZERO,
        };
        let Some(addr) = addr else {
            let tail = log_tail(&process.dir);
            process.stop().await;
            return Err(StartError(format!(
                "bot-connector did not start listening within {} s{tail}",
                START_TIMEOUT.as_secs()
            )));
        };
        process.addr = addr;
        // Nothing more is expected on stdout; keep the pipe drained anyway.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        loop {
            if let Ok(text) = process.metrics().await
                && sample(&text, "bot_connector_bot_online") == Some(1.0)
            {
                process.time_to_online = started.elapsed();
                return Ok(process);
            }
            if started.elapsed() > START_TIMEOUT
                || process.child.try_wait().ok().flatten().is_some()
            {
                let tail = log_tail(&process.dir);
                process.stop().await;
                return Err(StartError(format!(
                    "the bot of bot-connector did not come Online within {} s{tail}",
                    START_TIMEOUT.as_secs()
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The process, for `/proc` readings.
    #[must_use]
    pub fn process(&self) -> Process {
        Process::Pid(self.pid)
    }

    /// The process's `/metrics` text.
    ///
    /// # Errors
    ///
    /// [`StartError`] when the process does not answer.
    pub async fn metrics(&self) -> Result<String, StartError> {
        let reply = liveengage_sim::client::http(
            "GET",
            &format!("http://{}/metrics", self.addr),
            &[],
            None,
        )
        .await
        .map_err(|e| StartError(format!("bot-connector /metrics: {e}")))?;
        if reply.status == 200 {
            Ok(reply.body)
        } else {
            Err(StartError(format!(
                "bot-connector /metrics answered {}",
                reply.status
            )))
        }
    }

    /// SIGTERM, then waits for the exit (kills after 10 s) and removes the
    /// config folder.
    pub async fn stop(mut self) {
        let term = rustix::process::Pid::from_raw(i32::try_from(self.pid).unwrap_or(0))
            .map(|pid| rustix::process::kill_process(pid, rustix::process::Signal::TERM));
        let exited = matches!(term, Some(Ok(())))
            && tokio::time::timeout(STOP_TIMEOUT, self.child.wait())
                .await
                .is_ok();
        if !exited {
            eprintln!(
                "loadgen: bot-connector (pid {}) did not stop on SIGTERM; killing it",
                self.pid
            );
            let _ = self.child.kill().await;
        }
        if std::env::var_os("LOADGEN_KEEP_CONNECTOR_DIR").is_some() {
            eprintln!(
                "loadgen: kept the connector's config, database and log in {}",
                self.dir.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The value of the sample of `name` for loadgen's bot in an OpenMetrics text.
#[must_use]
pub fn sample(text: &str, name: &str) -> Option<f64> {
    let label = format!("bot=\"{BOT_ID}\"");
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with('{') && l.contains(&label))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

/// Every sample of `name` for loadgen's bot, by the value of `key` (e.g. the
/// error `code`).
#[must_use]
pub fn samples_by(text: &str, name: &str, key: &str) -> Vec<(String, f64)> {
    let label = format!("bot=\"{BOT_ID}\"");
    let key = format!("{key}=\"");
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with('{') && l.contains(&label))
        .filter_map(|l| {
            let start = l.find(&key)? + key.len();
            let end = start + l[start..].find('"')?;
            let value = l.rsplit(' ').next()?.parse().ok()?;
            Some((l[start..end].to_owned(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# TYPE bot_connector_bot_online gauge\n\
        bot_connector_bot_online{bot=\"loadgen-bot\"} 1\n\
        bot_connector_escalations_total{bot=\"loadgen-bot\"} 3\n\
        bot_connector_engine_errors_total{bot=\"loadgen-bot\",code=\"engine.webhook.http\"} 4\n\
        bot_connector_engine_errors_total{bot=\"other\",code=\"x\"} 9\n";

    #[test]
    fn reads_samples_of_loadgens_bot() {
        assert_eq!(sample(TEXT, "bot_connector_bot_online"), Some(1.0));
        assert_eq!(sample(TEXT, "bot_connector_escalations_total"), Some(3.0));
        assert_eq!(sample(TEXT, "bot_connector_bot"), None);
        assert_eq!(
            samples_by(TEXT, "bot_connector_engine_errors_total", "code"),
            [("engine.webhook.http".to_owned(), 4.0)]
        );
    }

    #[test]
    fn a_missing_binary_says_how_to_build_it() {
        let err = binary(Some(Path::new("/nonexistent/bot-connector"))).unwrap_err();
        assert!(
            err.0.contains("cargo build --release -p bot-connector"),
            "{err}"
        );
    }
}
