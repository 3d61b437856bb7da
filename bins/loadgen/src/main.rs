//! `loadgen`: load, latency and chaos runs. `cargo run --release -p loadgen -- --help`.

use clap::Parser;
use loadgen::Options;

/// jemalloc, as `bot-connector` uses (settings in `.cargo/config.toml`): the
/// in-process bot runs on the same allocator as the real binary, and the
/// emulator and consumers, which share the cores with the connector under
/// test, spend less of them in malloc (300 conversations: 13,000 → 14,900
/// turns/s).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    let options = Options::parse();
    // Every conversation holds two sockets here (the consumer's and the
    // emulator's end): raise the hard limit where allowed (root), else the
    // soft limit up to the hard one.
    let wanted = 1 << 20;
    if rlimit::Resource::NOFILE.set(wanted, wanted).is_err()
        && let Err(e) = rlimit::increase_nofile_limit(wanted)
    {
        eprintln!("loadgen: could not raise the open-file limit: {e}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("loadgen: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    if !options.sweep.is_empty() {
        return sweep(&runtime, options);
    }
    let (json, markdown, chaos) = (
        options.json.clone(),
        options.markdown.clone(),
        options.chaos,
    );
    let report = match runtime.block_on(loadgen::run(options)) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let table = report.to_markdown();
    println!("{table}");
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report).unwrap_or_default();
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("loadgen: cannot write {}: {e}", path.display());
        }
    }
    if let Some(path) = markdown
        && let Err(e) = std::fs::write(&path, &table)
    {
        eprintln!("loadgen: cannot write {}: {e}", path.display());
    }
    for problem in &report.problems {
        eprintln!("problem: {problem}");
    }
    if chaos && !report.exactly_once() {
        eprintln!(
            "loadgen: {} lost and {} duplicated messages",
            report.lost, report.duplicated
        );
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

fn sweep(runtime: &tokio::runtime::Runtime, options: Options) -> std::process::ExitCode {
    let mut points = Vec::new();
    for &conversations in &options.sweep {
        let mut run = options.clone();
        run.conversations = conversations;
        eprintln!("loadgen: {conversations} conversations");
        match runtime.block_on(loadgen::run(run)) {
            Ok(report) => points.push(loadgen::sweep::Point {
                conversations,
                report,
            }),
            Err(e) => {
                eprintln!("loadgen: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    println!("{}", loadgen::sweep::table(&points));
    if let Err(e) = loadgen::sweep::write(&options.plot_dir, &points) {
        eprintln!(
            "loadgen: cannot write to {}: {e}",
            options.plot_dir.display()
        );
        return std::process::ExitCode::FAILURE;
    }
    println!("plots and table in {}", options.plot_dir.display());
    std::process::ExitCode::SUCCESS
}
