//! Progress out of, and cancellation into, a running model.
//!
//! One [`RunControl`] is shared (behind an `Arc`) by the page and whatever runs the tasks: the
//! UI thread, the async tasks or the pool threads. Atomics, because pool threads update it while
//! the page reads it. Isolated workers cannot see it — they share no memory with the page, which
//! is the point — so cancelling them means terminating them, as killing a process would.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Shared progress and cancel flag of one run.
#[derive(Debug, Default)]
pub struct RunControl {
    done: AtomicU32,
    cancelled: AtomicBool,
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

    /// Starts counting a new model's tasks from zero (the cancel flag is kept).
    pub fn reset_progress(&self) {
        self.done.store(0, Ordering::Relaxed);
    }

    /// Asks every task to stop at its next slice boundary.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`RunControl::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}
