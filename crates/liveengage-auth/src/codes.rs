//! Stable error codes of this crate, for operators and dashboards.

use connector_core::ErrorCode;

/// Domain discovery (CSDS) failed.
pub const CSDS: ErrorCode = ErrorCode::from_static("auth.csds");
/// Login failed.
pub const LOGIN: ErrorCode = ErrorCode::from_static("auth.login");
/// Session refresh failed.
pub const REFRESH: ErrorCode = ErrorCode::from_static("auth.refresh");
/// Logout failed.
pub const LOGOUT: ErrorCode = ErrorCode::from_static("auth.logout");
/// The configuration is invalid.
pub const CONFIG: ErrorCode = ErrorCode::from_static("auth.config");
/// The authenticator was shut down.
pub const STOPPED: ErrorCode = ErrorCode::from_static("auth.stopped");
