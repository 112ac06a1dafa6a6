//! An I/O-bound task: wait `n` ms.
//!
//! Interesting because waiting needs no core: the async scheduler and threads can overlap many
//! waits (the seed's `asyncio.gather` of 2, 3 and 1 s sleeps takes 3 s, not 6), while the main
//! thread — which the browser does not let sleep — can only spin, freezing the page. The wait is
//! polled in short pieces so a cancel is seen promptly, and the answer is confirmed by the
//! clock: `n` once at least `n` ms have passed.

use crate::metrics::Clock;

/// Longest wait a task may ask for, ms.
pub const MAX_MS: u64 = 10_000;

/// Longest single sleep between checks of the cancel flag, ms.
pub const POLL_MS: f64 = 50.0;

/// A wait of a fixed length that started at a known time.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    ms: u64,
    start: f64,
}

impl Deadline {
    /// Starts waiting `ms` now.
    pub fn start(ms: u64, clock: &impl Clock) -> Deadline {
        Deadline {
            ms,
            start: clock.now_ms(),
        }
    }

    /// Time still to wait, or `None` once the wait is over.
    pub fn remaining(&self, clock: &impl Clock) -> Option<f64> {
        let left = self.start + self.ms as f64 - clock.now_ms();
        (left > 0.0).then_some(left)
    }

    /// The answer: the requested `ms` if the clock shows at least that much has passed, else
    /// the whole milliseconds that did (a wait that returned early is caught as a wrong answer).
    pub fn confirmed(&self, clock: &impl Clock) -> u64 {
        let waited = clock.now_ms() - self.start;
        if waited >= self.ms as f64 {
            self.ms
        } else {
            waited.max(0.0) as u64
        }
    }
}
