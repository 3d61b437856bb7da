//! How the bot proves who it is. Secrets never show in `Debug`.

use connector_core::Secret;
use liveengage_proto::login::LoginRequest;

use crate::config::ConfigError;

/// The bot agent's credentials.
///
/// `Debug` shows the login name and the app key, never a password, secret or
/// token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// Login name and password (body `{"username","password"}`).
    UserPassword {
        /// The bot user's login name.
        username: String,
        /// Its password.
        password: Secret,
    },
    /// An API key ("Application Login"). The Login Service documents the
    /// five fields as a plain JSON body (`username`, `appKey`, `secret`,
    /// `accessToken`, `accessTokenSecret`); see
    /// [`ApiKeyLogin`](crate::ApiKeyLogin) for the OAuth 1.0 signature.
    ApiKey {
        /// The bot user's login name.
        username: String,
        /// The app key (OAuth consumer key).
        app_key: String,
        /// The app secret (OAuth consumer secret).
        app_secret: Secret,
        /// The access token (OAuth token).
        token: Secret,
        /// The access token secret (OAuth token secret).
        token_secret: Secret,
    },
    /// A bearer token obtained elsewhere: no login, no refresh, no re-login
    /// (as node-agent-sdk's `token` + `userId`).
    Bearer {
        /// The token.
        token: Secret,
        /// The bot's legacy user id (`{accountId}.{userId}` is its agent id).
        user_id: String,
    },
}

impl Credentials {
    /// Login name and password.
    #[must_use]
    pub fn user_password(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::UserPassword {
            username: username.into(),
            password: password.into(),
        }
    }

    /// An API key.
    #[must_use]
    pub fn api_key(
        username: impl Into<String>,
        app_key: impl Into<String>,
        app_secret: impl Into<Secret>,
        token: impl Into<Secret>,
        token_secret: impl Into<Secret>,
    ) -> Self {
        Self::ApiKey {
            username: username.into(),
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            token: token.into(),
            token_secret: token_secret.into(),
        }
    }

    /// A fixed bearer token.
    #[must_use]
    pub fn bearer(token: impl Into<Secret>, user_id: impl Into<String>) -> Self {
        Self::Bearer {
            token: token.into(),
            user_id: user_id.into(),
        }
    }

    /// The login name, if any (for logs).
    #[must_use]
    pub fn username(&self) -> Option<&str> {
        match self {
            Self::UserPassword { username, .. } | Self::ApiKey { username, .. } => Some(username),
            Self::Bearer { .. } => None,
        }
    }

    /// The Login Service body for these credentials (`None` for a bearer).
    pub(crate) fn login_request(&self) -> Option<LoginRequest> {
        let wire = |s: &Secret| liveengage_proto::Secret::new(s.expose());
        match self {
            Self::UserPassword { username, password } => Some(LoginRequest::UserPassword {
                username: username.clone(),
                password: wire(password),
            }),
            Self::ApiKey {
                username,
                app_key,
                app_secret,
                token,
                token_secret,
            } => Some(LoginRequest::ApiKey {
                username: username.clone(),
                app_key: app_key.clone(),
                secret: wire(app_secret),
                access_token: wire(token),
                access_token_secret: wire(token_secret),
            }),
            Self::Bearer { .. } => None,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let need = |ok: bool, field: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(ConfigError::EmptyCredential { field })
            }
        };
        match self {
            Self::UserPassword { username, password } => {
                need(!username.trim().is_empty(), "username")?;
                need(!password.is_empty(), "password")
            }
            Self::ApiKey {
                username,
                app_key,
                app_secret,
                token,
                token_secret,
            } => {
                need(!username.trim().is_empty(), "username")?;
                need(!app_key.trim().is_empty(), "app_key")?;
                need(!app_secret.is_empty(), "app_secret")?;
                need(!token.is_empty(), "token")?;
                need(!token_secret.is_empty(), "token_secret")
            }
            Self::Bearer { token, user_id } => {
                need(!token.is_empty(), "token")?;
                need(!user_id.trim().is_empty(), "user_id")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_every_secret() {
        let all = [
            Credentials::user_password("bot", "pw-SECRET-1"),
            Credentials::api_key("bot", "app", "as-SECRET-2", "tk-SECRET-3", "ts-SECRET-4"),
            Credentials::bearer("br-SECRET-5", "42"),
        ];
        let shown = format!("{all:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("bot") && shown.contains("app") && shown.contains("42"));
    }

    #[test]
    fn api_key_body_carries_the_documented_fields() {
        let body = Credentials::api_key("bot", "app", "s", "t", "ts")
            .login_request()
            .map(|r| serde_json::to_value(r).unwrap_or_default());
        assert_eq!(
            body,
            Some(serde_json::json!({
                "username": "bot", "appKey": "app", "secret": "s",
                "accessToken": "t", "accessTokenSecret": "ts"
            }))
        );
    }

    #[test]
    fn empty_fields_are_named() {
        let err = Credentials::api_key("bot", "app", "s", "", "ts").validate();
        assert_eq!(err, Err(ConfigError::EmptyCredential { field: "token" }));
        assert!(Credentials::user_password(" ", "x").validate().is_err());
        assert!(Credentials::bearer("t", "1").validate().is_ok());
    }
}
