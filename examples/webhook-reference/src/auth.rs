//! The token endpoint and the bearer-token check.

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::ReferenceServer;

/// The access token this server issues: a fixed prefix and the count, so a
/// test can see that a new token was fetched.
fn token(n: u32) -> String {
    format!("reference-token-{n}")
}

impl ReferenceServer {
    /// `POST /token` with a `grant_type=client_credentials` form.
    pub(crate) fn issue_token(&self, form: &[(String, String)]) -> (StatusCode, Value) {
        let get = |k: &str| {
            form.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        if get("grant_type") != Some("client_credentials") {
            return (
                StatusCode::BAD_REQUEST,
                json!({"error": "unsupported_grant_type"}),
            );
        }
        if get("client_id") != Some(&*self.client_id)
            || get("client_secret") != Some(&*self.client_secret)
        {
            return (StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
        }
        let mut state = self.lock();
        state.tokens_issued += 1;
        (
            StatusCode::OK,
            json!({"access_token": token(state.tokens_issued), "token_type": "Bearer", "expires_in": 3600}),
        )
    }

    /// The reference service's checks: no `Authorization` header → 403, no
    /// token → 401, a token this server did not issue → 401.
    pub(crate) fn check_auth(&self, headers: &HeaderMap) -> Result<(), (StatusCode, Value)> {
        let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
            return Err((
                StatusCode::FORBIDDEN,
                json!({"message": "Missing Authorization header"}),
            ));
        };
        let bearer = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        if bearer.is_empty() {
            return Err((
                StatusCode::UNAUTHORIZED,
                json!({"message": "Missing token"}),
            ));
        }
        let issued = self.lock().tokens_issued;
        let valid = bearer
            .strip_prefix("reference-token-")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 1 && n <= issued);
        if valid {
            Ok(())
        } else {
            Err((
                StatusCode::UNAUTHORIZED,
                json!({"message": "Unable to verify the validity of your request"}),
            ))
        }
    }
}
