//! A short chaos run: faults at random moments, and every consumer message
//! still gets exactly one answer or an escalation. Asserts outcomes, not timings.

use clap::Parser;
use loadgen::Options;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_chaos_run_loses_nothing_and_doubles_nothing() {
    let options = Options::parse_from([
        "loadgen",
        "--conversations",
        "40",
        "--messages",
        "12",
        "--rate",
        "4",
        "--chaos",
        "--chaos-every-secs",
        "0.4",
        "--engine-error-rate",
        "0.05",
        "--duration-secs",
        "20",
        "--quiet",
    ]);
    let report = loadgen::run(options).await.expect("bench starts");
    println!("{}", report.to_markdown());
    let chaos = report.chaos.expect("a chaos run reports its faults");
    let injected = chaos.total();
    assert!(injected >= 5, "only {injected} faults injected: {chaos:?}");
    assert!(report.messages_sent >= 40, "{report:?}");
    assert_eq!(
        report.lost, 0,
        "lost messages: {:#?}\nerrors: {:#?}",
        report.problems, report.error_samples
    );
    assert_eq!(report.duplicated, 0, "duplicated answers");
    assert!(report.answered > 0);
}

#[test]
fn every_option_is_documented_in_help() {
    use clap::CommandFactory;
    let command = Options::command();
    let help = command.clone().render_long_help().to_string();
    let mut seen = 0;
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        seen += 1;
        let flag = format!("--{long}");
        assert!(help.contains(&flag), "{flag} missing from --help");
        let text = arg
            .get_long_help()
            .or(arg.get_help())
            .map(ToString::to_string);
        assert!(
            text.is_some_and(|t| t.len() > 10),
            "{flag} has no description"
        );
    }
    assert!(seen >= 15, "only {seen} options");
}
