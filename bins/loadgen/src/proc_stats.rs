//! A process's CPU time and memory, from `/proc` (Linux): this one
//! (in-process runs) or the `bot-connector` child (separate-process runs).

/// Clock ticks per second of `/proc/<pid>/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// Which process to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    /// This process (`/proc/self`).
    Own,
    /// Another process by id (`/proc/<pid>`).
    Pid(u32),
}

impl Process {
    fn file(self, name: &str) -> Option<String> {
        let path = match self {
            Self::Own => format!("/proc/self/{name}"),
            Self::Pid(pid) => format!("/proc/{pid}/{name}"),
        };
        std::fs::read_to_string(path).ok()
    }
}

/// CPU seconds (user + system) the process has used; `None` off Linux or
/// once the process is gone.
#[must_use]
pub fn cpu_seconds(process: Process) -> Option<f64> {
    let stat = process.file("stat")?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_SECOND)
}

fn status_kib(process: Process, key: &str) -> Option<u64> {
    let status = process.file("status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resident memory now, in KiB.
#[must_use]
pub fn rss_kib(process: Process) -> Option<u64> {
    status_kib(process, "VmRSS:")
}

/// The most resident memory so far, in KiB.
#[must_use]
pub fn peak_rss_kib(process: Process) -> Option<u64> {
    status_kib(process, "VmHWM:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_on_linux() {
        if !std::path::Path::new("/proc/self/stat").exists() {
            return;
        }
        let before = cpu_seconds(Process::Own).unwrap();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_add(i ^ (x >> 3));
        }
        assert!(x != 1);
        assert!(cpu_seconds(Process::Own).unwrap() >= before);
        let rss = rss_kib(Process::Own).unwrap();
        assert!(rss > 0);
        assert!(peak_rss_kib(Process::Own).unwrap() >= rss);
        let by_pid = Process::Pid(std::process::id());
        assert!(rss_kib(by_pid).unwrap() > 0);
        assert!(cpu_seconds(by_pid).is_some());
    }
}
