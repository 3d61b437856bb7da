//! The wizard's engine choices: one table of form fields per engine type.

use super::choices::{Choice, Field, Group, Kind};

/// The AI engine.
pub const ENGINE: Group = Group {
    select: "engine_type",
    legend: "Engine",
    choices: &[
        Choice {
            tag: "script",
            title: "Script (local rules, no cloud)",
            fields: &[Field(
                "script",
                "source",
                "Script (engine-script TOML)",
                Kind::Area,
            )],
        },
        Choice {
            tag: "watson",
            title: "IBM Watson Assistant",
            fields: &[
                Field("watson_api", "api", "API", Kind::Choice(&["v2", "v1"])),
                Field("watson_url", "url", "Service instance URL", Kind::Text),
                Field(
                    "watson_assistant_id",
                    "assistant_id",
                    "Assistant id (v2)",
                    Kind::Text,
                ),
                Field(
                    "watson_workspace_id",
                    "workspace_id",
                    "Workspace id (v1)",
                    Kind::Text,
                ),
                Field(
                    "watson_version",
                    "version",
                    "Version date YYYY-MM-DD (empty: default)",
                    Kind::Text,
                ),
                Field(
                    "watson_stateless",
                    "stateless",
                    "Stateless (v2)",
                    Kind::Check,
                ),
                Field(
                    "watson_auth",
                    "auth.type",
                    "Authentication",
                    Kind::Choice(&["iam", "apikey", "basic", "bearer"]),
                ),
                Field(
                    "watson_apikey",
                    "auth.apikey",
                    "API key (iam, apikey)",
                    Kind::Secret,
                ),
                Field(
                    "watson_iam_url",
                    "auth.iam_url",
                    "IAM token URL (iam; empty: IBM Cloud's)",
                    Kind::Text,
                ),
                Field(
                    "watson_username",
                    "auth.username",
                    "User name (basic)",
                    Kind::Text,
                ),
                Field(
                    "watson_password",
                    "auth.password",
                    "Password (basic)",
                    Kind::Secret,
                ),
                Field(
                    "watson_token",
                    "auth.token",
                    "Bearer token (bearer)",
                    Kind::Secret,
                ),
            ],
        },
        Choice {
            tag: "dialogflow",
            title: "Google Dialogflow",
            fields: &[
                Field("df_api", "api", "API", Kind::Choice(&["es", "cx", "v1"])),
                Field(
                    "df_project_id",
                    "project_id",
                    "Project id (ES, CX)",
                    Kind::Text,
                ),
                Field(
                    "df_location",
                    "location",
                    "Location (CX; ES regional agents)",
                    Kind::Text,
                ),
                Field("df_agent_id", "agent_id", "Agent id (CX)", Kind::Text),
                Field(
                    "df_environment",
                    "environment",
                    "Environment (empty: draft)",
                    Kind::Text,
                ),
                Field(
                    "df_language_code",
                    "language_code",
                    "Language code (ES, CX)",
                    Kind::Text,
                ),
                Field(
                    "df_base_url",
                    "base_url",
                    "API base URL (empty: Google's)",
                    Kind::Text,
                ),
                Field(
                    "df_key_file",
                    "service_account.key_file",
                    "Service-account key file on the server (ES, CX)",
                    Kind::Text,
                ),
                Field(
                    "df_client_email",
                    "service_account.client_email",
                    "or: service-account e-mail",
                    Kind::Text,
                ),
                Field(
                    "df_private_key",
                    "service_account.private_key",
                    "and its PEM private key",
                    Kind::Area,
                ),
                Field(
                    "df_token_url",
                    "service_account.token_url",
                    "OAuth token URL (empty: Google's)",
                    Kind::Text,
                ),
                Field(
                    "df_client_access_token",
                    "client_access_token",
                    "Client access token (V1, deprecated)",
                    Kind::Secret,
                ),
                Field("df_language", "language", "Language (V1)", Kind::Text),
                Field("df_query_url", "query_url", "Query URL (V1)", Kind::Text),
            ],
        },
        Choice {
            tag: "lex",
            title: "Amazon Lex",
            fields: &[
                Field("lex_api", "api", "API", Kind::Choice(&["v2", "v1"])),
                Field("lex_region", "region", "AWS region", Kind::Text),
                Field("lex_bot_id", "bot_id", "Bot id (V2)", Kind::Text),
                Field(
                    "lex_bot_alias_id",
                    "bot_alias_id",
                    "Bot alias id (V2)",
                    Kind::Text,
                ),
                Field("lex_locale_id", "locale_id", "Locale (V2)", Kind::Text),
                Field("lex_bot_name", "bot_name", "Bot name (V1)", Kind::Text),
                Field("lex_bot_alias", "bot_alias", "Bot alias (V1)", Kind::Text),
                Field(
                    "lex_access_key_id",
                    "credentials.access_key_id",
                    "Access key id (empty: the AWS default chain, if built in)",
                    Kind::Text,
                ),
                Field(
                    "lex_secret_access_key",
                    "credentials.secret_access_key",
                    "Secret access key",
                    Kind::Secret,
                ),
                Field(
                    "lex_session_token",
                    "credentials.session_token",
                    "Session token (temporary keys)",
                    Kind::Secret,
                ),
                Field(
                    "lex_base_url",
                    "base_url",
                    "Runtime endpoint (empty: AWS's)",
                    Kind::Text,
                ),
                Field(
                    "lex_welcome_text",
                    "welcome_text",
                    "Welcome text (empty: WELCOME-INTENT)",
                    Kind::Text,
                ),
            ],
        },
        Choice {
            tag: "webhook",
            title: "Custom Endpoint (your bot service over HTTP)",
            fields: &[
                Field("ce_base_url", "base_url", "Base URL", Kind::Text),
                Field("ce_bot_id", "bot_id", "Bot id", Kind::Text),
                Field(
                    "ce_environment",
                    "environment",
                    "Environment (empty: draft)",
                    Kind::Text,
                ),
                Field("ce_token_url", "token_url", "OAuth2 token URL", Kind::Text),
                Field("ce_client_id", "client_id", "Client id", Kind::Text),
                Field(
                    "ce_client_secret",
                    "client_secret",
                    "Client secret (or ${ENV_VAR})",
                    Kind::Secret,
                ),
                Field(
                    "ce_request_timeout_secs",
                    "request_timeout_secs",
                    "Timeout per call in seconds (empty: 60)",
                    Kind::Number,
                ),
                Field(
                    "ce_max_attempts",
                    "max_attempts",
                    "Attempts per call (empty: 3)",
                    Kind::Number,
                ),
            ],
        },
    ],
};

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::super::choices::tests::form;
    use super::*;

    #[test]
    fn a_lex_bot_maps_its_fields_and_keys_to_the_config() {
        let f = form(&[
            ("engine_type", "lex"),
            ("lex_api", "v2"),
            ("lex_region", "eu-west-1"),
            ("lex_bot_id", "ABCDEFGHIJ"),
            ("lex_bot_alias_id", "TSTALIASID"),
            ("lex_locale_id", "en_US"),
            ("lex_access_key_id", "AKID"),
            ("lex_secret_access_key", "sk"),
            ("lex_bot_name", ""),
        ]);
        let value = ENGINE.to_value(&f);
        assert_eq!(
            value,
            json!({"type": "lex", "api": "v2", "region": "eu-west-1", "bot_id": "ABCDEFGHIJ",
                "bot_alias_id": "TSTALIASID", "locale_id": "en_US",
                "credentials": {"access_key_id": "AKID", "secret_access_key": "sk"}})
        );
        let mut back = HashMap::new();
        ENGINE.fill(&value, &mut back);
        assert_eq!(ENGINE.to_value(&back), value);
    }

    #[test]
    fn a_webhook_bot_sends_numbers_as_numbers() {
        let f = form(&[
            ("engine_type", "webhook"),
            ("ce_base_url", "https://bot.example/api"),
            ("ce_bot_id", "b-1"),
            ("ce_token_url", "https://auth.example/token"),
            ("ce_client_id", "c"),
            ("ce_client_secret", "${CE_SECRET}"),
            ("ce_max_attempts", "4"),
            ("ce_request_timeout_secs", "ten"),
        ]);
        let value = ENGINE.to_value(&f);
        assert_eq!(value["max_attempts"], 4);
        // Not a number: kept as text for the definition's check to name.
        assert_eq!(value["request_timeout_secs"], "ten");
        assert_eq!(value["client_secret"], "${CE_SECRET}");
        let mut back = HashMap::new();
        ENGINE.fill(&value, &mut back);
        assert_eq!(back["ce_max_attempts"], "4");
        assert_eq!(ENGINE.to_value(&back), value);
        let html = ENGINE.render(&back);
        assert!(
            html.contains("<input type=number min=0 name=ce_max_attempts value='4'>"),
            "{html}"
        );
        assert!(
            html.contains("<option value='lex'>Amazon Lex</option>"),
            "{html}"
        );
    }
}
