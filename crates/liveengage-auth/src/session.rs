//! A logged-in session: the bearer for the socket, csrf and cookie for refresh.

use std::time::Duration;

use connector_core::Secret;
use tokio::time::Instant;
use url::Url;

/// What a login gives. `Debug` hides the bearer, csrf and cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) account_id: String,
    pub(crate) bearer: Secret,
    pub(crate) csrf: Option<Secret>,
    pub(crate) cookie: Option<Secret>,
    pub(crate) user_id: String,
    pub(crate) user_pid: Option<String>,
    pub(crate) generation: u64,
    pub(crate) ttl: Option<Duration>,
    pub(crate) refreshed_at: Instant,
    pub(crate) agent_vep: Option<Url>,
}

impl Session {
    /// The bearer token (WebSocket path, `Authorization: Bearer`).
    #[must_use]
    pub fn bearer(&self) -> &Secret {
        &self.bearer
    }

    /// The csrf token of the login answer, needed for refresh and logout.
    #[must_use]
    pub fn csrf(&self) -> Option<&Secret> {
        self.csrf.as_ref()
    }

    /// The value of the `Session_id` cookie set by the login answer.
    #[must_use]
    pub fn session_cookie(&self) -> Option<&Secret> {
        self.cookie.as_ref()
    }

    /// The bot's legacy user id (`config.userId`).
    #[must_use]
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The bot's participant id (`config.userPid`), unknown for a fixed bearer.
    #[must_use]
    pub fn user_pid(&self) -> Option<&str> {
        self.user_pid.as_deref()
    }

    /// The "old agent id" `{accountId}.{userId}` used in UMS requests.
    #[must_use]
    pub fn agent_id(&self) -> String {
        format!("{}.{}", self.account_id, self.user_id)
    }

    /// The account.
    #[must_use]
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Counts logins: a new bearer has a higher generation.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// When the session runs out unless refreshed (login `sessionTTl`,
    /// counted from the login or the last refresh), if the server said.
    #[must_use]
    pub fn expires_at(&self) -> Option<Instant> {
        self.ttl.map(|ttl| self.refreshed_at + ttl)
    }

    /// Whether the session can be refreshed (the login answer had a csrf and
    /// set the cookie).
    #[must_use]
    pub fn is_refreshable(&self) -> bool {
        self.csrf.is_some() && self.cookie.is_some() && self.agent_vep.is_some()
    }
}

/// The `Session_id` value among `Set-Cookie` headers.
pub(crate) fn session_cookie<'a>(set_cookies: impl IntoIterator<Item = &'a str>) -> Option<String> {
    set_cookies.into_iter().find_map(|line| {
        let first = line.split(';').next()?.trim();
        let (name, value) = first.split_once('=')?;
        (name.trim() == "Session_id" && !value.trim().is_empty())
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let lines = [
            "other=1; Path=/",
            "Session_id=0fdb92ec-36e1; Path=/; HttpOnly",
        ];
        assert_eq!(session_cookie(lines), Some("0fdb92ec-36e1".to_owned()));
        assert_eq!(session_cookie(["Session_id=; Path=/"]), None);
        assert_eq!(session_cookie(["garbage"]), None);
    }

    #[test]
    fn debug_hides_tokens() {
        let s = Session {
            account_id: "1".into(),
            bearer: Secret::new("BEARER-x"),
            csrf: Some(Secret::new("CSRF-x")),
            cookie: Some(Secret::new("COOKIE-x")),
            user_id: "42".into(),
            user_pid: None,
            generation: 1,
            ttl: Some(Duration::from_secs(60)),
            refreshed_at: Instant::now(),
            agent_vep: None,
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("-x"), "{shown}");
        assert_eq!(s.agent_id(), "1.42");
        assert!(!s.is_refreshable());
    }
}
