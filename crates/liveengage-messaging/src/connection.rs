//! The connection task: connect, subscribe, read, keep alive, reconnect.

use std::sync::Arc;
use std::time::Duration;

use connector_core::{ChannelEvent, ChannelStatus, EventKind, InboundEvent, panic_message};
use futures::{FutureExt, SinkExt, StreamExt};
use liveengage_proto::enums::{ChangeType, ConvState, RingState, Role};
use liveengage_proto::notifications::Participants;
use liveengage_proto::notifications::{ExConversation, RoutingTaskNotification};
use liveengage_proto::{EventRecord, Frame, UmsNotification};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::codes;
use crate::inner::Inner;
use crate::mapping;
use crate::socket::{Outgoing, Socket};
use crate::state::Conversation;

/// Close codes after which LivePerson says to log in again.
const AUTH_CLOSE_CODES: [u16; 3] = [4401, 4407, 1011];

/// Runs [`run`] until shutdown, starting it again (after the first
/// reconnect wait) should it ever die: a transport never stops silently.
pub(crate) async fn supervise(inner: Arc<Inner>) {
    loop {
        match tokio::spawn(run(Arc::clone(&inner))).await {
            Err(err) if err.is_panic() && !inner.is_shut_down() => {
                failed(
                    &inner,
                    "the connection loop",
                    panic_message(err.into_panic().as_ref()),
                );
                tokio::select! {
                    () = inner.shutdown.notified() => break,
                    () = tokio::time::sleep(inner.config.reconnect_delay(0)) => {}
                }
            }
            _ => break,
        }
    }
    inner.close_events();
}

/// Runs until shutdown: one connection after another. A panic while a
/// connection runs (in the transport, or in a callback it calls) is caught
/// here: the bot is put in Service Interruption with
/// [`codes::TRANSPORT_FAILURE`] and the connection is replaced, as after a
/// lost socket.
pub(crate) async fn run(inner: Arc<Inner>) {
    let mut attempt = 0u32;
    let mut relogin = false;
    let mut epoch = 0u64;
    while !inner.is_shut_down() {
        epoch += 1;
        let ended = std::panic::AssertUnwindSafe(connect_once(&inner, relogin, epoch))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| {
                failed(&inner, "the connection", panic_message(panic.as_ref()));
                // Whatever the connection held is released: pending
                // requests fail now instead of at their timeouts.
                if let Some(socket) = inner.socket() {
                    inner.set_socket(None);
                    socket.fail_pending();
                    socket.close();
                }
                Ended::Lost {
                    relogin: false,
                    connected: false,
                }
            });
        match ended {
            Ended::Shutdown => break,
            Ended::Lost {
                relogin: r,
                connected,
            } => {
                relogin = r;
                if connected {
                    attempt = 0;
                }
            }
        }
        let delay = inner.config.reconnect_delay(attempt);
        attempt = attempt.saturating_add(1);
        tracing::info!(?delay, relogin, "reconnecting to LiveEngage");
        tokio::select! {
            () = inner.shutdown.notified() => break,
            () = tokio::time::sleep(delay) => {}
        }
    }
}

enum Ended {
    Shutdown,
    Lost { relogin: bool, connected: bool },
}

fn interrupted(inner: &Inner, message: String) {
    inner.emit(ChannelEvent::Status(ChannelStatus::Interrupted {
        code: codes::CONNECTION,
        message,
    }));
}

/// Reports a failed task of the transport.
fn failed(inner: &Inner, task: &str, why: String) {
    tracing::error!(bot_id = %inner.config.bot_id, "{task} failed: {why}; reconnecting");
    inner.emit(ChannelEvent::Status(ChannelStatus::Interrupted {
        code: codes::TRANSPORT_FAILURE,
        message: format!("{task} failed ({why}); the connection is being replaced"),
    }));
}

/// Spawns a task of the connection; if it panics, the failure is reported
/// and the socket closed, so the connection is replaced (and, for example,
/// a conversation whose history load died is loaded again).
fn spawn_supervised<F>(inner: &Arc<Inner>, socket: &Socket, task: &'static str, future: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let (inner, socket) = (Arc::clone(inner), socket.clone());
    tokio::spawn(async move {
        if let Err(panic) = std::panic::AssertUnwindSafe(future).catch_unwind().await {
            failed(&inner, task, panic_message(panic.as_ref()));
            socket.close();
        }
    });
}

async fn connect_once(inner: &Arc<Inner>, relogin: bool, epoch: u64) -> Ended {
    let login = match inner.auth.login(relogin).await {
        Ok(login) => login,
        Err(err) => {
            inner.emit(ChannelEvent::Status(ChannelStatus::Interrupted {
                code: codes::LOGIN,
                message: format!("login failed: {err}"),
            }));
            return Ended::Lost {
                relogin: !err.transient,
                connected: false,
            };
        }
    };
    inner.set_user_id(&login.user_id);
    let url = match inner.socket_url(login.bearer.expose()) {
        Ok(url) => url,
        Err(err) => {
            interrupted(inner, err);
            return Ended::Lost {
                relogin: false,
                connected: false,
            };
        }
    };
    // The configured trust and the workspace's one crypto provider, never
    // a process-wide default that may not exist.
    let tls = tokio_tungstenite::Connector::Rustls(inner.config.trust.client_config());
    let stream = match tokio_tungstenite::connect_async_tls_with_config(
        url.as_str(),
        Some(socket_config()),
        true,
        Some(tls),
    )
    .await
    {
        Ok((stream, _)) => stream,
        Err(err) => {
            let unauthorized =
                matches!(&err, tokio_tungstenite::tungstenite::Error::Http(r) if r.status() == 401);
            interrupted(
                inner,
                format!(
                    "socket connection failed: {}",
                    redact(&err.to_string(), login.bearer.expose())
                ),
            );
            return Ended::Lost {
                relogin: unauthorized,
                connected: false,
            };
        }
    };
    let (mut sink, mut source) = stream.split();
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Outgoing>();
    let socket = Socket::new(out_tx, epoch);
    let observer = inner.config.turn_observer.clone();
    let mut writer = tokio::spawn(async move {
        let mut turns = Vec::new();
        while let Some(first) = out_rx.recv().await {
            // Frames queued meanwhile leave in the same write (one system
            // call for many frames under load).
            let mut next = Some(first);
            let mut closing = false;
            let mut ok = true;
            let mut batch = 0;
            while let Some(Outgoing { message, turn }) = next.take() {
                closing = matches!(message, Message::Close(_));
                turns.extend(turn);
                ok = sink.feed(message).await.is_ok();
                batch += 1;
                if ok && !closing && batch < WRITE_BATCH {
                    next = out_rx.try_recv().ok();
                }
            }
            if !ok || sink.flush().await.is_err() || closing {
                break;
            }
            // The answers are on their way: their turns are done.
            if let Some(observer) = observer.as_ref().filter(|_| !turns.is_empty()) {
                let now = Instant::now();
                for turn in turns.drain(..) {
                    observer.observe(now.saturating_duration_since(turn));
                }
            }
        }
        let _ = sink.close().await;
    });
    inner.set_socket(Some(socket.clone()));
    let startup = tokio::spawn(
        std::panic::AssertUnwindSafe(start_session(Arc::clone(inner), socket.clone()))
            .catch_unwind(),
    );
    let keepalive = tokio::spawn(
        std::panic::AssertUnwindSafe(keep_alive(Arc::clone(inner), socket.clone())).catch_unwind(),
    );
    let (mut startup, mut keepalive) = (Some(startup), Some(keepalive));

    let mut result = Ended::Lost {
        relogin: false,
        connected: true,
    };
    loop {
        let next = tokio::select! {
            () = inner.shutdown.notified() => { result = Ended::Shutdown; break; }
            next = tokio::time::timeout(inner.config.silence_timeout, source.next()) => next,
            // The writer only ends when the socket is closing or broken (or
            // it panicked): the connection is done either way.
            ended = &mut writer => {
                match ended {
                    Err(err) if err.is_panic() => failed(inner, "the socket writer", panic_message(err.into_panic().as_ref())),
                    _ => interrupted(inner, "the socket could not be written".into()),
                }
                break;
            }
            Some(Ok(Err(panic))) = maybe(&mut startup) => {
                failed(inner, "the session start", panic_message(panic.as_ref()));
                break;
            }
            Some(Ok(Err(panic))) = maybe(&mut keepalive) => {
                failed(inner, "the keep-alive", panic_message(panic.as_ref()));
                break;
            }
        };
        let message = match next {
            Err(_) => {
                tracing::warn!("socket silent for too long; treating it as dead");
                interrupted(inner, "the socket went silent".into());
                break;
            }
            Ok(None) => {
                interrupted(inner, "the socket closed".into());
                break;
            }
            Ok(Some(Err(err))) => {
                interrupted(inner, format!("socket error: {err}"));
                break;
            }
            Ok(Some(Ok(message))) => message,
        };
        match message {
            Message::Text(text) => handle_frame(inner, &socket, text.as_str()),
            Message::Close(frame) => {
                let code = frame.as_ref().map_or(1005, |f| u16::from(f.code));
                let relogin = AUTH_CLOSE_CODES.contains(&code)
                    || frame.as_ref().is_some_and(|f| f.code == CloseCode::Policy);
                interrupted(inner, format!("the socket was closed with code {code}"));
                result = Ended::Lost {
                    relogin,
                    connected: true,
                };
                break;
            }
            _ => {}
        }
    }
    inner.set_socket(None);
    socket.fail_pending();
    socket.close();
    for task in [startup, keepalive].into_iter().flatten() {
        task.abort();
    }
    if !writer.is_finished() {
        let _ = tokio::time::timeout(Duration::from_secs(1), writer).await;
    }
    result
}

/// A side task's end, once: after it ended the slot is empty and waiting on
/// it never completes (so a task that finished normally is not polled again).
async fn maybe<T>(
    slot: &mut Option<tokio::task::JoinHandle<T>>,
) -> Option<Result<T, tokio::task::JoinError>> {
    match slot {
        Some(handle) => {
            let ended = handle.await;
            *slot = None;
            Some(ended)
        }
        None => std::future::pending().await,
    }
}

/// At most this many queued frames go out in one write.
const WRITE_BATCH: usize = 64;

/// The socket's buffers. tungstenite zero-fills its whole read buffer
/// (128 KiB by default) before every read; UMS frames are a few KiB, so a
/// 16 KiB read size saves that fill on every frame (a larger frame still
/// arrives whole: the buffer grows to its announced length).
fn socket_config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(16 * 1024)
}

fn redact(text: &str, bearer: &str) -> String {
    if bearer.is_empty() {
        text.to_owned()
    } else {
        text.replace(bearer, "***")
    }
}

/// Agent state, subscriptions; then the channel is connected.
async fn start_session(inner: Arc<Inner>, socket: Socket) {
    let me = inner.my_id();
    let timeout = inner.config.request_timeout;
    let account = inner.config.account_id.clone();
    let requests = [
        (
            ".ams.routing.SetAgentState",
            json!({"availability": "ONLINE", "channels": ["MESSAGING"], "agentUserId": me}),
        ),
        (
            ".ams.routing.SubscribeRoutingTasks",
            json!({"channelType": "MESSAGING", "agentId": me, "brandId": account}),
        ),
        // Last: its first notification is the snapshot of the bot's open
        // conversations, which completes the session (see `reconcile`).
        (
            ".ams.aam.SubscribeExConversations",
            json!({"agentIds": [me], "convState": ["OPEN"]}),
        ),
    ];
    for (type_name, body) in requests {
        if type_name.ends_with("SubscribeExConversations") {
            inner.expect_snapshot(socket.epoch);
        }
        if let Err(err) = socket.request(type_name, body, None, timeout).await {
            tracing::warn!("{type_name} failed: {err}; reconnecting");
            socket.close();
            return;
        }
    }
}

/// Pings and `GetClock`; a failed `GetClock` closes the socket.
async fn keep_alive(inner: Arc<Inner>, socket: Socket) {
    loop {
        tokio::time::sleep(inner.config.keepalive_interval).await;
        socket.ping();
        if let Err(err) = socket
            .request(".GetClock", json!({}), None, inner.config.request_timeout)
            .await
        {
            tracing::warn!("keep-alive failed: {err}; reconnecting");
            socket.close();
            return;
        }
    }
}

fn handle_frame(inner: &Arc<Inner>, socket: &Socket, text: &str) {
    // Only timed when someone listens.
    let read_at = inner.config.turn_observer.is_some().then(Instant::now);
    let frame = match Frame::decode(text) {
        Ok(frame) => frame,
        Err(err) => {
            tracing::warn!("malformed frame skipped: {err}");
            return;
        }
    };
    match frame {
        Frame::Resp(response) => socket.resolve(response),
        // The bot's own messages and receipts come back as records too; they
        // change nothing, so they are not decoded.
        Frame::Notification(notification) if mapping::is_echo(&notification) => {}
        Frame::Notification(notification) => match UmsNotification::decode(&notification) {
            Ok(UmsNotification::RoutingTask(rings)) => accept_rings(inner, socket, &rings),
            Ok(UmsNotification::ExConversationChange(changes)) => {
                let snapshot = inner.take_snapshot(socket.epoch);
                if snapshot {
                    reconcile(inner, &changes.changes);
                }
                for change in changes.changes {
                    if let Some(conversation) = change.result {
                        conversation_changed(inner, socket, change.change, conversation);
                    }
                }
                if snapshot {
                    inner.set_ready(socket.clone());
                    inner.emit(ChannelEvent::Status(ChannelStatus::Connected));
                }
            }
            Ok(UmsNotification::OnlineEventDistribution(record)) => {
                // The body as LiveEngage sent it becomes the engine's `lpEvent`.
                live_record(inner, socket, *record, notification.body, read_at)
            }
            Ok(_) => {}
            Err(err) => tracing::warn!("notification skipped: {err}"),
        },
        _ => {}
    }
}

/// The first conversation notification after subscribing lists every open
/// conversation the bot holds: any other one it remembers ended (closed or
/// transferred away) while it was disconnected.
fn reconcile(
    inner: &Arc<Inner>,
    changes: &[liveengage_proto::notifications::Change<ExConversation>],
) {
    let me = inner.my_id();
    let present: std::collections::HashSet<String> = changes
        .iter()
        .filter(|c| c.change == ChangeType::Upsert)
        .filter_map(|c| c.result.as_ref())
        .filter(|c| i_am_assigned(c, &me))
        .map(|c| c.conv_id.0.clone())
        .collect();
    let gone: Vec<String> = inner.with_conversations(|map| {
        map.keys()
            .filter(|id| !present.contains(*id))
            .cloned()
            .collect()
    });
    for id in gone {
        if inner.forget(&id) {
            tracing::info!(conversation_id = %id, "conversation ended while disconnected");
            let ctx = mapping::context(&inner.config, &id, None, None, None, None);
            inner.emit(ChannelEvent::Inbound(Box::new(InboundEvent::new(
                ctx,
                EventKind::ConversationClosed,
            ))));
        }
    }
}

fn accept_rings(inner: &Arc<Inner>, socket: &Socket, rings: &RoutingTaskNotification) {
    for change in &rings.changes {
        let Some(task) = &change.result else { continue };
        for ring in task
            .rings_details
            .iter()
            .filter(|r| r.ring_state == RingState::Waiting)
        {
            let body = json!({"ringId": ring.ring_id, "ringState": "ACCEPTED"});
            let (socket, timeout) = (socket.clone(), inner.config.request_timeout);
            spawn_supervised(inner, &socket.clone(), "accepting a ring", async move {
                if let Err(err) = socket
                    .request(".ams.routing.UpdateRingState", body, None, timeout)
                    .await
                {
                    tracing::warn!("ring not accepted: {err}");
                }
            });
        }
    }
}

fn i_am_assigned(conversation: &ExConversation, me: &str) -> bool {
    match &conversation.conversation_details.participants {
        Some(Participants::ByRole(map)) => map
            .get(&Role::AssignedAgent)
            .is_some_and(|ids| ids.iter().any(|id| id == me)),
        Some(Participants::List(list)) => list
            .iter()
            .any(|p| p.role == Role::AssignedAgent && p.id == me),
        _ => false,
    }
}

fn conversation_changed(
    inner: &Arc<Inner>,
    socket: &Socket,
    change: ChangeType,
    conversation: ExConversation,
) {
    let id = conversation.conv_id.0.clone();
    let details = Some(&conversation.conversation_details);
    let open = conversation.conversation_details.state != Some(ConvState::Close);
    let mine = i_am_assigned(&conversation, &inner.my_id());
    if change == ChangeType::Delete || !open || !mine {
        if inner.forget(&id) {
            tracing::info!(conversation_id = %id, "conversation left the bot");
            let ctx = mapping::context(&inner.config, &id, None, None, None, None);
            inner.emit(ChannelEvent::Inbound(Box::new(InboundEvent::new(
                ctx,
                EventKind::ConversationClosed,
            ))));
        }
        return;
    }
    let (is_new, needs_sync) = inner.with_conversations(|map| {
        let is_new = !map.contains_key(&id);
        let entry = map.entry(id.clone()).or_insert_with(|| Conversation {
            skill_id: details
                .and_then(|d| d.skill_id.as_ref())
                .map(|s| s.0.clone()),
            consumer_id: details.and_then(consumer_of),
            ..Conversation::default()
        });
        if let Some(skill) = details.and_then(|d| d.skill_id.as_ref()) {
            entry.skill_id = Some(skill.0.clone());
        }
        (is_new, !entry.is_synced(socket.epoch))
    });
    if needs_sync {
        spawn_supervised(
            inner,
            socket,
            "loading a conversation's history",
            sync_history(Arc::clone(inner), socket.clone(), id, is_new),
        );
    }
}

fn consumer_of(details: &liveengage_proto::notifications::ConversationDetails) -> Option<String> {
    match &details.participants {
        Some(Participants::ByRole(map)) => map
            .get(&Role::Consumer)
            .and_then(|ids| ids.first().cloned()),
        Some(Participants::List(list)) => list
            .iter()
            .find(|p| p.role == Role::Consumer)
            .map(|p| p.id.clone()),
        _ => None,
    }
}

/// Loads the conversation's history and delivers every consumer message not
/// delivered yet (all of them for a new conversation, none but the welcome's
/// last message for a conversation transferred to the bot), then the live
/// records buffered meanwhile.
async fn sync_history(inner: Arc<Inner>, socket: Socket, id: String, is_new: bool) {
    // A conversation the bot already held (a reconnect) needs only what came
    // after the last consumer message it delivered: asking from that
    // sequence keeps a reconnect with many long conversations from loading
    // every transcript again. Whether the server reads `fromSeq` as
    // inclusive or `newerThanSequence` as exclusive, nothing newer is
    // missed, and a record seen twice is delivered once.
    let from = if is_new {
        0
    } else {
        inner.last_delivered(&id).max(0)
    };
    let body = json!({"dialogId": id, "fromSeq": from, "newerThanSequence": from});
    let response = match socket
        .request(
            ".ams.ms.QueryMessages",
            body,
            None,
            inner.config.request_timeout,
        )
        .await
    {
        Ok(response) => response,
        Err(err) => {
            tracing::warn!(conversation_id = %id, "history not loaded: {err}; reconnecting");
            socket.close();
            return;
        }
    };
    let mut records: Vec<EventRecord> = match response.body {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    };
    records.sort_by_key(|r| r.sequence.unwrap_or(i64::MAX));
    let me = inner.my_id();
    let last_by = |mine: bool| {
        records
            .iter()
            .filter(|r| {
                !mapping::from_consumer(r)
                    && r.event.is_sequenced()
                    && !matches!(r.event, liveengage_proto::Event::AcceptStatus(_))
            })
            .filter(|r| (r.originator_id.as_deref() == Some(me.as_str())) == mine)
            .filter_map(|r| r.sequence)
            .max()
    };
    // How the bot came to hold a conversation it did not know:
    // - it answered in it before (a restart): only the consumer messages after
    //   its last reply are unanswered; no welcome again;
    // - another agent answered in it: a transfer to the bot; the consumer's
    //   last message goes with the welcome event and nothing older is replayed;
    // - nobody answered yet: a new conversation; every consumer message counts.
    // LivePerson does not document this; it is our reading of "welcome on
    // transferred conversations" and of picking up after a restart.
    let (welcome, transferred, answered_up_to) = if !is_new {
        (false, false, None)
    } else if let Some(mine) = last_by(true) {
        (false, false, Some(mine))
    } else if let Some(other) = last_by(false) {
        (
            true,
            true,
            Some(
                other.max(
                    records
                        .iter()
                        .filter_map(|r| r.sequence)
                        .max()
                        .unwrap_or(other),
                ),
            ),
        )
    } else {
        (true, false, None)
    };
    let mut receipts = Vec::new();
    inner.with_conversations(|map| {
        let Some(conversation) = map.get_mut(&id) else {
            return;
        };
        if welcome {
            let last_consumer_message = transferred
                .then(|| {
                    records
                        .iter()
                        .rev()
                        .filter(|r| mapping::from_consumer(r))
                        .find_map(|r| r.event.as_text().map(str::to_owned))
                })
                .flatten();
            let ctx = mapping::context(
                &inner.config,
                &id,
                conversation.skill_id.as_deref(),
                conversation.consumer_id.as_deref(),
                records.last(),
                None,
            );
            inner.emit(ChannelEvent::Inbound(Box::new(InboundEvent::new(
                ctx,
                EventKind::ConversationStarted {
                    transferred,
                    last_consumer_message,
                },
            ))));
        }
        if let Some(up_to) = answered_up_to {
            for seq in records
                .iter()
                .filter_map(|r| r.sequence)
                .filter(|s| *s <= up_to)
            {
                conversation.mark(seq);
            }
        }
        let buffered = std::mem::take(&mut conversation.buffered);
        for record in records.iter().chain(buffered.iter()) {
            if let Some(seq) = deliver(&inner, &id, conversation, record, None) {
                receipts.push(seq);
            }
        }
        conversation.synced_epoch = Some(socket.epoch);
    });
    send_receipts(&socket, &id, receipts);
}

/// Hands a consumer record to the runtime unless it was delivered before;
/// returns its sequence when delivered.
fn deliver(
    inner: &Inner,
    id: &str,
    conversation: &mut Conversation,
    record: &EventRecord,
    raw: Option<Value>,
) -> Option<i64> {
    if !mapping::from_consumer(record) {
        return None;
    }
    let sequence = record.sequence?;
    let kind = mapping::consumer_event(record)?;
    if !conversation.mark(sequence) {
        return None;
    }
    let ctx = mapping::context(
        &inner.config,
        id,
        conversation.skill_id.as_deref(),
        conversation.consumer_id.as_deref(),
        Some(record),
        raw,
    );
    inner.emit(ChannelEvent::Inbound(Box::new(InboundEvent::new(
        ctx, kind,
    ))));
    Some(sequence)
}

fn live_record(
    inner: &Arc<Inner>,
    socket: &Socket,
    record: EventRecord,
    raw: Option<Value>,
    read_at: Option<Instant>,
) {
    let Some(dialog) = record.dialog_id.as_ref().map(|d| d.0.clone()) else {
        return;
    };
    let mut receipts = Vec::new();
    inner.with_conversations(|map| {
        // The MAIN dialog's id is the conversation id.
        let Some(conversation) = map.get_mut(&dialog) else {
            return;
        };
        if !conversation.is_synced(socket.epoch) {
            conversation.buffered.push(record);
            return;
        }
        if let Some(seq) = deliver(inner, &dialog, conversation, &record, raw) {
            receipts.push(seq);
            if let Some(at) = read_at {
                conversation.await_answer(at);
            }
        }
    });
    send_receipts(socket, &dialog, receipts);
}

fn send_receipts(socket: &Socket, dialog: &str, sequences: Vec<i64>) {
    if sequences.is_empty() {
        return;
    }
    let body = json!({"dialogId": dialog, "event": {"type": "AcceptStatusEvent", "status": "READ", "sequenceList": sequences}});
    // Nobody waits for the answer: a lost receipt changes no conversation.
    if !socket.send_unanswered(".ams.ms.PublishEvent", body) {
        tracing::debug!("read receipt not sent: the socket is gone");
    }
}
