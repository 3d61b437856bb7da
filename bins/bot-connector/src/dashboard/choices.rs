//! The wizard's choices with their own fields: how the bot user logs in, and
//! which engine answers (the engine tables are in `engine_choices`). Each
//! choice is a table of form fields mapped to key paths of the definition, so
//! adding an engine is adding a table.

use std::collections::HashMap;

use serde_json::{Map, Value};

pub use super::engine_choices::ENGINE;
use super::html::esc;

/// How a form field is shown.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Text,
    /// A whole number (sent as a JSON number when it parses).
    Number,
    Secret,
    Area,
    Check,
    Choice(&'static [&'static str]),
}

/// One form field: its name in the form, its key path below the choice's
/// table in the definition, its label.
pub(super) struct Field(
    pub(super) &'static str,
    pub(super) &'static str,
    pub(super) &'static str,
    pub(super) Kind,
);

/// A choice: the value of `type` and its fields.
pub(super) struct Choice {
    pub(super) tag: &'static str,
    pub(super) title: &'static str,
    pub(super) fields: &'static [Field],
}

/// A group of choices: the form's select, the definition's table.
pub struct Group {
    pub(super) select: &'static str,
    pub(super) legend: &'static str,
    pub(super) choices: &'static [Choice],
}

/// The bot user's login.
pub const LOGIN: Group = Group {
    select: "login_type",
    legend: "Login",
    choices: &[
        Choice {
            tag: "password",
            title: "Login name and password",
            fields: &[
                Field("username", "username", "Bot user login name", Kind::Text),
                Field(
                    "password",
                    "password",
                    "Password (or ${ENV_VAR})",
                    Kind::Secret,
                ),
            ],
        },
        Choice {
            tag: "api_key",
            title: "API key (Application Login)",
            fields: &[
                Field(
                    "key_username",
                    "username",
                    "Bot user login name",
                    Kind::Text,
                ),
                Field("app_key", "app_key", "App key", Kind::Text),
                Field("app_secret", "app_secret", "App secret", Kind::Secret),
                Field("access_token", "token", "Access token", Kind::Secret),
                Field(
                    "token_secret",
                    "token_secret",
                    "Access token secret",
                    Kind::Secret,
                ),
            ],
        },
    ],
};

impl Group {
    /// The chosen table (`{"type": ..., fields}`) from the form; the first
    /// choice when the form names none. Empty fields are left out.
    #[must_use]
    pub fn to_value(&self, form: &HashMap<String, String>) -> Value {
        let chosen = form.get(self.select).map(|s| s.trim()).unwrap_or_default();
        let choice = self
            .choices
            .iter()
            .find(|c| c.tag == chosen)
            .unwrap_or(&self.choices[0]);
        let mut table = Map::new();
        table.insert("type".into(), Value::String(choice.tag.into()));
        let mut out = Value::Object(table);
        for Field(name, key, _, kind) in choice.fields {
            let value = form.get(*name).map(|s| s.trim()).unwrap_or_default();
            match kind {
                Kind::Check => {
                    if form.contains_key(*name) {
                        set(&mut out, key, Value::Bool(true));
                    }
                }
                _ if value.is_empty() => {}
                Kind::Number => {
                    // A non-number stays text, so the definition's check names it.
                    let number = value.parse::<u64>().map_or_else(
                        |_| Value::String(value.to_owned()),
                        |n| Value::Number(n.into()),
                    );
                    set(&mut out, key, number);
                }
                _ => set(&mut out, key, Value::String(value.to_owned())),
            }
        }
        out
    }

    /// The form fields of a (redacted) table.
    pub fn fill(&self, table: &Value, form: &mut HashMap<String, String>) {
        let tag = table["type"].as_str().unwrap_or_default();
        let Some(choice) = self.choices.iter().find(|c| c.tag == tag) else {
            return;
        };
        form.insert(self.select.into(), tag.into());
        for Field(name, key, _, kind) in choice.fields {
            let value = key.split('.').fold(table, |v, k| &v[k]);
            let text = match (kind, value) {
                (_, Value::Null) => continue,
                (Kind::Check, Value::Bool(true)) => "on".to_owned(),
                (Kind::Check, _) => continue,
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            form.insert((*name).into(), text);
        }
    }

    /// The select and every choice's fields; the dashboard's script shows
    /// the chosen choice's fields only (`data-choices`, `hidden`).
    #[must_use]
    pub fn render(&self, f: &HashMap<String, String>) -> String {
        let chosen = f
            .get(self.select)
            .map_or(self.choices[0].tag, String::as_str);
        let options: String = self
            .choices
            .iter()
            .map(|c| {
                let selected = if c.tag == chosen { " selected" } else { "" };
                format!(
                    "<option value='{}'{selected}>{}</option>",
                    esc(c.tag),
                    esc(c.title)
                )
            })
            .collect();
        let mut html = format!(
            "<label>{} <select name={s} id={s} data-choices>{options}</select></label>",
            esc(self.legend),
            s = esc(self.select)
        );
        for c in self.choices {
            let hidden = if c.tag == chosen { "" } else { " hidden" };
            html.push_str(&format!(
                "<div class=choice data-group='{}' data-choice='{}'{hidden}>",
                esc(self.select),
                esc(c.tag)
            ));
            for Field(name, _, label, kind) in c.fields {
                html.push_str(&field_html(name, label, *kind, f));
            }
            html.push_str("</div>");
        }
        html
    }
}

fn field_html(name: &str, label: &str, kind: Kind, f: &HashMap<String, String>) -> String {
    let value = esc(f.get(name).map(String::as_str).unwrap_or_default());
    let label = esc(label);
    let name = esc(name);
    match kind {
        Kind::Text => {
            format!("<label>{label} <input type=text name={name} value='{value}'></label>")
        }
        Kind::Number => {
            format!("<label>{label} <input type=number min=0 name={name} value='{value}'></label>")
        }
        Kind::Secret => {
            format!("<label>{label} <input type=password name={name} value='{value}'></label>")
        }
        Kind::Area => {
            format!("<label>{label} <textarea name={name} rows=10>{value}</textarea></label>")
        }
        Kind::Check => {
            let checked = if f.contains_key(name.as_str()) {
                "checked"
            } else {
                ""
            };
            format!("<label><input type=checkbox name={name} {checked}> {label}</label>")
        }
        Kind::Choice(options) => {
            let current = f.get(name.as_str()).map_or(options[0], String::as_str);
            let options: String = options
                .iter()
                .map(|o| {
                    let selected = if *o == current { " selected" } else { "" };
                    format!("<option{selected}>{}</option>", esc(o))
                })
                .collect();
            format!("<label>{label} <select name={name}>{options}</select></label>")
        }
    }
}

/// Sets `value` at a dotted key path, creating tables on the way.
fn set(target: &mut Value, path: &str, value: Value) {
    let mut current = target;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Value::Object(map) = current else { return };
        if keys.peek().is_none() {
            map.insert(key.to_owned(), value);
            return;
        }
        current = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use serde_json::json;

    /// A form from `(name, value)` pairs.
    pub(in crate::dashboard) fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn each_engine_round_trips_with_only_its_filled_fields() {
        let watson = form(&[
            ("engine_type", "watson"),
            ("watson_api", "v2"),
            ("watson_url", "https://w.example/instances/1"),
            ("watson_assistant_id", "a1"),
            ("watson_stateless", "on"),
            ("watson_auth", "iam"),
            ("watson_apikey", "k"),
            ("df_project_id", "ignored: another engine"),
            ("script", "ignored too"),
        ]);
        let value = ENGINE.to_value(&watson);
        assert_eq!(
            value,
            json!({"type": "watson", "api": "v2", "url": "https://w.example/instances/1",
                "assistant_id": "a1", "stateless": true, "auth": {"type": "iam", "apikey": "k"}})
        );
        let mut back = HashMap::new();
        ENGINE.fill(&value, &mut back);
        assert_eq!(ENGINE.to_value(&back), value);
        assert_eq!(back["watson_stateless"], "on");

        let dialogflow = form(&[
            ("engine_type", "dialogflow"),
            ("df_api", "cx"),
            ("df_project_id", "shop"),
            ("df_location", "global"),
            ("df_agent_id", "ag"),
            ("df_language_code", "en"),
            ("df_key_file", "/etc/key.json"),
        ]);
        let value = ENGINE.to_value(&dialogflow);
        assert_eq!(value["service_account"]["key_file"], "/etc/key.json");
        assert_eq!(value["api"], "cx");
        let mut back = HashMap::new();
        ENGINE.fill(&value, &mut back);
        assert_eq!(ENGINE.to_value(&back), value);

        let html = ENGINE.render(&back);
        assert!(
            html.contains("<option value='dialogflow' selected>"),
            "{html}"
        );
        assert!(html.contains("data-choice='watson' hidden>"), "{html}");
        assert!(html.contains("name=df_agent_id value='ag'"), "{html}");
    }

    #[test]
    fn an_api_key_login_maps_its_fields_to_the_config_keys() {
        let f = form(&[
            ("login_type", "api_key"),
            ("key_username", "bot"),
            ("app_key", "ak"),
            ("app_secret", "s"),
            ("access_token", "t"),
            ("token_secret", "ts"),
            ("password", "not sent"),
        ]);
        assert_eq!(
            LOGIN.to_value(&f),
            json!({"type": "api_key", "username": "bot", "app_key": "ak", "app_secret": "s",
                "token": "t", "token_secret": "ts"})
        );
        let no_choice = form(&[("username", "u"), ("password", "p")]);
        assert_eq!(
            LOGIN.to_value(&no_choice),
            json!({"type": "password", "username": "u", "password": "p"})
        );
    }
}
