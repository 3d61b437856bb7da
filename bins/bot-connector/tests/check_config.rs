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

fn check(dir: &std::path::Path, name: &str, text: &str) -> (Option<i32>, String, String) {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bot-connector"))
        .args(["check", "--config"])
        .arg(&path)
        .env("BC_TEST_WATSON_APIKEY", "k-123")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BOT: &str = r#"
liveengage = { account_id = "1", login = { type = "api_key", username = "u", app_key = "k", app_secret = "s", token = "t", token_secret = "ts" }, skills = { human = "2" } }
conversation = { type = "messaging" }
escalation = { transfer_skill = "human" }
"#;

#[test]
fn check_accepts_each_engine_and_names_bad_engine_keys_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../crates/engine-dialogflow/tests/data/test-key.pem"
        ),
        dir.path().join("key.pem"),
    )
    .unwrap();
    let key = std::fs::read_to_string(dir.path().join("key.pem")).unwrap();
    std::fs::write(
        dir.path().join("sa.json"),
        serde_json::json!({"type": "service_account", "project_id": "shop", "private_key_id": "k1",
            "private_key": key, "client_email": "bot@shop.iam.gserviceaccount.com",
            "token_uri": "https://oauth2.googleapis.com/token"})
        .to_string(),
    )
    .unwrap();
    let valid = format!(
        r#"
[[bots]]
id = "watson-bot"
{BOT}
[bots.engine]
type = "watson"
api = "v2"
url = "https://api.eu-de.assistant.watson.cloud.ibm.com/instances/1234"
assistant_id = "a1"
auth = {{ type = "iam", apikey = "${{BC_TEST_WATSON_APIKEY}}" }}

[[bots]]
id = "dialogflow-es"
{BOT}
[bots.engine]
type = "dialogflow"
api = "es"
project_id = "shop"
language_code = "en"
service_account = {{ key_file = "sa.json" }}

[[bots]]
id = "dialogflow-cx"
{BOT}
[bots.engine]
type = "dialogflow"
api = "cx"
project_id = "shop"
location = "europe-west2"
agent_id = "0c6a1f7e"
language_code = "en"
service_account = {{ key_file = "sa.json" }}
"#
    );
    let (code, stdout, stderr) = check(dir.path(), "valid.toml", &valid);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("OK, 3 bot(s)"), "{stdout}");

    let invalid = format!(
        r#"
[[bots]]
id = "w"
{BOT}
[bots.engine]
type = "watson"
api = "v2"
url = "https://w.example"
assistent_id = "a1"
auth = {{ type = "iam", apikey = "k" }}

[[bots]]
id = "w2"
{BOT}
[bots.engine]
type = "watson"
api = "v1"
url = "https://w.example"
auth = {{ type = "bearer", token = "t" }}

[[bots]]
id = "d"
{BOT}
[bots.engine]
type = "dialogflow"
api = "es"
project_id = "shop"
language_code = "en"
service_account = {{ key_file = "missing.json" }}

[[bots]]
id = "d2"
{BOT}
[bots.engine]
type = "dialogflow"
api = "cx"
project_id = "shop"
location = "global"
agent_id = "a"
language_code = "en"
environmnt = "prod"
service_account = {{ key_file = "sa.json" }}
"#
    );
    let (code, _, stderr) = check(dir.path(), "invalid.toml", &invalid);
    assert_eq!(code, Some(2), "{stderr}");
    for expected in [
        "bots[0].engine.assistent_id: unknown field `assistent_id`",
        "bots[1].engine.workspace_id: is required for api = \"v1\"",
        "bots[2].engine.service_account.key_file: cannot read the service-account key file",
        "bots[3].engine.environmnt: unknown field `environmnt`",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

const CHAT_LOGIN: &str = r#"liveengage = { account_id = "1", login = { type = "password", username = "u", password = "p" }, skills = { human = "2" } }
escalation = { transfer_skill = "human" }
engine = { type = "script", source = "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]" }"#;

#[test]
fn check_accepts_a_chat_bot_and_names_bad_chat_keys_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let valid = format!(
        r#"
[[bots]]
id = "chat-bot"
{CHAT_LOGIN}
[bots.conversation]
type = "chat"
max_chats = 5
polling = {{ active = "1s", idle = "2s", idle_max = "8s" }}
inactivity = {{ warning_after = "3m", warning_message = "Still there?", close_after = "5m", close_message = "Bye" }}
"#
    );
    let (code, stdout, stderr) = check(dir.path(), "chat.toml", &valid);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("OK, 1 bot(s)"), "{stdout}");

    let bad = format!(
        r#"
[[bots]]
id = "unknown-key"
{CHAT_LOGIN}
conversation = {{ type = "chat", max_chat = 5 }}

[[bots]]
id = "close-first"
{CHAT_LOGIN}
conversation = {{ type = "chat", inactivity = {{ warning_after = "5m", warning_message = "w", close_after = "3m", close_message = "c" }} }}
"#
    );
    let (code, _, stderr) = check(dir.path(), "bad-chat.toml", &bad);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("bots[0].conversation") && stderr.contains("max_chat"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "bots[1].conversation.inactivity.close_after: must be longer than warning_after"
        ),
        "{stderr}"
    );
}

#[test]
fn check_accepts_lex_and_webhook_bots_and_names_their_bad_keys() {
    let dir = tempfile::tempdir().unwrap();
    let valid = format!(
        r#"
[[bots]]
id = "lex-v2"
{BOT}
[bots.engine]
type = "lex"
api = "v2"
region = "eu-west-1"
bot_id = "ABCDEFGHIJ"
bot_alias_id = "TSTALIASID"
locale_id = "en_US"
credentials = {{ access_key_id = "AKIDEXAMPLE", secret_access_key = "${{BC_TEST_WATSON_APIKEY}}" }}

[[bots]]
id = "lex-v1"
{BOT}
[bots.engine]
type = "lex"
api = "v1"
region = "us-east-1"
bot_name = "OrderFlowers"
bot_alias = "prod"
credentials = {{ access_key_id = "AKIDEXAMPLE", secret_access_key = "s" }}

[[bots]]
id = "custom-endpoint"
{BOT}
[bots.engine]
type = "webhook"
base_url = "https://bot.example.com/api"
bot_id = "5809777a-e548-4bd2-bc5f-a1003c132a28"
token_url = "https://auth.example.com/token"
client_id = "app-1"
client_secret = "${{BC_TEST_WATSON_APIKEY}}"
"#
    );
    let (code, stdout, stderr) = check(dir.path(), "valid.toml", &valid);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("OK, 3 bot(s)"), "{stdout}");

    let invalid = format!(
        r#"
[[bots]]
id = "l1"
{BOT}
[bots.engine]
type = "lex"
api = "v2"
region = "eu-west-1"
bot_id = "short"
bot_alias_id = "TSTALIASID"
locale_id = "en_US"
credentials = {{ access_key_id = "AKID", secret_access_key = "s" }}

[[bots]]
id = "l2"
{BOT}
[bots.engine]
type = "lex"
api = "v1"
region = "us-east-1"
bot_name = "B"
bot_alias = "prod"

[[bots]]
id = "l3"
{BOT}
[bots.engine]
type = "lex"
api = "v3"

[[bots]]
id = "w1"
{BOT}
[bots.engine]
type = "webhook"
base_url = "https://bot.example.com"
bot_id = "not/a-bot-id"
token_url = "https://auth.example.com/token"
client_id = "c"
client_secret = "s"

[[bots]]
id = "w2"
{BOT}
[bots.engine]
type = "webhook"
base_url = "https://bot.example.com"
bot_id = "b"
token_url = "https://auth.example.com/token"
client_id = " "
client_secret = "s"
max_atempts = 2
"#
    );
    let (code, _, stderr) = check(dir.path(), "invalid.toml", &invalid);
    assert_eq!(code, Some(2), "{stderr}");
    // Without the AWS default chain compiled in, a Lex bot needs keys.
    let missing_keys = if cfg!(feature = "lex-default-credentials") {
        "bots[0]"
    } else {
        "bots[1].engine.credentials: lex configuration: `credentials` is missing"
    };
    for expected in [
        "bots[0].engine.bot_id: `short` must be the 10-character bot id",
        missing_keys,
        "bots[2].engine.api: \"v3\" is not one of \"v2\", \"v1\"",
        "bots[3].engine.bot_id: `not/a-bot-id` must be 1 to 36 letters",
        "bots[4].engine.max_atempts: unknown field `max_atempts`",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

const SCRIPT_BOT: &str = r#"conversation = { type = "messaging" }
escalation = { transfer_skill = "human" }
engine = { type = "script", source = "[fallback]\noutputs = [{ type = \"text\", text = \"hi\" }]" }"#;

#[test]
fn check_accepts_login_retry_and_reconnect_waits_and_names_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let login = r#"account_id = "1", login = { type = "password", username = "u", password = "p" }, skills = { human = "2" }"#;
    let valid = format!(
        r#"
[[bots]]
id = "quick-retry"
liveengage = {{ {login}, retry = {{ server_error_delays = ["100ms", "200ms"], backoff_start = "300ms", backoff_cap = "2s" }}, reconnect = {{ base = "50ms", max = "1s" }} }}
{SCRIPT_BOT}
"#
    );
    let (code, stdout, stderr) = check(dir.path(), "retry.toml", &valid);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("OK, 1 bot(s)"), "{stdout}");

    let bad = format!(
        r#"
[[bots]]
id = "zero-wait"
liveengage = {{ {login}, retry = {{ server_error_delays = ["0s"] }} }}
{SCRIPT_BOT}

[[bots]]
id = "cap-first"
liveengage = {{ {login}, retry = {{ backoff_start = "5m", backoff_cap = "1m" }} }}
{SCRIPT_BOT}

[[bots]]
id = "typo"
liveengage = {{ {login}, retry = {{ backof_start = "5m" }} }}
{SCRIPT_BOT}

[[bots]]
id = "reconnect"
liveengage = {{ {login}, reconnect = {{ base = "0s", max = "1s" }} }}
{SCRIPT_BOT}

[[bots]]
id = "reconnect-max"
liveengage = {{ {login}, reconnect = {{ base = "2s", max = "1s" }} }}
{SCRIPT_BOT}
"#
    );
    let (code, _, stderr) = check(dir.path(), "bad-retry.toml", &bad);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("bots[0].liveengage.retry: has a wait of 0"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "bots[1].liveengage.retry.backoff_cap: (60s) is shorter than backoff_start (300s)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("bots[2].liveengage") && stderr.contains("backof_start"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bots[3].liveengage.reconnect.base: is 0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bots[4].liveengage.reconnect.max: (1s) is shorter than base (2s)"),
        "{stderr}"
    );
}
