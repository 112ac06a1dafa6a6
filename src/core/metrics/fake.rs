//! The test clocks every host test uses (`cfg(test)`): one that moves only when told to, and one
//! that steps on every reading and counts them. (The `cpu:n` tests in `workloads::timed` read
//! the host's real clock instead, coarsened like a browser's: they test behaviour in real time.)

use std::cell::Cell;
use std::rc::Rc;

use super::Clock;

/// A clock that moves only when told to (clones share the time): a scheduler's driver jumps it
/// to the next timer, a fake task advances it by the CPU time it stands for.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Rc<Cell<f64>>);

impl ManualClock {
    /// A clock reading `ms` until moved.
    pub fn at(ms: f64) -> Self {
        Self(Rc::new(Cell::new(ms)))
    }

    /// Moves it `ms` forward.
    pub fn advance(&self, ms: f64) {
        self.set(self.now_ms() + ms);
    }

    /// Sets it to `ms`.
    pub fn set(&self, ms: f64) {
        self.0.set(ms);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> f64 {
        self.0.get()
    }
}

/// A clock that moves 1 ms forward on every reading (reading k says k ms) and counts its
/// readings (clones share them): for code whose clock readings are part of what is tested.
#[derive(Debug, Clone, Default)]
pub struct SteppingClock(Rc<Cell<u32>>);

impl SteppingClock {
    /// How many times it has been read.
    pub fn reads(&self) -> u32 {
        self.0.get()
    }
}

impl Clock for SteppingClock {
    fn now_ms(&self) -> f64 {
        self.0.set(self.0.get() + 1);
        f64::from(self.0.get())
    }
}
