//! `bot-connector demo --once` plays the scripted conversations end to end
//! (emulator + messaging transport + runtime + script engine) and exits 0.

use std::process::Command;

#[test]
fn demo_once_prints_a_transcript_with_every_outcome_and_exits_0() {
    let output = Command::new(env!("CARGO_BIN_EXE_bot-connector"))
        .args(["demo", "--once"])
        .output()
        .expect("run bot-connector");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        output.status
    );
    for expected in [
        "welcome to Trailhead Outfitters",
        "quick replies: [Track my order]",
        "[structured content] Trail Runner 2 - $129",
        "Good news: order 123456 shipped",
        "transferred to skill 2",
        "Happy trails!",
        "conversation closed by",
        "Bot metrics: 2 conversations, 1 transferred, 1 closed, 0 escalated",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}
