//! Recursive submit: a task that submits a sub-task to a pool and blocks on its result —
//! `executor.submit(child).result()` inside a task, which seed article 000 warns against.
//!
//! Submitted to the *same* bounded pool, the sub-task queues behind its parent. Once every
//! worker is a parent blocked on a queued sub-task, nothing can run: the pool has deadlocked by
//! starvation. [`Starvation`] notices exactly that state (every worker blocked, a sub-task
//! queued) and the run is stopped and explained instead of hanging the tab. Submitted to a
//! *separate* pool, the sub-tasks have threads of their own and the batch completes.
//!
//! Two things make this Python's executor rather than rayon's. Rayon's own `join`/`scope` would
//! not deadlock — a blocked rayon thread runs other jobs while it waits (work stealing) — while
//! `Future.result()` just blocks, so the parent waits on a plain one-shot slot. And rayon runs a
//! job spawned from inside the pool *before* older ones from outside (its local deques come
//! first), while a `ThreadPoolExecutor` has one FIFO work queue: so tasks go through
//! [`TaskQueue`], one queue in submission order, and each rayon job just runs whatever is at
//! its front.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::core::control::RunControl;
use crate::core::metrics::Clock;
use crate::core::record::Checked;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, Segment, State};

/// Why a run with [`crate::config::Nesting::SamePool`] was stopped, for the page and the results.
pub const DEADLOCK_EXPLANATION: &str = "Deadlock: every worker is running a task that waits for \
     the result of a sub-task, and those sub-tasks wait in the same pool's queue for a free \
     worker that will never come. Seed 000: do not submit to an executor from inside its own \
     tasks and block on the result — give the sub-tasks a separate pool (nested=separate), or \
     more workers than there can be waiting parents.";

/// A job for the pool.
pub type Job = Box<dyn FnOnce() + Send>;

/// One FIFO work queue, like `ThreadPoolExecutor`'s: jobs run in submission order, whichever
/// thread becomes free first taking the oldest.
#[derive(Clone, Default)]
pub struct TaskQueue(Arc<Mutex<VecDeque<Job>>>);

impl std::fmt::Debug for TaskQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let queued = self.0.lock().map_or(0, |q| q.len());
        f.debug_struct("TaskQueue")
            .field("queued", &queued)
            .finish()
    }
}

impl TaskQueue {
    /// Queues `job` at the back and, with `spawn`, starts one pool job that runs the job at the
    /// front — whichever that is by then.
    pub fn submit(&self, job: Job, spawn: impl FnOnce(Job)) {
        self.push(vec![job]);
        spawn(self.runner(false));
    }

    /// Queues `jobs` at the back in one go — no job can start (and submit sub-tasks) before the
    /// last is queued, so a batch's order does not depend on thread timing — and returns
    /// `workers` pool jobs that each run jobs from the front until the queue is empty:
    /// `ThreadPoolExecutor`'s worker loop. One pool job per worker, not per task: with thousands
    /// of tiny tasks, a pool job each (allocated, handed over and woken for) cost more than the
    /// tasks (docs/BENCHMARKS.md, B5). Jobs queued later with [`TaskQueue::submit`] bring their
    /// own pool job, so they run even when every worker loop has ended.
    pub fn workers(&self, jobs: Vec<Job>, workers: usize) -> Vec<Job> {
        self.push(jobs);
        (0..workers).map(|_| self.runner(true)).collect()
    }

    /// A pool job that runs the job at the front when it runs — and, with `until_empty`, the
    /// next, until the queue is empty.
    fn runner(&self, until_empty: bool) -> Job {
        let queue = self.clone();
        Box::new(move || {
            while let Some(job) = queue.pop() {
                job();
                if !until_empty {
                    break;
                }
            }
        })
    }

    fn push(&self, jobs: Vec<Job>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(jobs);
    }

    /// The front job; the lock is let go before the caller runs it.
    fn pop(&self) -> Option<Job> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }
}

/// How often a blocked parent looks up from its wait, ms: to notice a cancel or a deadlock.
const POLL_MS: u64 = 10;

/// Counts, for one pool, the workers blocked on a sub-task and the sub-tasks queued: when all
/// the workers are blocked and a sub-task is queued, no worker is free to run it, now or ever.
#[derive(Debug)]
pub struct Starvation {
    workers: u32,
    blocked: AtomicU32,
    queued: AtomicU32,
}

impl Starvation {
    /// A pool of `workers` threads, nobody blocked.
    pub fn new(workers: u32) -> Starvation {
        Starvation {
            workers,
            blocked: AtomicU32::new(0),
            queued: AtomicU32::new(0),
        }
    }

    /// Whether the pool can no longer make progress.
    ///
    /// Sound because a running sub-task occupies a worker that is not blocked: with every
    /// worker blocked, none is running a sub-task, and a queued one has nobody to run it.
    pub fn deadlocked(&self) -> bool {
        self.blocked.load(Ordering::SeqCst) >= self.workers
            && self.queued.load(Ordering::SeqCst) > 0
    }
}

/// A sub-task's outcome: where it ran, what it did (ms since the run began), its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildWork {
    /// The thread it ran on.
    pub lane: Lane,
    /// Its segments there.
    pub segments: Vec<Segment>,
    /// Its answer; `None` if it was cancelled.
    pub checked: Option<Checked>,
}

/// Runs a sub-task's `steps` on the current thread through `gate`, recording its segments on
/// `lane`, times relative to `t0`.
#[allow(clippy::too_many_arguments)] // a task's whole context, as `workloads::run_pool_task`
pub fn run_child(
    steps: &[crate::workloads::WorkloadSpec],
    lane: Lane,
    control: &RunControl,
    clock: &impl Clock,
    io: &mut impl crate::workloads::io::BlockingIo,
    gate: &(impl crate::workloads::gate::Gate + ?Sized),
    t0: f64,
) -> ChildWork {
    let mut segments = Vec::new();
    let checked = crate::workloads::run_steps_blocking(
        steps,
        control,
        clock,
        io,
        gate,
        || (),
        |state, start, end| segments.push(Segment::new(state, start - t0, end - t0)),
    );
    ChildWork {
        lane,
        segments,
        checked,
    }
}

/// A one-shot slot a parent blocks on: `Future.result()`.
#[derive(Debug, Default)]
struct Slot {
    value: Mutex<Option<ChildWork>>,
    ready: Condvar,
}

/// Runs task `task` as a parent: submits `child` with `submit` (to this pool or another) and
/// blocks until its result arrives, the run is cancelled, or `starvation` (of the pool the
/// parent runs on, when the child goes to the same pool) says nobody can run it — then it stops
/// the run as deadlocked. Returns the parent's record (answer from the child) and the child's
/// work, or `None` if stopped.
#[allow(clippy::too_many_arguments)] // the parent's whole context; a struct would only rename it
pub fn run_parent<F>(
    task: u32,
    lane: Lane,
    control: &RunControl,
    clock: &impl Clock,
    starvation: Option<&Arc<Starvation>>,
    submit: impl FnOnce(Job),
    child: F,
    t0: f64,
) -> Option<(TaskRecord, ChildWork)>
where
    F: FnOnce() -> ChildWork + Send + 'static,
{
    if control.is_cancelled() {
        return None;
    }
    let start = clock.now_ms() - t0;
    let slot = Arc::new(Slot::default());
    if let Some(s) = starvation {
        s.queued.fetch_add(1, Ordering::SeqCst);
    }
    let (to_child, watch) = (slot.clone(), starvation.cloned());
    submit(Box::new(move || {
        if let Some(s) = &watch {
            s.queued.fetch_sub(1, Ordering::SeqCst);
        }
        let work = child();
        *to_child
            .value
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(work);
        to_child.ready.notify_all();
    }));
    if let Some(s) = starvation {
        s.blocked.fetch_add(1, Ordering::SeqCst);
    }
    let blocked_at = clock.now_ms() - t0;
    let mut value = slot.value.lock().unwrap_or_else(PoisonError::into_inner);
    let work = loop {
        if let Some(work) = value.take() {
            break Some(work);
        }
        if starvation.is_some_and(|s| s.deadlocked()) {
            control.stop_deadlocked();
        }
        if control.is_cancelled() {
            break None;
        }
        value = slot
            .ready
            .wait_timeout(value, Duration::from_millis(POLL_MS))
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    };
    drop(value);
    if let Some(s) = starvation {
        s.blocked.fetch_sub(1, Ordering::SeqCst);
    }
    let work = work?;
    let checked = work.checked?;
    control.task_done();
    let segments = vec![
        Segment::new(State::Ready, 0.0, start),
        Segment::new(State::Run, start, blocked_at),
        Segment::new(State::Blocked, blocked_at, clock.now_ms() - t0),
    ];
    let record = TaskRecord::from_segments(task, lane, 0.0, segments, checked);
    Some((record, work))
}

#[cfg(test)]
mod test;
