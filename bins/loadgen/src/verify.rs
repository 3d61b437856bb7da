//! The exactly-once check: every message sent got one answer or an escalation.

use liveengage_proto::enums::Role;
use liveengage_sim::{Entry, SimHandle};

use crate::consumers::Outcome;
use crate::engine_kind::EngineKind;

/// What the transcripts show.
#[derive(Debug, Default)]
pub(crate) struct Check {
    pub(crate) answered: usize,
    pub(crate) lost: usize,
    pub(crate) duplicated: usize,
}

pub(crate) fn check(sim: &SimHandle, engine: EngineKind, outcomes: &[Outcome]) -> Check {
    let mut check = Check::default();
    for outcome in outcomes {
        let Some(conversation) = &outcome.conversation else {
            continue;
        };
        let Some(transcript) = sim.transcript(conversation) else {
            check.lost += outcome.sent.len();
            continue;
        };
        let bot_texts: Vec<String> = transcript
            .texts()
            .into_iter()
            .filter(|(role, _)| *role != Role::Consumer)
            .map(|(_, t)| t)
            .collect();
        let escalated = transcript.has(|e| matches!(e, Entry::TransferredToSkill { .. }));
        for (i, text) in outcome.sent.iter().enumerate() {
            let expected = engine.answer(text);
            match bot_texts.iter().filter(|t| **t == expected).count() {
                1 => check.answered += 1,
                0 if escalated && i + 1 == outcome.sent.len() => {}
                0 => check.lost += 1,
                _ => check.duplicated += 1,
            }
        }
    }
    check
}
