//! What a run on isolated workers records beside its tasks, for the results document: what
//! crossed between the page and the workers ([`IpcReport`]), where each worker's start-up went
//! ([`StartupLegs`], from the worker's boot times), and the proof that they share no memory ([`IsolationProbe`]).

use serde::{Deserialize, Serialize};

use super::protocol::{StartupLegs, TaskDone};
use crate::config::{PayloadMode, StartMethod};
use crate::core::record::{Checked, TaskRecord};
use crate::core::trace::{Lane, Segment, State};

/// Proof that isolated workers share nothing: a value written into one worker's memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsolationProbe {
    /// The value written into worker 0's cell.
    pub written: u64,
    /// What each worker's cell held afterwards (worker 0 first).
    pub worker_reads: Vec<u64>,
    /// What the page's own copy of the cell held afterwards.
    pub page_read: u64,
}

impl IsolationProbe {
    /// True when only worker 0 saw the write.
    pub fn isolated(&self) -> bool {
        self.worker_reads.first() == Some(&self.written)
            && self.worker_reads[1..].iter().all(|&v| v != self.written)
            && self.page_read != self.written
    }
}

/// What crossed between the page and the isolated workers in one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IpcReport {
    /// How the workers started.
    pub start_method: StartMethod,
    /// How data payloads travelled.
    pub payload_mode: PayloadMode,
    /// Tasks per message.
    pub chunksize: u32,
    /// Requests posted to the workers for the tasks (runs, and buffer reservations for shared
    /// payloads); the isolation probe and progress ticks are not counted.
    pub messages: u32,
    /// Bytes posted: request JSON plus payload bytes that travelled in the message.
    pub bytes_out: u64,
    /// Bytes of the replies.
    pub bytes_in: u64,
    /// Data payload bytes the workers received, whichever way.
    pub payload_bytes: u64,
    /// Transferred payloads: whether every source buffer was detached by the post (the proof
    /// of a move rather than a copy).
    pub source_detached: Option<bool>,
    /// Workers reused warm from an earlier run.
    pub reused_workers: u32,
    /// Forkserver-like: the page's one compile of the module, when this run did it, ms.
    pub module_compile_ms: Option<f64>,
    /// Where each worker started in this run spent its start-up.
    #[serde(default)]
    pub startup_legs: Vec<StartupLegs>,
}

/// The page's side of one request/reply round trip, on the shared clock (ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundTrip {
    /// Before the request (and its payloads) were prepared.
    pub sent_ms: f64,
    /// After it was posted.
    pub posted_ms: f64,
    /// When the reply arrived, before decoding.
    pub arrived_ms: f64,
    /// When the reply was decoded.
    pub decoded_ms: f64,
}

/// The trace of a chunk's tasks, ms since `t0`, from the page's round trip and the worker's
/// [`FromWorker::Done`](super::protocol::FromWorker::Done) times.
///
/// The request's legs (serialise, transfer, deserialise) belong to the chunk's first task and
/// the reply's (transfer, deserialise) to its last, so a lane never shows two things at once and
/// each leg is counted once. The others wait `ready` — in the page's queue, then in the worker's
/// chunk — until they run. Every task's result reaches the page only with the reply, so each
/// record ends there: that is its latency, as `map(..., chunksize=k)` delivers results.
///
/// A task in `responded` (id, when its [`FromWorker::Responded`](super::protocol::FromWorker::Responded) reached the page) ran as a
/// thread of the worker (the hybrid): it ends when its response arrived, after a transfer leg
/// of its own, on a lane of its own (`worker k · thread j`, `j` its place in the chunk). The
/// others are on worker `worker`'s lane.
#[allow(clippy::too_many_arguments)]
pub fn chunk_records(
    trip: &RoundTrip,
    received_ms: f64,
    decoded_ms: f64,
    done: &[TaskDone],
    responded: &[(u32, f64)],
    worker: u32,
    t0: f64,
    expected: impl Fn(u32) -> Option<u64>,
) -> Vec<TaskRecord> {
    let at = |ms: f64| ms - t0;
    let last = done.len().saturating_sub(1);
    let answered = |id: u32| responded.iter().find(|(r, _)| *r == id).map(|&(_, ms)| ms);
    done.iter()
        .enumerate()
        .map(|(i, task)| {
            let mut legs = Vec::with_capacity(task.steps.len() + 6);
            if i == 0 {
                legs.extend([
                    Segment::new(State::Ready, 0.0, at(trip.sent_ms)),
                    Segment::new(State::Serialize, at(trip.sent_ms), at(trip.posted_ms)),
                    Segment::new(State::Transfer, at(trip.posted_ms), at(received_ms)),
                    Segment::new(State::Deserialize, at(received_ms), at(decoded_ms)),
                ]);
            } else {
                legs.push(Segment::new(State::Ready, 0.0, at(task.start_ms)));
            }
            legs.extend(
                task.steps
                    .iter()
                    .map(|s| Segment::new(s.state, at(s.start_ms), at(s.end_ms))),
            );
            let answered = answered(task.id);
            if let Some(arrived_ms) = answered {
                legs.push(Segment::new(
                    State::Transfer,
                    at(task.end_ms),
                    at(arrived_ms),
                ));
            } else if i == last {
                // The worker encodes and posts its reply: one leg, as seen from here.
                legs.push(Segment::new(
                    State::Transfer,
                    at(task.end_ms),
                    at(trip.arrived_ms),
                ));
                legs.push(Segment::new(
                    State::Deserialize,
                    at(trip.arrived_ms),
                    at(trip.decoded_ms),
                ));
            }
            // The two sides' clock origins agree only to a fraction of a ms: `monotone` keeps
            // the legs in order instead of overlapping by that skew.
            let lane = Lane::Worker {
                worker,
                thread: answered.map(|_| i as u32),
            };
            // The page's own oracle decides where it has one; a `cpu` step's iterations are
            // known only to the worker that ran them, which checked them chunk by chunk.
            let checked = match expected(task.id) {
                Some(oracle) => Checked {
                    expected: Some(oracle),
                    ok: task.checked.ok && task.checked.answer == oracle,
                    ..task.checked
                },
                None => task.checked,
            };
            let mut record = TaskRecord::from_segments(
                task.id,
                lane,
                0.0,
                crate::core::trace::monotone(legs),
                checked,
            );
            record.end_ms = record.end_ms.max(at(answered.unwrap_or(trip.decoded_ms)));
            record
        })
        .collect()
}
