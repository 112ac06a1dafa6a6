//! Server mode (`server=1`): the batch's tasks are requests to a server whose event loop — the
//! page's main thread, standing for Tornado's IOLoop — hands each heavy handler to the model's
//! executor (`run_in_executor`) and answers a light request itself: the index page, sent while
//! the handlers run, as a second `siege` or a browser would.
//!
//! What the index waits for is the lesson of seed 002's siege, and real Tornado shows it
//! (`tools/siege_check.py`, CPython 3.11 on a 2-core machine, 10 handlers of 200 ms): a blocking
//! server answers it after the backlog (1,859 of 1,911 ms); with a thread pool under the GIL it
//! answers *during* the load, not after it, but only after hundreds of ms (222–593 ms of a
//! 1,589 ms load), because the loop thread must take the GIL for every step of the request and
//! waits its turn behind the CPU-bound threads each time (the convoy effect); with processes the
//! loop is free (2–6 ms).
//!
//! The request is [`INDEX_STEPS`]: the loop's Python work between system calls — CPython lets
//! go of the GIL around each call (`accept`, `recv`, `send`), so every step is a separate
//! acquisition. [`IndexRequest`] walks them as a state machine that never blocks (the page's
//! thread may not wait on a lock): the glue visits it whenever it gets a turn, with the GIL's
//! [`Rules`] in hand if the model has one.

use serde::{Deserialize, Serialize};

use crate::core::metrics::Clock;
use crate::core::trace::{Segment, State};
use crate::models::pool::gil::Rules;

/// When the index request arrives, ms after the handlers were handed to the executor: late
/// enough that they have started (each is tens of ms or more), early enough to be "during".
pub const INDEX_AFTER_MS: f64 = 20.0;

/// The loop's Python work for one light request, step by step, each after a system call.
pub const INDEX_STEPS: [&str; 5] = [
    "accept the connection",
    "read the request",
    "route it to IndexHandler.get",
    "write the response",
    "finish and close",
];

/// The Python work of one step on the loop, ms: a few hundred bytecodes.
pub const STEP_WORK_MS: f64 = 0.05;

/// The index page's body, `self.write("hello, world")`: its length is the request's answer.
pub const INDEX_BODY: &str = "hello, world";

/// Does `ms` of a step's Python work on this thread, by the clock: the loop's own cost, which
/// [`Next::Compute`] asks for.
pub fn work(ms: f64, clock: &impl Clock) {
    let end = clock.now_ms() + ms;
    while clock.now_ms() < end {}
}

/// What the event loop did for the index request, for the results and the siege table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexRecord {
    /// When it arrived, ms since the batch began.
    pub arrived_ms: f64,
    /// When its response was written, ms since the batch began.
    pub answered_ms: f64,
    /// The bytes of the response's body.
    pub bytes: u64,
    /// Steps that had to wait for the GIL (0 without one).
    pub gil_waits: u32,
    /// Their waits added up, ms.
    pub gil_wait_ms: f64,
    /// Steps taken (one GIL acquisition each, with a GIL).
    pub steps: u32,
}

impl IndexRecord {
    /// From arrival to response, ms.
    pub fn latency_ms(&self) -> f64 {
        self.answered_ms - self.arrived_ms
    }

    /// Whether the response is the index page's.
    pub fn ok(&self) -> bool {
        self.bytes == INDEX_BODY.len() as u64 && self.steps == INDEX_STEPS.len() as u32
    }
}

/// What the loop must do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    /// Nothing yet (waiting for the GIL): visit again at the next turn.
    Again,
    /// Do this step's Python work (`ms` of it), call [`IndexRequest::computed`], and visit again.
    Compute(f64),
    /// A step is over and the next follows a system call: the loop may give other work a turn
    /// (an asyncio loop does: the call's completion is queued behind what is ready), then visit.
    Syscall,
    /// The response is written.
    Done,
}

/// Where the request is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// About to ask for the lock for the current step.
    Ask,
    /// Queued for the lock since then.
    Waiting(f64),
    /// Computing since then (holding the lock, if there is one).
    Computing(f64),
    /// The step's work (begun then) is done; the lock goes at the next visit.
    Computed(f64),
    /// Answered.
    Done,
}

/// The index request on the event loop (see the module note).
#[derive(Debug, Clone)]
pub struct IndexRequest {
    /// The loop's thread id in the GIL's rules (one past the pool's threads).
    thread: u32,
    step: usize,
    phase: Phase,
    record: IndexRecord,
    /// The loop's lane: `wait_gil` while queued, `run` while computing.
    segments: Vec<Segment>,
}

impl IndexRequest {
    /// The request, arrived at `arrived_ms` (on the batch's clock), served by a loop that is
    /// thread `thread` to the GIL.
    pub fn new(thread: u32, arrived_ms: f64) -> IndexRequest {
        IndexRequest {
            thread,
            step: 0,
            phase: Phase::Ask,
            record: IndexRecord {
                arrived_ms,
                answered_ms: arrived_ms,
                bytes: 0,
                gil_waits: 0,
                gil_wait_ms: 0.0,
                steps: 0,
            },
            segments: Vec::new(),
        }
    }

    /// One look at the request at `now`, with the GIL's rules if the model has one (`None`:
    /// free threads or processes, where the loop takes no lock).
    pub fn visit(&mut self, mut rules: Option<&mut Rules>, now: f64) -> Next {
        loop {
            match self.phase {
                Phase::Ask => {
                    let granted = match rules.as_deref_mut() {
                        Some(rules) => rules.request(self.thread, now),
                        None => true,
                    };
                    self.phase = if granted {
                        Phase::Computing(now)
                    } else {
                        Phase::Waiting(now)
                    };
                }
                Phase::Waiting(since) => {
                    let Some(rules) = rules.as_deref_mut() else {
                        self.phase = Phase::Computing(now);
                        continue;
                    };
                    if rules.holder() != Some(self.thread) {
                        return Next::Again;
                    }
                    // Granted when the holder let go, which may be a moment before this look:
                    // the lock's own time line says when.
                    let granted = rules.held_since().clamp(since, now);
                    self.segments
                        .push(Segment::new(State::WaitGil, since, granted));
                    self.record.gil_waits += 1;
                    self.record.gil_wait_ms += granted - since;
                    self.phase = Phase::Computing(granted);
                }
                Phase::Computing(_) => return Next::Compute(STEP_WORK_MS),
                Phase::Computed(since) => {
                    // Held until now: a lock the page could not take this instant stays held.
                    if let Some(rules) = rules.as_deref_mut() {
                        rules.release(self.thread, now);
                    }
                    self.segments.push(Segment::new(State::Run, since, now));
                    self.step += 1;
                    self.record.steps += 1;
                    if self.step == INDEX_STEPS.len() {
                        self.record.bytes = INDEX_BODY.len() as u64;
                        self.record.answered_ms = now;
                        self.phase = Phase::Done;
                    } else {
                        self.phase = Phase::Ask;
                        return Next::Syscall;
                    }
                }
                Phase::Done => return Next::Done,
            }
        }
    }

    /// The current step's work is done; the next visit lets go of the lock.
    pub fn computed(&mut self) {
        if let Phase::Computing(since) = self.phase {
            self.phase = Phase::Computed(since);
        }
    }

    /// Gives up (the run was cancelled): lets go of the lock or leaves its queue, so no thread
    /// waits for a loop that has stopped.
    pub fn abandon(&mut self, rules: Option<&mut Rules>, now: f64) {
        if let Some(rules) = rules {
            rules.withdraw(self.thread, now);
        }
        self.phase = Phase::Done;
    }

    /// What the loop did, and its lane's segments; times relative to `t0`.
    pub fn finish(self, t0: f64) -> (IndexRecord, Vec<Segment>) {
        let record = IndexRecord {
            arrived_ms: self.record.arrived_ms - t0,
            answered_ms: self.record.answered_ms - t0,
            ..self.record
        };
        let segments = self
            .segments
            .into_iter()
            .map(|s| Segment::new(s.state, s.start_ms - t0, s.end_ms - t0))
            .collect();
        (record, segments)
    }
}

#[cfg(test)]
mod test;
