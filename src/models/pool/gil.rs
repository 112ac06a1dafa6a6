//! A simulated GIL for the thread pool: one lock in shared memory that a task must hold while
//! it computes, handed over every *switch interval* — CPython's global interpreter lock.
//!
//! The rules are a pure state machine, [`Rules`], driven with explicit times so the host tests
//! pin exact hand-overs with a fake clock; [`Gil`] wraps it in a `Mutex` and `Condvar` for real
//! threads (pool threads are Web Workers that may `Atomics.wait`; the UI thread never takes it).
//! The rules, and where they simplify CPython's, are written down in `src/models/pool/gil/README.md`.
//!
//! A task meets the lock through the [`Gate`] seam of `workloads::run_blocking`: it acquires
//! before a CPU step, offers a hand-over at every slice boundary (CPython's "eval breaker"
//! check), and releases before an I/O wait — as CPython releases around a blocking call —
//! taking it back briefly when the wait ends, to "return into Python".

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};

use serde::{Deserialize, Serialize};

use crate::core::metrics::Clock;
use crate::workloads::gate::Gate;

/// One thread's turn with the lock, ms since the run began.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hold {
    /// The pool thread's index (lane `thread k`).
    pub thread: u32,
    /// When it got the lock.
    pub start_ms: f64,
    /// When it let go.
    pub end_ms: f64,
}

/// What the lock did during a run, for the results and the GIL-holder lane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GilReport {
    /// The switch interval in force.
    pub switch_interval_ms: f64,
    /// Forced hand-overs: the holder was asked to let go after a switch interval.
    pub forced_switches: u32,
    /// Every turn, in order; they never overlap.
    pub holds: Vec<Hold>,
}

/// The lock's rules over explicit times (see `src/models/pool/gil/README.md`).
#[derive(Debug, Clone)]
pub struct Rules {
    interval_ms: f64,
    holder: Option<u32>,
    /// When the current holder got the lock (the last switch).
    since_ms: f64,
    /// Threads waiting for the lock, longest-waiting first, with when they started waiting.
    waiters: VecDeque<(u32, f64)>,
    forced_switches: u32,
    holds: Vec<Hold>,
    /// The latest time seen: the lock orders its callers, so times never go backwards here even
    /// when threads' clocks disagree by a few µs.
    last_ms: f64,
}

impl Rules {
    /// A free lock with the given switch interval.
    pub fn new(interval_ms: f64) -> Rules {
        Rules {
            interval_ms,
            holder: None,
            since_ms: 0.0,
            waiters: VecDeque::new(),
            forced_switches: 0,
            holds: Vec::new(),
            last_ms: f64::NEG_INFINITY,
        }
    }

    /// `now`, but never before a time the lock has already seen.
    pub fn at(&mut self, now_ms: f64) -> f64 {
        self.last_ms = self.last_ms.max(now_ms);
        self.last_ms
    }

    /// The thread holding the lock.
    pub fn holder(&self) -> Option<u32> {
        self.holder
    }

    /// When the current holder got the lock.
    pub fn held_since(&self) -> f64 {
        self.since_ms
    }

    /// Thread `thread` asks for the lock. `true`: it holds it now; `false`: it is queued and
    /// must wait until [`Rules::holder`] names it.
    pub fn request(&mut self, thread: u32, now_ms: f64) -> bool {
        let now = self.at(now_ms);
        if self.holder.is_none() && self.waiters.is_empty() {
            self.grant(thread, now);
            return true;
        }
        self.waiters.push_back((thread, now));
        false
    }

    /// When the holder must let go: a switch interval after the longest waiter began waiting,
    /// and not before a switch interval of holding (CPython's waiter times out on its condition
    /// variable after the interval and, if no switch happened meanwhile, sets the drop request).
    pub fn drop_due_ms(&self) -> Option<f64> {
        let (_, waiting_since) = self.waiters.front()?;
        Some(waiting_since.max(self.since_ms) + self.interval_ms)
    }

    /// The holder at a slice boundary. `true`: the drop was due, so it handed the lock to the
    /// longest waiter and queued itself behind the others (it must wait for its turn again).
    pub fn checkpoint(&mut self, thread: u32, now_ms: f64) -> bool {
        let now = self.at(now_ms);
        debug_assert_eq!(self.holder, Some(thread), "only the holder checks");
        match self.drop_due_ms() {
            Some(due) if now >= due => {
                self.forced_switches += 1;
                self.release(thread, now);
                self.waiters.push_back((thread, now));
                true
            }
            _ => false,
        }
    }

    /// The holder lets go; the longest waiter, if any, gets the lock at once.
    pub fn release(&mut self, thread: u32, now_ms: f64) {
        let now = self.at(now_ms);
        if self.holder != Some(thread) {
            return;
        }
        if let Some(hold) = self.holds.last_mut() {
            hold.end_ms = now;
        }
        self.holder = None;
        if let Some((next, _)) = self.waiters.pop_front() {
            self.grant(next, now);
        }
    }

    /// Thread `thread` gives up: it lets go if it holds the lock, and leaves the queue if it
    /// waits (a loop whose run was cancelled must not leave the others waiting for it).
    pub fn withdraw(&mut self, thread: u32, now_ms: f64) {
        self.waiters.retain(|(t, _)| *t != thread);
        self.release(thread, now_ms);
    }

    fn grant(&mut self, thread: u32, now: f64) {
        self.holder = Some(thread);
        self.since_ms = now;
        self.holds.push(Hold {
            thread,
            start_ms: now,
            end_ms: now,
        });
    }

    /// The report, with times made relative to `t0`.
    pub fn report(&self, t0: f64) -> GilReport {
        GilReport {
            switch_interval_ms: self.interval_ms,
            forced_switches: self.forced_switches,
            holds: self
                .holds
                .iter()
                .map(|h| Hold {
                    thread: h.thread,
                    start_ms: h.start_ms - t0,
                    end_ms: h.end_ms - t0,
                })
                .collect(),
        }
    }
}

/// The lock for real threads: [`Rules`] behind a mutex, with a condition variable on which
/// waiters sleep until the rules name them.
#[derive(Debug)]
pub struct Gil {
    rules: Mutex<Rules>,
    turn: Condvar,
}

impl Gil {
    /// A free lock with a switch interval of `interval_ms`.
    pub fn new(interval_ms: f64) -> Gil {
        Gil {
            rules: Mutex::new(Rules::new(interval_ms)),
            turn: Condvar::new(),
        }
    }

    /// Thread `thread`'s handle on the lock, reading times from `clock`.
    pub fn thread<'a, C: Clock>(&'a self, thread: u32, clock: &'a C) -> GilThread<'a, C> {
        GilThread {
            gil: self,
            thread,
            clock,
        }
    }

    /// What the lock did, times relative to `t0`. Call it once no thread uses the lock any
    /// more: it takes the mutex, and the UI thread may not wait for one.
    pub fn report(&self, t0: f64) -> GilReport {
        self.lock().report(t0)
    }

    /// `f` on the rules if the mutex is free this instant (`None`: ask again), then wakes the
    /// waiters: the way in for a thread that may not block, the page's (a contended `lock`
    /// would `Atomics.wait`, which the browser forbids there).
    pub fn try_with<R>(&self, f: impl FnOnce(&mut Rules) -> R) -> Option<R> {
        let mut rules = match self.rules.try_lock() {
            Ok(rules) => rules,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        let out = f(&mut rules);
        drop(rules);
        self.turn.notify_all();
        Some(out)
    }

    fn lock(&self) -> MutexGuard<'_, Rules> {
        // A task that panicked while holding the mutex left the rules consistent (every method
        // finishes its update before returning), so carry on.
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps until `thread` holds the lock; returns when it woke, on the lock's time line.
    fn wait_turn<'a>(
        &'a self,
        mut rules: MutexGuard<'a, Rules>,
        thread: u32,
        clock: &impl Clock,
    ) -> f64 {
        while rules.holder() != Some(thread) {
            rules = self
                .turn
                .wait(rules)
                .unwrap_or_else(PoisonError::into_inner);
        }
        rules.at(clock.now_ms())
    }
}

/// One thread's handle on a [`Gil`].
#[derive(Debug)]
pub struct GilThread<'a, C> {
    gil: &'a Gil,
    thread: u32,
    clock: &'a C,
}

impl<C: Clock> Gate for GilThread<'_, C> {
    fn acquire(&self) -> Option<(f64, f64)> {
        let mut rules = self.gil.lock();
        let start = rules.at(self.clock.now_ms());
        if rules.request(self.thread, start) {
            // No wait, but the grant's time on the lock's time line: the turn starts there, never
            // before the previous holder's ended (this thread's clock may lag by a few µs).
            return Some((start, start));
        }
        Some((start, self.gil.wait_turn(rules, self.thread, self.clock)))
    }

    fn checkpoint(&self) -> Option<(f64, f64)> {
        let mut rules = self.gil.lock();
        let start = rules.at(self.clock.now_ms());
        if !rules.checkpoint(self.thread, start) {
            return None;
        }
        self.gil.turn.notify_all();
        Some((start, self.gil.wait_turn(rules, self.thread, self.clock)))
    }

    fn release(&self) {
        let mut rules = self.gil.lock();
        let now = rules.at(self.clock.now_ms());
        rules.release(self.thread, now);
        drop(rules);
        self.gil.turn.notify_all();
    }
}

#[cfg(test)]
mod test;
