//! Who may do what: roles, permissions and API tokens.
//!
//! As in LiveEngage, Admin and Campaign Manager may do everything; Agent and
//! Agent Manager may view, stop, edit and delete bots but not create or
//! start them; a custom role holds exactly the permissions it was given.

use std::collections::BTreeSet;

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One thing a token may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See bots, status, metrics and errors; use the tester.
    View,
    /// Add bots.
    Create,
    /// Start bots.
    Start,
    /// Stop bots.
    Stop,
    /// Change bots (and test their connection).
    Edit,
    /// Delete bots.
    Delete,
    /// Create and revoke API tokens; read the audit log.
    ManageTokens,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Self; 7] = [
        Self::View,
        Self::Create,
        Self::Start,
        Self::Stop,
        Self::Edit,
        Self::Delete,
        Self::ManageTokens,
    ];

    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Create => "create",
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Edit => "edit",
            Self::Delete => "delete",
            Self::ManageTokens => "manage_tokens",
        }
    }
}

/// A token's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    Admin,
    /// Everything.
    CampaignManager,
    /// View, stop, edit, delete.
    AgentManager,
    /// View, stop, edit, delete.
    Agent,
    /// Exactly the permissions listed on the token.
    Custom,
}

impl Role {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::CampaignManager => "campaign_manager",
            Self::AgentManager => "agent_manager",
            Self::Agent => "agent",
            Self::Custom => "custom",
        }
    }

    /// The role named `s`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Admin,
            Self::CampaignManager,
            Self::AgentManager,
            Self::Agent,
            Self::Custom,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// The permissions of a built-in role (`custom` has none of its own).
    #[must_use]
    pub fn permissions(self) -> BTreeSet<Permission> {
        use Permission::{Delete, Edit, Stop, View};
        match self {
            Self::Admin | Self::CampaignManager => Permission::ALL.into_iter().collect(),
            Self::AgentManager | Self::Agent => [View, Stop, Edit, Delete].into_iter().collect(),
            Self::Custom => BTreeSet::new(),
        }
    }
}

/// Why a caller may not create or delete a token: nobody grants (or takes
/// away) a permission they lack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Overreach {
    /// Only an Admin token creates or deletes an Admin token.
    #[error(
        "only an admin token may create or delete an admin token; ask an admin, or choose a role whose permissions this token holds"
    )]
    AdminOnly,
    /// The token would hold permissions the caller lacks.
    #[error(
        "this token lacks {}: a token can only create or delete tokens whose permissions it holds itself",
        .0.iter().map(|p| format!("`{}`", p.as_str())).collect::<Vec<_>>().join(", ")
    )]
    Lacks(Vec<Permission>),
}

/// The caller of a request, from a valid token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token id.
    pub token_id: String,
    /// The token's name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// What it may do.
    pub permissions: BTreeSet<Permission>,
}

impl Caller {
    /// A caller with `role` (and, for custom roles, `custom` permissions).
    #[must_use]
    pub fn new(token_id: &str, name: &str, role: Role, custom: &[Permission]) -> Self {
        let permissions = if role == Role::Custom {
            custom.iter().copied().collect()
        } else {
            role.permissions()
        };
        Self {
            token_id: token_id.to_owned(),
            name: name.to_owned(),
            role,
            permissions,
        }
    }

    /// Whether the caller may do `permission`.
    #[must_use]
    pub fn may(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// Whether the caller may create (or delete) a token of `role` with, for
    /// a custom role, the `custom` permissions: only when the caller holds
    /// every one of them, and only an Admin for an Admin token (Admin is
    /// everything, present and future).
    ///
    /// # Errors
    ///
    /// [`Overreach`] naming what the caller lacks.
    pub fn may_manage(&self, role: Role, custom: &[Permission]) -> Result<(), Overreach> {
        if role == Role::Admin && self.role != Role::Admin {
            return Err(Overreach::AdminOnly);
        }
        let wanted = Self::new("", "", role, custom).permissions;
        let missing: Vec<Permission> = wanted.difference(&self.permissions).copied().collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Overreach::Lacks(missing))
        }
    }

    /// `name (id)`, for the audit log.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.token_id)
    }
}

/// The SHA-256 of a token, hex: what the database stores.
#[must_use]
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token (`bc_` and 40 letters and digits).
#[must_use]
pub fn generate_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let body: String = (0..40)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("bc_{body}")
}

/// Whether a request is authenticated by the dashboard's cookie rather than
/// by `Authorization: Bearer`: the same choice as the token lookup in
/// `state.rs` (a `Bearer` header wins; otherwise the `bc_token` cookie).
/// Such requests are sent by browsers on their own, so state-changing ones
/// must prove they come from the dashboard's pages ([`same_origin`]).
#[must_use]
pub fn authenticates_by_cookie(headers: &axum::http::HeaderMap) -> bool {
    use axum::http::header::{AUTHORIZATION, COOKIE};
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if bearer {
        return false;
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| {
            c.trim()
                .strip_prefix(crate::state::TOKEN_COOKIE)
                .is_some_and(|rest| rest.starts_with('='))
        })
}

/// Whether a browser request comes from this server's own pages:
/// `Sec-Fetch-Site` is `same-origin` (or `none`: the user typed it), or,
/// from a browser that does not send it, `Origin` is this `Host` over http
/// or https. A request with neither header is refused (every browser sends
/// one of them on a POST; other clients use a bearer token).
#[must_use]
pub fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    use axum::http::header::{HOST, ORIGIN};
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let (Some(origin), Some(host)) = (
        headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let host = host.trim();
    !host.is_empty()
        && (origin.strip_prefix("http://") == Some(host)
            || origin.strip_prefix("https://") == Some(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_may_stop_edit_delete_but_not_create_or_start() {
        for role in [Role::Agent, Role::AgentManager] {
            let c = Caller::new("t", "n", role, &[Permission::Create]);
            assert!(
                c.may(Permission::Stop) && c.may(Permission::Edit) && c.may(Permission::Delete)
            );
            assert!(!c.may(Permission::Create) && !c.may(Permission::Start));
        }
        let custom = Caller::new("t", "n", Role::Custom, &[Permission::Start]);
        assert_eq!(custom.permissions.len(), 1);
        assert!(custom.may(Permission::Start) && !custom.may(Permission::View));
        assert_eq!(hash_token("abc").len(), 64);
        assert_ne!(generate_token(), generate_token());
    }

    #[test]
    fn nobody_grants_a_permission_they_lack() {
        use Permission::{Create, ManageTokens, Start, View};
        let manager = Caller::new("t", "n", Role::Custom, &[ManageTokens]);
        assert_eq!(
            manager.may_manage(Role::Admin, &[]),
            Err(Overreach::AdminOnly)
        );
        let Err(Overreach::Lacks(missing)) = manager.may_manage(Role::Agent, &[]) else {
            panic!("an agent token holds more than manage_tokens");
        };
        assert!(missing.contains(&View) && !missing.contains(&ManageTokens));
        assert!(manager.may_manage(Role::Custom, &[ManageTokens]).is_ok());
        assert!(manager.may_manage(Role::Custom, &[Create]).is_err());
        let all = Caller::new("t", "n", Role::Custom, &Permission::ALL);
        assert_eq!(all.may_manage(Role::Admin, &[]), Err(Overreach::AdminOnly));
        assert!(all.may_manage(Role::CampaignManager, &[]).is_ok());
        let campaign = Caller::new("t", "n", Role::CampaignManager, &[]);
        assert_eq!(
            campaign.may_manage(Role::Admin, &[]),
            Err(Overreach::AdminOnly)
        );
        let admin = Caller::new("t", "n", Role::Admin, &[]);
        assert!(admin.may_manage(Role::Admin, &[]).is_ok());
        assert!(admin.may_manage(Role::Custom, &[Start]).is_ok());
        let message = manager
            .may_manage(Role::Agent, &[])
            .unwrap_err()
            .to_string();
        assert!(message.contains("`view`"), "{message}");
    }

    fn headers(pairs: &[(&str, &str)]) -> axum::http::HeaderMap {
        let mut h = axum::http::HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                axum::http::HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn the_cookie_counts_only_without_a_bearer_header() {
        assert!(authenticates_by_cookie(&headers(&[(
            "cookie",
            "a=b; bc_token=x"
        )])));
        assert!(!authenticates_by_cookie(&headers(&[(
            "cookie",
            "bc_tokenx=1"
        )])));
        assert!(!authenticates_by_cookie(&headers(&[
            ("cookie", "bc_token=x"),
            ("authorization", "Bearer y"),
        ])));
        // A header that is not a bearer falls back to the cookie, as the lookup does.
        assert!(authenticates_by_cookie(&headers(&[
            ("cookie", "bc_token=x"),
            ("authorization", "Basic y"),
        ])));
    }

    #[test]
    fn only_the_servers_own_origin_is_same_origin() {
        let host = ("host", "127.0.0.1:8080");
        assert!(same_origin(&headers(&[
            host,
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(same_origin(&headers(&[
            host,
            ("origin", "https://127.0.0.1:8080")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "http://evil.example")
        ])));
        assert!(!same_origin(&headers(&[host, ("origin", "null")])));
        assert!(!same_origin(&headers(&[host])));
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site"),
        ])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
    }
}
