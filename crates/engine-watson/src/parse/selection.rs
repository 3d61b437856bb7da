//! Watson's `selection_policy` for text responses written in the dialog
//! editor's form (`values` + `selection_policy`). Watson usually resolves it
//! itself; LivePerson documents the unresolved form, so it is applied here.

use std::collections::BTreeMap;

use serde_json::Value;

/// How often each list of values was shown in this conversation, keyed by a
/// stable hash of the list, so `sequential` moves on and `random` varies.
pub(crate) type SelectionCounters = BTreeMap<String, u64>;

/// The values to show for one response.
///
/// - `sequential` (also the default and any unknown policy): the first value
///   the first time, the next one each further time, wrapping around.
/// - `random`: one value, picked by a hash of the list, the conversation and
///   the visit; it varies between visits but is not cryptographic.
/// - `multiline`: every value, in order.
pub(crate) fn select<'a>(
    values: &'a [Value],
    policy: Option<&str>,
    conversation: &str,
    counters: &mut SelectionCounters,
) -> Vec<&'a Value> {
    if values.is_empty() {
        return Vec::new();
    }
    if policy == Some("multiline") {
        return values.iter().collect();
    }
    let key = format!("{:016x}", fnv1a(values_key(values).as_bytes()));
    let visit = counters.entry(key.clone()).or_insert(0);
    let n = *visit;
    *visit += 1;
    let len = values.len() as u64;
    let index = if policy == Some("random") {
        fnv1a(format!("{key}/{conversation}/{n}").as_bytes()) % len
    } else {
        n % len
    };
    values
        .get(usize::try_from(index).unwrap_or(0))
        .into_iter()
        .collect()
}

fn values_key(values: &[Value]) -> String {
    serde_json::to_string(values).unwrap_or_default()
}

/// FNV-1a, 64 bits: stable across processes, so stored counters stay valid.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sequential_walks_and_wraps_multiline_shows_all() {
        let values = [
            json!({"text": "Hi Good Morning!"}),
            json!({"text": "Hi Good Evening!"}),
        ];
        let mut counters = SelectionCounters::new();
        let picks: Vec<_> = (0..3)
            .map(|_| select(&values, Some("sequential"), "c", &mut counters)[0]["text"].clone())
            .collect();
        assert_eq!(
            picks,
            ["Hi Good Morning!", "Hi Good Evening!", "Hi Good Morning!"]
        );
        assert_eq!(
            select(&values, Some("multiline"), "c", &mut counters).len(),
            2
        );
        assert!(select(&[], None, "c", &mut counters).is_empty());
    }

    #[test]
    fn random_picks_one_value_and_varies_over_visits() {
        let values: Vec<Value> = (0..4).map(|i| json!(format!("v{i}"))).collect();
        let mut counters = SelectionCounters::new();
        let picks: std::collections::BTreeSet<String> = (0..32)
            .map(|_| {
                let chosen = select(&values, Some("random"), "conv", &mut counters);
                assert_eq!(chosen.len(), 1);
                chosen[0].as_str().unwrap().to_owned()
            })
            .collect();
        assert!(picks.len() > 1, "{picks:?}");
    }
}
