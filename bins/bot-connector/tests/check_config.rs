//! `bot-connector check` lists every error with its key path.

use std::process::Command;

#[test]
fn check_reports_every_error_with_its_key_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bots.toml");
    std::fs::write(
        &path,
        r#"
[server]
listen = "127.0.0.1:0"

[[bots]]
id = "a"
liveengage = { account_id = "1", login = { type = "password", username = "u", password = "${BC_TEST_UNSET_VAR}" }, skills = { human = "2" } }
conversation = { type = "messaging" }
escalation = { transfer_skill = "human" }
engine = { type = "script", source = "[fallback]" }

[[bots]]
id = "b"
liveengage = { account_id = "1", login = { type = "password", username = "u", password = "p" } }
conversation = { type = "messaging", colour = "red" }
escalation = { transfer_skill = "human" }
engine = { type = "script", path = "missing.toml" }
"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bot-connector"))
        .args(["check", "--config"])
        .arg(&path)
        .env_remove("BC_TEST_UNSET_VAR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "bots[0].liveengage.login.password: environment variable BC_TEST_UNSET_VAR is not set"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("bots[1].conversation") && stderr.contains("colour"),
        "{stderr}"
    );

    std::fs::write(dir.path().join("ok.toml"), "[[bots]]\nid = \"ok\"\nliveengage = { account_id = \"1\", login = { type = \"password\", username = \"u\", password = \"p\" }, skills = { human = \"2\" } }\nconversation = { type = \"messaging\" }\nescalation = { transfer_skill = \"human\" }\nengine = { type = \"script\", path = \"../../../examples/scripts/demo-bot.toml\" }\n").unwrap();
    let ok = dir.path().join("ok.toml");
    let text = std::fs::read_to_string(&ok).unwrap().replace(
        "../../../examples/scripts/demo-bot.toml",
        &format!(
            "{}/../../examples/scripts/demo-bot.toml",
            env!("CARGO_MANIFEST_DIR")
        ),
    );
    std::fs::write(&ok, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bot-connector"))
        .args(["check", "--config"])
        .arg(&ok)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK, 1 bot(s)"));
}
