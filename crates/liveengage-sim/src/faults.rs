//! Fault injection, from tests ([`Faults`]) and from the admin endpoint
//! (`POST /sim/admin/faults` with a [`FaultCommand`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::state::{Inner, Out, Who};

/// A failure rule for one request type.
#[derive(Debug, Clone)]
struct FailRule {
    code: u16,
    remaining: Option<u32>,
}

/// The switches that stay on until cleared.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultSettings {
    fail_requests: HashMap<String, FailRule>,
    fail_logins: Option<FailRule>,
    http: Vec<HttpRule>,
}

/// A fault on HTTP requests whose path contains `path`.
#[derive(Debug, Clone)]
struct HttpRule {
    path: String,
    method: Option<String>,
    effect: HttpFault,
    remaining: Option<u32>,
}

/// What an HTTP fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HttpFault {
    /// Answer with this status without handling the request.
    Fail(u16),
    /// Handle the request, then hold the answer this long (a client with a
    /// shorter timeout sees no answer although the request took effect).
    Drop(Duration),
}

fn take(rule: &mut FailRule) -> (u16, bool) {
    let exhausted = match &mut rule.remaining {
        Some(n) => {
            *n = n.saturating_sub(1);
            *n == 0
        }
        None => false,
    };
    (rule.code, exhausted)
}

impl FaultSettings {
    /// The injected code for this canonical request type, if any.
    pub(crate) fn take_failure(&mut self, canonical_type: &str) -> Option<u16> {
        let rule = self.fail_requests.get_mut(canonical_type)?;
        let (code, exhausted) = take(rule);
        if exhausted {
            self.fail_requests.remove(canonical_type);
        }
        Some(code)
    }

    /// The HTTP fault for this request, if a rule matches (and counts it).
    pub(crate) fn take_http(&mut self, method: &str, path: &str) -> Option<HttpFault> {
        let index = self.http.iter().position(|r| {
            path.contains(&r.path)
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let rule = &mut self.http[index];
        let effect = rule.effect;
        if let Some(n) = &mut rule.remaining {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.http.remove(index);
            }
        }
        Some(effect)
    }

    /// The injected login status, if any.
    pub(crate) fn take_login_failure(&mut self) -> Option<u16> {
        let rule = self.fail_logins.as_mut()?;
        let (code, exhausted) = take(rule);
        if exhausted {
            self.fail_logins = None;
        }
        Some(code)
    }
}

/// Which sockets a socket fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Sockets {
    /// Agent (bot) sockets only.
    #[default]
    Agents,
    /// Consumer sockets only.
    Consumers,
    /// Every socket.
    All,
}

/// A fault, as accepted by `POST /sim/admin/faults`, e.g.
/// `{"action":"close_sockets","code":4401}` or
/// `{"action":"fail_requests","type_name":"ms.PublishEvent","code":500,"times":1}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum FaultCommand {
    /// Drop sockets without a close frame (the client sees 1006).
    DropSockets {
        /// Which sockets.
        #[serde(default)]
        sockets: Sockets,
    },
    /// Close sockets with a close code (4401: token expired).
    CloseSockets {
        /// Close code.
        code: u16,
        /// Which sockets.
        #[serde(default)]
        sockets: Sockets,
    },
    /// Delay every UMS and HTTP answer (0 turns it off).
    DelayResponses {
        /// Milliseconds.
        millis: u64,
    },
    /// Answer a request type with an error code.
    FailRequests {
        /// With or without `.ams.` (`ms.PublishEvent`, `.ams.ms.PublishEvent`).
        type_name: String,
        /// The `code` of the answer.
        code: u16,
        /// How many times; forever when absent.
        #[serde(default)]
        times: Option<u32>,
    },
    /// Send one frame that is not JSON on the chosen sockets.
    SendMalformedFrame {
        /// Which sockets.
        #[serde(default)]
        sockets: Sockets,
    },
    /// Make logins fail with this HTTP status.
    FailLogins {
        /// HTTP status (401, 500, …).
        status: u16,
        /// How many times; forever when absent.
        #[serde(default)]
        times: Option<u32>,
    },
    /// Expire every bearer token now; open agent sockets close with 4401.
    ExpireTokens,
    /// Turn every switch off.
    Clear,
}

/// The malformed frame sent by [`Faults::send_malformed_frame`].
pub const MALFORMED_FRAME: &str = "{\"kind\":\"notification\",\"type\":";

/// Fault switches of a running emulator.
#[derive(Clone)]
pub struct Faults {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").finish_non_exhaustive()
    }
}

impl Faults {
    fn each_socket(&self, sockets: Sockets, out: &Out) -> usize {
        let core = self.inner.lock();
        let mut hit = 0;
        for conn in core.conns.values() {
            let chosen = matches!(
                (&conn.who, sockets),
                (_, Sockets::All)
                    | (Who::Agent { .. }, Sockets::Agents)
                    | (Who::Consumer { .. }, Sockets::Consumers)
            );
            if chosen && conn.tx.send(out.clone()).is_ok() {
                hit += 1;
            }
        }
        hit
    }

    /// Drops every agent socket without a close frame. Returns how many.
    pub fn drop_sockets(&self) -> usize {
        self.each_socket(Sockets::Agents, &Out::Drop)
    }

    /// Closes every agent socket with `code` (4401: token expired). Returns how many.
    pub fn close_sockets(&self, code: u16) -> usize {
        self.each_socket(Sockets::Agents, &Out::Close(code, close_reason(code)))
    }

    /// Sends one frame that is not JSON to every agent socket. Returns how many.
    pub fn send_malformed_frame(&self) -> usize {
        self.each_socket(Sockets::Agents, &Out::Text(MALFORMED_FRAME.into()))
    }

    /// Delays every answer by `delay` (`Duration::ZERO` turns it off).
    pub fn delay_responses(&self, delay: Duration) {
        self.inner.set_delay(delay);
    }

    /// Answers requests of `type_name` with `code`, `times` times (forever when `None`).
    pub fn fail_requests(&self, type_name: &str, code: u16, times: Option<u32>) {
        let key = liveengage_proto::requests::canonical_type(type_name).to_owned();
        self.inner.lock().faults.fail_requests.insert(
            key,
            FailRule {
                code,
                remaining: times,
            },
        );
    }

    /// Makes HTTP requests whose path contains `path` (and whose method is
    /// `method`, when given) fail with `status` without being handled,
    /// `times` times (forever when `None`). For the Chat Agent API, e.g.
    /// `fail_http("/events", Some("POST"), 503, Some(2))`.
    pub fn fail_http(&self, path: &str, method: Option<&str>, status: u16, times: Option<u32>) {
        self.inner.lock().faults.http.push(HttpRule {
            path: path.to_owned(),
            method: method.map(str::to_owned),
            effect: HttpFault::Fail(status),
            remaining: times,
        });
    }

    /// Handles matching HTTP requests but holds their answers for `hold`, so
    /// a client with a shorter timeout sees no answer although the request
    /// took effect: `times` times (forever when `None`).
    pub fn drop_http_answers(
        &self,
        path: &str,
        method: Option<&str>,
        hold: Duration,
        times: Option<u32>,
    ) {
        self.inner.lock().faults.http.push(HttpRule {
            path: path.to_owned(),
            method: method.map(str::to_owned),
            effect: HttpFault::Drop(hold),
            remaining: times,
        });
    }

    /// How many HTTP fault rules have not been used up yet (a test can check
    /// its faults were really hit).
    #[must_use]
    pub fn http_faults_left(&self) -> usize {
        self.inner.lock().faults.http.len()
    }

    /// Makes logins fail with `status`, `times` times (forever when `None`).
    pub fn fail_logins(&self, status: u16, times: Option<u32>) {
        self.inner.lock().faults.fail_logins = Some(FailRule {
            code: status,
            remaining: times,
        });
    }

    /// Expires every bearer token now and closes agent sockets with 4401.
    /// Returns how many sockets were closed.
    pub fn expire_tokens(&self) -> usize {
        {
            let mut core = self.inner.lock();
            let past = Instant::now();
            for session in core.sessions.values_mut() {
                session.expires_at = past;
            }
        }
        self.close_sockets(4401)
    }

    /// Turns every switch off.
    pub fn clear(&self) {
        self.inner.lock().faults = FaultSettings::default();
        self.inner.set_delay(Duration::ZERO);
    }

    /// Applies a command from the admin endpoint; returns how many sockets it hit.
    pub fn apply(&self, command: &FaultCommand) -> usize {
        match command {
            FaultCommand::DropSockets { sockets } => self.each_socket(*sockets, &Out::Drop),
            FaultCommand::CloseSockets { code, sockets } => {
                self.each_socket(*sockets, &Out::Close(*code, close_reason(*code)))
            }
            FaultCommand::DelayResponses { millis } => {
                self.delay_responses(Duration::from_millis(*millis));
                0
            }
            FaultCommand::FailRequests {
                type_name,
                code,
                times,
            } => {
                self.fail_requests(type_name, *code, *times);
                0
            }
            FaultCommand::SendMalformedFrame { sockets } => {
                self.each_socket(*sockets, &Out::Text(MALFORMED_FRAME.into()))
            }
            FaultCommand::FailLogins { status, times } => {
                self.fail_logins(*status, *times);
                0
            }
            FaultCommand::ExpireTokens => self.expire_tokens(),
            FaultCommand::Clear => {
                self.clear();
                0
            }
        }
    }
}

fn close_reason(code: u16) -> String {
    match code {
        4401 => "Token expired".into(),
        4407 => "Unauthorized".into(),
        1011 => "Internal error".into(),
        _ => "Closed by le-sim".into(),
    }
}
