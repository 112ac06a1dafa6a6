//! Progress out of, and cancellation into, a running model.
//!
//! One [`RunControl`] is shared (behind an `Arc`) by the page and whatever runs the tasks: the
//! UI thread, the async tasks or the pool threads. Atomics, because pool threads update it while
//! the page reads it. Isolated workers cannot see it — they share no memory with the page, which
//! is the point — so cancelling them means terminating them, as killing a process would.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// Shared progress and cancel flag of one run.
#[derive(Debug, Default)]
pub struct RunControl {
    done: AtomicU32,
    /// Slices computed and waits polled: finer progress than whole tasks, for the watchdog.
    ticks: AtomicU64,
    cancelled: AtomicBool,
    /// Set with `cancelled` when the watchdog, not the user, stopped the run.
    stalled: AtomicBool,
    /// Set with `cancelled` when the pool deadlocked (see `nested`).
    deadlocked: AtomicBool,
    /// The user or the watchdog asked to stop: a stop that clearing a deadlock must keep.
    requested: AtomicBool,
    /// When the watchdog stopped the run (ms on the page's clock, as bits), 0 if it did not.
    stalled_at: AtomicU64,
    /// When the user asked to cancel (ms on the page's clock, as bits), 0 if they did not.
    cancelled_at: AtomicU64,
}

impl RunControl {
    /// Records one finished task.
    pub fn task_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Tasks finished so far.
    pub fn done(&self) -> u32 {
        self.done.load(Ordering::Relaxed)
    }

    /// Records a slice of progress inside a task.
    pub fn tick(&self) {
        self.ticks.fetch_add(1, Ordering::Relaxed);
    }

    /// Slices of progress so far (tasks finished count too).
    pub fn ticks(&self) -> u64 {
        self.ticks.load(Ordering::Relaxed) + u64::from(self.done())
    }

    /// Stops the run because it made no progress (the watchdog), at `now_ms`.
    pub fn stop_stalled(&self) {
        self.stop_stalled_at(f64::NAN);
    }

    /// [`RunControl::stop_stalled`], noting when (so a waiter can give up after a grace period).
    pub fn stop_stalled_at(&self, now_ms: f64) {
        self.stalled_at.store(now_ms.to_bits(), Ordering::Relaxed);
        self.stalled.store(true, Ordering::Relaxed);
        self.cancel();
    }

    /// How long ago the watchdog stopped the run, per `now_ms`; 0 if it did not (or did not
    /// say when).
    pub fn stalled_for(&self, now_ms: f64) -> f64 {
        let at = f64::from_bits(self.stalled_at.load(Ordering::Relaxed));
        if self.is_stalled() && at.is_finite() {
            now_ms - at
        } else {
            0.0
        }
    }

    /// Whether the watchdog stopped the run.
    pub fn is_stalled(&self) -> bool {
        self.stalled.load(Ordering::Relaxed)
    }

    /// Stops the run because its pool deadlocked (see `nested::Starvation`).
    pub fn stop_deadlocked(&self) {
        self.deadlocked.store(true, Ordering::Relaxed);
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// After a model that deadlocked has been reported: lets the next models run. The deadlock
    /// stopped only that model's tasks; it is the experiment's outcome, not the user's cancel.
    pub fn clear_deadlock(&self) {
        if self.deadlocked.swap(false, Ordering::Relaxed) && !self.requested.load(Ordering::Relaxed)
        {
            self.cancelled.store(false, Ordering::Relaxed);
        }
    }

    /// Whether the run was stopped as deadlocked.
    pub fn is_deadlocked(&self) -> bool {
        self.deadlocked.load(Ordering::Relaxed)
    }

    /// Starts counting a new model's tasks from zero (the cancel flag is kept).
    pub fn reset_progress(&self) {
        self.done.store(0, Ordering::Relaxed);
    }

    /// Asks every task to stop at its next slice boundary.
    pub fn cancel(&self) {
        self.requested.store(true, Ordering::Relaxed);
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// [`RunControl::cancel`], noting when (the page reports how long the stop took).
    pub fn cancel_at(&self, now_ms: f64) {
        self.cancelled_at.store(now_ms.to_bits(), Ordering::Relaxed);
        self.cancel();
    }

    /// How long ago the user cancelled, per `now_ms`, if they did (with [`RunControl::cancel_at`]).
    pub fn since_cancel(&self, now_ms: f64) -> Option<f64> {
        let at = f64::from_bits(self.cancelled_at.load(Ordering::Relaxed));
        (self.is_cancelled() && at > 0.0 && at.is_finite()).then_some(now_ms - at)
    }

    /// Whether [`RunControl::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// Decides when a run has stalled: no progress ([`RunControl::ticks`]) for `stall_ms`.
///
/// The page feeds it readings a few times a second; it is pure so the rule is tested with
/// made-up times.
#[derive(Debug, Clone, Copy)]
pub struct Watchdog {
    stall_ms: f64,
    seen: u64,
    since_ms: f64,
}

impl Watchdog {
    /// Starts watching at `now_ms`, with progress at `ticks`.
    pub fn new(stall_ms: f64, ticks: u64, now_ms: f64) -> Watchdog {
        Watchdog {
            stall_ms,
            seen: ticks,
            since_ms: now_ms,
        }
    }

    /// Takes a reading; `true` when progress has not moved for longer than the limit.
    pub fn stalled(&mut self, ticks: u64, now_ms: f64) -> bool {
        if ticks != self.seen {
            self.seen = ticks;
            self.since_ms = now_ms;
            return false;
        }
        now_ms - self.since_ms > self.stall_ms
    }
}

#[cfg(test)]
mod test;
