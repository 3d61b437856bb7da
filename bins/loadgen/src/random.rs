//! A small seeded generator, so a run's engine errors and chaos repeat.

use std::sync::Mutex;

/// xorshift64*: fast, seedable, good enough for picking faults.
#[derive(Debug)]
pub struct Random(Mutex<u64>);

impl Random {
    /// A generator from `seed` (0 is replaced, xorshift needs a non-zero state).
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        }))
    }

    /// A number in `[0, 1)`.
    pub fn unit(&self) -> f64 {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut x = *state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *state = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Whether an event of probability `p` happens.
    pub fn chance(&self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index below `n` (`n` > 0).
    pub fn below(&self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_values_in_range() {
        let (a, b) = (Random::new(42), Random::new(42));
        let xs: Vec<f64> = (0..100).map(|_| a.unit()).collect();
        let ys: Vec<f64> = (0..100).map(|_| b.unit()).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let hits = (0..10_000).filter(|_| a.chance(0.25)).count();
        assert!((2_000..3_000).contains(&hits), "{hits}");
    }
}
