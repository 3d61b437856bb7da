//! Scaling curves: the same run at several loads, as a table and two plots.

use std::fmt::Write as _;
use std::path::Path;

use poloto::build;

use crate::report::Report;

/// One point of the curve.
pub struct Point {
    /// Concurrent conversations.
    pub conversations: usize,
    /// The run's report.
    pub report: Report,
}

/// The sweep as a Markdown table.
#[must_use]
pub fn table(points: &[Point]) -> String {
    let mut out = String::from(
        "| conversations | turns/s | p50 ms | p90 ms | p99 ms | max ms | connector p50 / p99 ms | CPU s / 1,000 turns | peak RSS MiB | RSS with all open MiB | RSS KiB / conversation | lost | duplicated |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for p in points {
        let r = &p.report;
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} / {:.2} | {} | {} | {} | {} | {} | {} |",
            p.conversations,
            r.turns_per_sec,
            r.turn_latency.p50_ms,
            r.turn_latency.p90_ms,
            r.turn_latency.p99_ms,
            r.turn_latency.max_ms,
            r.added_latency.p50_ms,
            r.added_latency.p99_ms,
            r.cpu_secs_per_1000_turns
                .map_or_else(|| "n/a".into(), |v| format!("{v:.2}")),
            r.peak_rss_kib
                .map_or_else(|| "n/a".into(), |v| format!("{:.1}", v as f64 / 1024.0)),
            r.rss_open_kib
                .map_or_else(|| "n/a".into(), |v| format!("{:.1}", v as f64 / 1024.0)),
            r.rss_per_conversation_kib
                .map_or_else(|| "n/a".into(), |v| format!("{v:.0}")),
            r.lost,
            r.duplicated,
        );
    }
    out
}

fn svg(title: &str, y_label: &str, points: Vec<[f64; 2]>) -> Result<String, std::fmt::Error> {
    let plots = poloto::plots!(build::origin(), build::plot(y_label).line(points));
    poloto::frame_build()
        .data(plots)
        .build_and_label((title, "concurrent conversations (log10)", y_label))
        .append_to(poloto::header().light_theme())
        .render_string()
}

/// Writes `sweep.md`, `throughput.svg` and `p99.svg` into `dir`.
///
/// # Errors
///
/// When the folder or a file cannot be written.
pub fn write(dir: &Path, points: &[Point]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("sweep.md"), table(points))?;
    let x = |p: &Point| (p.conversations.max(1) as f64).log10();
    let throughput: Vec<[f64; 2]> = points
        .iter()
        .map(|p| [x(p), p.report.turns_per_sec])
        .collect();
    let p99: Vec<[f64; 2]> = points
        .iter()
        .map(|p| [x(p), p.report.turn_latency.p99_ms])
        .collect();
    let to_io = |e: std::fmt::Error| std::io::Error::other(e.to_string());
    std::fs::write(
        dir.join("throughput.svg"),
        svg("Throughput against load", "turns per second", throughput).map_err(to_io)?,
    )?;
    std::fs::write(
        dir.join("p99.svg"),
        svg("p99 turn latency against load", "p99 latency (ms)", p99).map_err(to_io)?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_table_and_two_svg_plots() {
        let dir = std::env::temp_dir().join(format!("loadgen-sweep-{}", std::process::id()));
        let points: Vec<Point> = [(100, 1000.0, 20.0), (1000, 800.0, 90.0)]
            .into_iter()
            .map(|(n, tps, p99)| Point {
                conversations: n,
                report: Report {
                    conversations: n,
                    turns_per_sec: tps,
                    turn_latency: crate::report::Latency {
                        p99_ms: p99,
                        ..Default::default()
                    },
                    ..Report::default()
                },
            })
            .collect();
        write(&dir, &points).unwrap();
        let table = std::fs::read_to_string(dir.join("sweep.md")).unwrap();
        assert!(table.contains("| 1000 | 800 |"), "{table}");
        let svg = std::fs::read_to_string(dir.join("throughput.svg")).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("turns per second"),
            "{svg}"
        );
        assert!(
            std::fs::read_to_string(dir.join("p99.svg"))
                .unwrap()
                .contains("p99")
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
