//! The seed's `heavy_func` (article 002): `count += 1` a hundred million times.
//!
//! Interesting because it is the purest CPU-bound task there is — no memory traffic, no I/O —
//! so any difference between models is scheduling, not the kernel. An optimiser would fold the
//! loop to `count = n`; [`std::hint::black_box`] keeps every iteration real, like CPython's.

use std::hint::black_box;

/// Largest `n` a task may ask for (a few seconds of work on one core in wasm).
pub const MAX_N: u64 = 4_000_000_000;

/// Iterations per slice: about a millisecond in wasm on a 2020s core.
pub const SLICE: u64 = 1 << 20;

/// A resumable count loop.
#[derive(Debug, Clone)]
pub struct CountLoop {
    n: u64,
    done: u64,
    count: u64,
}

impl CountLoop {
    /// A loop of `n` iterations, not started.
    pub fn new(n: u64) -> CountLoop {
        CountLoop {
            n,
            done: 0,
            count: 0,
        }
    }

    /// Runs up to [`SLICE`] iterations; `true` when all `n` are done.
    pub fn step(&mut self) -> bool {
        let end = self.n.min(self.done + SLICE);
        let mut count = self.count;
        for _ in self.done..end {
            count = black_box(count) + 1;
        }
        self.count = count;
        self.done = end;
        self.done == self.n
    }

    /// The count so far.
    pub fn answer(&self) -> u64 {
        self.count
    }
}
