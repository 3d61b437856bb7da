//! Bot definitions as `POST /api/bots` (and `PUT`, `POST /api/bots/test`)
//! reads them: the body through the API's `parse_json`, then
//! `config::parse_bot` (substitution, deserialization with key paths, engine
//! parsing, validation, engine construction).
//!
//! The environment is empty here (every `${NAME}` is unset) and relative
//! script paths resolve in an empty directory.
//!
//! Properties, besides "no panic":
//! - a rejected definition names at least one error, each with a message;
//! - an accepted definition passes `validate_bot` again (validation is a
//!   function of the checked spec, not of the raw tree);
//! - what the API shows (`redact`) is stable (redacting twice changes
//!   nothing), and that view sent back unchanged as an edit (`restore`) is
//!   the stored definition again.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bot_connector::api::parse_json;
use bot_connector::config::{parse_bot, validate_bot};
use bot_connector::redact::{redact, restore};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn empty_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("bot-definition-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = parse_json::<Value>(data) else {
        return;
    };

    let shown = redact(&raw);
    assert_eq!(redact(&shown), shown, "redact is not idempotent on {raw}");
    let mut edited = shown.clone();
    restore(&mut edited, &raw);
    assert_eq!(edited, raw, "an unchanged edit does not restore the definition");

    match parse_bot(&raw, empty_dir(), &|_| None) {
        Ok(spec) => {
            let again = validate_bot(&spec);
            assert!(again.is_empty(), "an accepted bot fails validation: {again:?}");
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "rejected with no error: {raw}");
            for error in &errors {
                assert!(!error.message.is_empty(), "an error without a message: {error:?}");
            }
        }
    }
});
