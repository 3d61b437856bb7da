//! The worker of one conversation: its events one at a time, in arrival order.

use std::sync::Arc;

use connector_core::{ChannelType, ConversationId, EventKind, InboundEvent};
use tokio::sync::mpsc;
use tracing::Instrument;

use crate::config::CombineMessages;
use crate::escalate::Outcome;
use crate::shared::Shared;
use crate::turn;

/// Starts the worker of a new conversation.
pub(crate) fn spawn(
    shared: &Arc<Shared>,
    conversation: ConversationId,
    generation: u64,
    rx: mpsc::UnboundedReceiver<Box<InboundEvent>>,
) {
    let span = tracing::info_span!(
        "conversation",
        bot_id = %shared.config.bot_id,
        conversation_id = %conversation,
    );
    let task = run(Arc::clone(shared), conversation, generation, rx).instrument(span);
    shared.tracker.spawn(task);
}

async fn run(
    shared: Arc<Shared>,
    conversation: ConversationId,
    generation: u64,
    mut rx: mpsc::UnboundedReceiver<Box<InboundEvent>>,
) {
    let mut pending: Option<InboundEvent> = None;
    let mut ended = false;
    loop {
        let event = match pending.take() {
            Some(event) => event,
            None => match rx.recv().await {
                Some(event) => *event,
                // The connector is shutting down and the queue is drained.
                None => break,
            },
        };
        let event = match shared.config.combine {
            Some(combine) if is_messaging_text(&event) => {
                let (merged, next) = combine_texts(combine, event, &mut rx).await;
                pending = next;
                merged
            }
            _ => event,
        };
        let outcome = {
            // The semaphore is never closed; the `else` is unreachable in practice.
            let Ok(_permit) = shared.permits.acquire().await else {
                break;
            };
            turn::handle(&shared, event).await
        };
        if outcome == Outcome::Ended {
            ended = true;
            break;
        }
    }
    if ended {
        shared.forget(&conversation, generation);
        let dropped = std::iter::from_fn(|| rx.try_recv().ok()).count();
        if dropped > 0 {
            tracing::debug!(
                dropped,
                "events after the conversation left the bot were ignored"
            );
        }
        if let Err(err) = shared
            .sessions
            .remove(&shared.config.bot_id, &conversation)
            .await
        {
            tracing::warn!("session not removed: {err}");
        }
    }
}

fn is_messaging_text(event: &InboundEvent) -> bool {
    event.context.channel == ChannelType::Messaging
        && matches!(event.kind, EventKind::ConsumerText { .. })
}

/// Waits up to `window` after each consumer text for another one and merges
/// them (at most `max_messages`). Returns the merged event and the event that
/// ended the wait, if it was not a text.
async fn combine_texts(
    combine: CombineMessages,
    first: InboundEvent,
    rx: &mut mpsc::UnboundedReceiver<Box<InboundEvent>>,
) -> (InboundEvent, Option<InboundEvent>) {
    let mut merged = first;
    let mut count = 1;
    while count < combine.max_messages {
        let next = match tokio::time::timeout(combine.window, rx.recv()).await {
            Ok(Some(next)) => *next,
            Ok(None) | Err(_) => break,
        };
        match next.kind {
            EventKind::ConsumerText { text, metadata } => {
                if let EventKind::ConsumerText {
                    text: merged_text,
                    metadata: merged_metadata,
                } = &mut merged.kind
                {
                    merged_text.push('\n');
                    merged_text.push_str(&text);
                    merged_metadata.extend(metadata);
                }
                // The latest event's raw LiveEngage event describes the turn.
                merged.context = next.context;
                count += 1;
            }
            _ => return (merged, Some(next)),
        }
    }
    (merged, None)
}
