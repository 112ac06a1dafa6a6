//! What one task leaves behind: its checked answer and its record — where it ran, when, and what
//! it was doing — in the shape every model writes and the results document keeps.
//!
//! The answer is checked where the work is (`workloads`: each step against its oracle); these
//! are only the records, so the models and the report can share them without depending on the
//! kernels.

use serde::{Deserialize, Serialize};

use super::trace::{Lane, Segment, State};

/// The outcome of one task, checked against its oracle.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Checked {
    /// What the kernel computed.
    pub answer: u64,
    /// What it should have computed: `WorkloadSpec::expected`, or for a `cpu` step the
    /// iterations it asked for (known once it ran).
    #[serde(default)]
    pub expected: Option<u64>,
    /// Whether it equals `expected`.
    pub ok: bool,
    /// For `cpu` steps: the time asked for and computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuTime>,
}

/// Time asked for and time computed, ms: what a task record shows for its `cpu` steps.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CpuTime {
    /// The budget the steps asked for.
    pub requested_ms: f64,
    /// The running time they counted (see `workloads::timed`'s module note).
    pub measured_ms: f64,
    /// Time inside the steps that was not counted: chunks interrupted (the OS gave the core to
    /// another thread, the browser stopped the thread), ms. The trace's `run` bars include it.
    #[serde(default)]
    pub interrupted_ms: f64,
}

impl CpuTime {
    /// Both steps' times together.
    pub fn plus(self, other: CpuTime) -> CpuTime {
        CpuTime {
            requested_ms: self.requested_ms + other.requested_ms,
            measured_ms: self.measured_ms + other.measured_ms,
            interrupted_ms: self.interrupted_ms + other.interrupted_ms,
        }
    }
}

/// One task's execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// Task index in the batch.
    pub task: u32,
    /// Where it ran: `main`, `thread 1`, `worker 0`, …
    pub lane: Lane,
    /// When it was submitted, ms since the model's run began.
    pub enqueue_ms: f64,
    /// When its kernel first ran, ms.
    pub start_ms: f64,
    /// When its result was back where it was submitted, ms.
    pub end_ms: f64,
    /// What the task computed (for a task of several steps, the sum of their answers).
    pub answer: u64,
    /// What its oracle says it should compute.
    pub expected: Option<u64>,
    /// Whether it matched the oracle (for several steps: every step did).
    pub ok: bool,
    /// Its `cpu:n` steps together: the time they asked for and computed (absent without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuTime>,
    /// What it was doing from enqueue to end, in order.
    pub segments: Vec<Segment>,
    /// Isolated workers only: encoded bytes of the request and of the reply.
    pub bytes: Option<(u64, u64)>,
}

impl TaskRecord {
    /// A task submitted at `enqueue_ms` that waited until `start_ms` and ran to `end_ms` in one
    /// piece (tests, and the simplest models).
    pub fn single_run(
        task: u32,
        lane: Lane,
        enqueue_ms: f64,
        start_ms: f64,
        end_ms: f64,
        checked: Checked,
    ) -> TaskRecord {
        let segments = vec![
            Segment::new(State::Ready, enqueue_ms, start_ms),
            Segment::new(State::Run, start_ms, end_ms),
        ];
        let checked = Checked {
            expected: Some(checked.answer),
            ..checked
        };
        TaskRecord::from_segments(task, lane, enqueue_ms, segments, checked)
    }

    /// A task from its segments (in order, the first starting at its start): start is where the
    /// first non-`ready` segment begins, end where the last one ends.
    pub fn from_segments(
        task: u32,
        lane: Lane,
        enqueue_ms: f64,
        segments: Vec<Segment>,
        checked: Checked,
    ) -> TaskRecord {
        // Looked for before empty segments go: a task that ran within one tick of the clock
        // (5 µs in an isolated page) has an empty `run`, and it started there, not when it was
        // queued. (A segment without a time, which compacting drops, is no start.)
        let start_ms = segments
            .iter()
            .find(|s| s.state != State::Ready && s.start_ms.is_finite())
            .map_or(enqueue_ms, |s| s.start_ms);
        let segments = crate::core::trace::compact_vec(segments);
        let end_ms = segments.last().map_or(start_ms, |s| s.end_ms).max(start_ms);
        TaskRecord {
            task,
            lane,
            enqueue_ms,
            start_ms,
            end_ms,
            answer: checked.answer,
            expected: checked.expected,
            ok: checked.ok,
            cpu: checked.cpu,
            segments,
            bytes: None,
        }
    }

    /// Submit to result: what a caller waited.
    pub fn latency_ms(&self) -> f64 {
        self.end_ms - self.enqueue_ms
    }
}
