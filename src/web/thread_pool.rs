//! The shared-memory thread pool: rayon over Web Workers that share this instance's memory
//! (a SharedArrayBuffer) — Python's `ThreadPoolExecutor`.
//!
//! # Warning about blocking the UI thread
//! The UI thread may not `Atomics.wait`, so a blocking parallel call made *on* it (`par_iter`
//! from an event handler) spins on one of the cores instead of sleeping, and the page freezes.
//! So the UI thread only *submits*: the batch goes into one FIFO queue (first in, first out,
//! like `ThreadPoolExecutor.submit`) that one worker loop per thread drains, each task writes
//! its outcome into a slot of its own, and a channel the page awaits closes when all are done.
//!
//! # Pool size
//! The pool has exactly the run's worker count (1–32; more threads than cores is allowed, as in
//! Python). A run asking for another size than the current pool's replaces the pool: the old
//! one is dropped, its threads leave rayon's loop and their workers close themselves. Threads
//! are never `terminate()`d — one killed while holding the allocator's lock in the shared memory
//! would deadlock every other thread.
//!
//! # Start-up
//! Starting a pool thread means starting a Web Worker and instantiating the module in it (tens
//! of ms), far dearer than a Python thread (tens of µs), so pool start-up is measured and reported
//! (`startup_ms`) but kept out of the batch's wall time; a pool of the same size is reused warm.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::LocalKey;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{Either, join, select};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::batch::Batch;
use crate::config::Nesting;
use crate::config::{RunConfig, python_default_workers};
use crate::core::control::RunControl;
use crate::core::error::{Error, Result};
use crate::core::metrics::Clock;
use crate::core::record::TaskRecord;
use crate::core::trace::{self, Lane, Segment, State};
use crate::models::pool::gil::Gil;
use crate::models::pool::nested::{self, ChildWork, Job, Starvation, TaskQueue};
use crate::models::pool::{pool_lane, run_pool_task};
use crate::models::{Model, NOT_ISOLATED_EXPLANATION};
use crate::report::ModelResult;
use crate::web::clock::{self as web_clock, HeartbeatRecorder, PerformanceClock};
use crate::web::dispatch::{self, Command};
use crate::web::io::{self, ThreadIo};
use crate::web::server;
use crate::web::threads;
use crate::workloads::gate::{FreeThreading, Gate};

/// A rayon pool whose threads are Web Workers.
#[derive(Debug)]
struct Pool {
    threads: u32,
    rayon: Arc<rayon::ThreadPool>,
    /// Kept so the workers stay rooted while their threads live (Firefox collects unrooted
    /// workers that share memory: https://bugzilla.mozilla.org/show_bug.cgi?id=1702191).
    _workers: Vec<web_sys::Worker>,
}

/// Where a pool is kept between runs.
type PoolSlot = LocalKey<RefCell<Option<Rc<Pool>>>>;

thread_local! {
    /// The current pool, reused while runs ask for the same size.
    static POOL: RefCell<Option<Rc<Pool>>> = const { RefCell::new(None) };
    /// The separate pool for sub-tasks (recursive submit, `nested=separate`), likewise.
    static SUB_POOL: RefCell<Option<Rc<Pool>>> = const { RefCell::new(None) };
}

/// GIL ids of the sub-pool's threads start here, so they never collide with the main pool's.
const SUB_POOL_GIL_ID: u32 = 1_000;

/// Starts a pool of `threads` workers; returns it with each thread's start-up time (ms).
async fn build(threads: u32) -> Result<(Pool, Vec<f64>)> {
    let clock = PerformanceClock;
    let t0 = clock.now_ms();
    let mut starting = Vec::new();
    let rayon = rayon::ThreadPoolBuilder::new()
        .num_threads(threads as usize)
        .spawn_handler(|thread| {
            starting.push(threads::spawn(move || thread.run()));
            Ok(())
        })
        .build()
        .map_err(|e| Error::Runtime(format!("the thread pool failed to build: {e}")))?;
    let mut workers = Vec::with_capacity(starting.len());
    let mut startup_ms = Vec::with_capacity(starting.len());
    for promise in starting {
        let worker = JsFuture::from(promise)
            .await
            .map_err(|e| Error::Runtime(format!("a pool thread failed to start: {e:?}")))?;
        workers.push(worker.unchecked_into());
        startup_ms.push(clock.now_ms() - t0);
    }
    let pool = Pool {
        threads,
        rayon: Arc::new(rayon),
        _workers: workers,
    };
    Ok((pool, startup_ms))
}

/// The pool for `threads` threads: the current one if it has that size, else a new one (with
/// its threads' start-up times).
async fn pool_of(slot: &'static PoolSlot, threads: u32) -> Result<(Rc<Pool>, Option<Vec<f64>>)> {
    if let Some(pool) = slot
        .with_borrow(|p| p.clone())
        .filter(|p| p.threads == threads)
    {
        return Ok((pool, None));
    }
    // Retire the old pool first: two pools would compete for the cores while this one starts.
    retire(slot).await;
    let (pool, startup) = build(threads).await?;
    let pool = Rc::new(pool);
    slot.with_borrow_mut(|p| *p = Some(pool.clone()));
    Ok((pool, Some(startup)))
}

/// Retires the pool kept in `slot`: its rayon pool is dropped by the dispatcher, so the UI
/// thread never takes rayon's locks (see `web::dispatch`); its threads then leave.
async fn retire(slot: &'static PoolSlot) {
    let Some(pool) = slot.with_borrow_mut(Option::take) else {
        return;
    };
    let rayon = pool.rayon.clone();
    // The last UI-thread handle goes first, so the dispatcher's is the last of all.
    drop(pool);
    dispatch::send(vec![Command::Drop(rayon)]).await;
}

/// This pool thread's handle on the run's GIL (offset for the sub-pool), or free-threading.
fn with_gate<R>(gil: Option<&Gil>, id_base: u32, body: impl FnOnce(&dyn Gate) -> R) -> R {
    let clock = PerformanceClock;
    match gil {
        Some(gil) => {
            let id = id_base + rayon::current_thread_index().unwrap_or(0) as u32;
            body(&gil.thread(id, &clock))
        }
        None => body(&FreeThreading),
    }
}

/// Runs the batch on a pool of the run's worker count, awaiting it from the UI thread. Pool
/// threads see `control` directly (shared memory): they count progress and stop at the next
/// slice when cancelled.
///
/// `model` is [`Model::PoolGil`] or [`Model::Pool`]: with the GIL, every task passes through one
/// [`Gil`] in the shared memory (see `src/models/pool/gil/README.md`); free-threaded, through no lock at all.
pub async fn run(batch: &Batch<'_>) -> ModelResult {
    let Batch {
        model,
        config,
        env,
        control,
    } = *batch;
    if !env.cross_origin_isolated {
        let why = Error::Unavailable(NOT_ISOLATED_EXPLANATION.into());
        return ModelResult::failed(model, config, why);
    }
    let threads = config.workers_for(env.hardware_concurrency);
    let (pool, mut startup) = match pool_of(&POOL, threads).await {
        Ok(ready) => ready,
        Err(err) => {
            return ModelResult::failed(model, config, err);
        }
    };
    // Recursive submit to a separate pool: a second pool of the same size for the sub-tasks.
    let sub_pool = match config.nested {
        Nesting::SeparatePool => match pool_of(&SUB_POOL, threads).await {
            Ok((sub, sub_startup)) => {
                if let Some(times) = sub_startup {
                    startup.get_or_insert_with(Vec::new).extend(times);
                }
                Some(sub.rayon.clone())
            }
            Err(err) => {
                return ModelResult::failed(model, config, err);
            }
        },
        _ => None,
    };
    let clock = PerformanceClock;
    let heartbeat = HeartbeatRecorder::start();
    // The jobs put their outcomes here; the channel carries nothing and closes when the last
    // job is done with the batch — one wake-up of this thread per batch, not one per task.
    let (done, finished) = mpsc::unbounded::<()>();
    // One slot per task: each job writes its own, so no two threads wait on each other here.
    let outcomes: Arc<[OnceLock<Outcome>]> = (0..config.tasks).map(|_| OnceLock::new()).collect();
    let base: Arc<str> = io::page_base().into();
    let gil = (model == Model::PoolGil).then(|| Arc::new(Gil::new(f64::from(config.switch_ms))));
    // One FIFO queue in submission order, as `ThreadPoolExecutor` has (see `nested`).
    let queue = TaskQueue::default();
    let starvation =
        (config.nested == Nesting::SamePool).then(|| Arc::new(Starvation::new(threads)));
    // Sub-tasks submitted and not yet finished: the run ends when they have, so none is left
    // running (cancelled, or behind a deadlock) into the next model's run.
    let children_left = Arc::new(AtomicU32::new(0));
    let t0 = clock.now_ms();
    // What every job shares, behind one Arc: a job is this and its task's number, so the UI
    // thread's part of a submit is one small allocation (with thousands of tiny tasks, it was
    // the cost per task: docs/BENCHMARKS.md, B5). Each job makes its own steps, on its thread.
    let batch = Arc::new(PoolBatch {
        config: config.clone(),
        control: control.clone(),
        outcomes: outcomes.clone(),
        _done: done,
        gil: gil.clone(),
        base,
        queue: queue.clone(),
        sub_pool,
        starvation,
        children_left: children_left.clone(),
        t0,
    });
    let jobs: Vec<Job> = (0..config.tasks)
        .map(|task| {
            let batch = batch.clone();
            Box::new(move || batch.run(task)) as Job
        })
        .collect();
    drop(batch);
    // All at once: the batch's order in the queue must not depend on how fast threads start.
    // Then one worker loop per thread takes them from the front, as ThreadPoolExecutor's
    // threads do. The dispatcher spawns the loops: the UI thread never calls into rayon.
    let spawns = queue
        .workers(jobs, threads as usize)
        .into_iter()
        .map(|run| Command::Spawn(pool.rayon.clone(), run))
        .collect();
    dispatch::send(spawns).await;
    // Server mode: meanwhile this thread is the event loop, and answers the index request
    // itself — with the GIL, as thread `threads` of the lock, one past the pool's.
    let ticks = control.ticks();
    let started = || control.ticks() > ticks;
    let serving =
        server::serve_if_server(config, t0, t0, gil.as_deref(), threads, control, started);
    let ((), index) = join(finished_or_abandoned(finished, control), serving).await;
    // Every job is done with the batch, so the slots are this thread's alone — unless a job
    // died holding the batch (and the run was abandoned): then copy what the others left.
    let mut outcomes = outcomes;
    let outcomes: Vec<Outcome> = match Arc::get_mut(&mut outcomes) {
        Some(slots) => slots.iter_mut().filter_map(OnceLock::take).collect(),
        None => outcomes
            .iter()
            .filter_map(|slot| slot.get().cloned())
            .collect(),
    };
    while children_left.load(Ordering::SeqCst) > 0 && !abandoned(control) {
        web_clock::sleep_ms(CHILD_POLL_MS).await;
    }
    if abandoned(control) {
        // A job died without reporting (a trap in a pool thread): this pool cannot be trusted
        // any more. Drop it; the next run builds a new one.
        retire(&POOL).await;
        retire(&SUB_POOL).await;
    }
    let mut records = Vec::with_capacity(outcomes.len());
    let mut children = Vec::new();
    for (record, child) in outcomes {
        records.push(record);
        children.extend(child);
    }
    records.sort_by_key(|r| r.task);
    let t1 = clock.now_ms();
    let mut result =
        ModelResult::from_tasks(model, config, t1 - t0, heartbeat.summary(t0, t1), records);
    // Sub-tasks ran on their own lanes: their work shows there, not as tasks of the batch.
    for child in &children {
        result.add_lane_segments(child.lane, &child.segments);
    }
    result.workers = threads;
    let python = python_default_workers(env.hardware_concurrency);
    result.message = Some(match &startup {
        Some(times) => format!(
            "Started {} pool threads in {:.0} ms (not in the wall time); Python's ThreadPoolExecutor default here: min(32, cores + 4) = {python}.",
            times.len(),
            times.iter().copied().fold(0.0, f64::max)
        ),
        None => format!(
            "Reused the warm pool of {threads} threads; Python's ThreadPoolExecutor default here: min(32, cores + 4) = {python}."
        ),
    });
    result.startup_ms = startup.unwrap_or_default();
    result.add_index(index);
    if let Some(gil) = gil {
        let report = gil.report(t0);
        // The GIL-holder lane: `run` while some thread holds the lock (which one: `gil.holds`),
        // idle while nobody does.
        let held: Vec<Segment> = report
            .holds
            .iter()
            .map(|h| Segment::new(State::Run, h.start_ms, h.end_ms))
            .collect();
        result.add_lane_segments(Lane::Gil, &trace::compact(held));
        result.gil = Some(report);
    }
    result.stopped_by(control, config.tasks)
}

/// A finished task's record, and its sub-task's when nested.
type Outcome = (TaskRecord, Option<ChildWork>);

/// One run's batch, shared by all its jobs.
struct PoolBatch {
    config: RunConfig,
    control: Arc<RunControl>,
    /// Where each job puts its outcome: task `i` in slot `i`.
    outcomes: Arc<[OnceLock<Outcome>]>,
    /// Dropped with the batch, after the last job: closes the page's channel.
    _done: mpsc::UnboundedSender<()>,
    gil: Option<Arc<Gil>>,
    base: Arc<str>,
    /// The batch's FIFO queue (and the same pool's, for nested submits).
    queue: TaskQueue,
    sub_pool: Option<Arc<rayon::ThreadPool>>,
    starvation: Option<Arc<Starvation>>,
    /// Sub-tasks submitted and not yet finished.
    children_left: Arc<AtomicU32>,
    /// When the batch was submitted, on the shared clock.
    t0: f64,
}

impl PoolBatch {
    /// Task `task`'s job body, on a pool thread.
    fn run(&self, task: u32) {
        let (clock, t0) = (PerformanceClock, self.t0);
        let steps = self.config.task_steps(task);
        let io = || ThreadIo {
            base: self.base.clone(),
            ..ThreadIo::default()
        };
        let outcome = match self.config.nested {
            Nesting::Off => with_gate(self.gil.as_deref(), 0, |gate| {
                run_pool_task(&steps, task, &self.control, &clock, &mut io(), gate, t0)
            })
            .map(|record| (record, None)),
            _ => {
                let (child_control, child_gil, child_io) =
                    (self.control.clone(), self.gil.clone(), io());
                let in_sub_pool = self.sub_pool.is_some();
                // Counted until the sub-task has run — or was dropped unrun (its parent saw a
                // cancel first): the guard goes with the closure either way.
                let pending = Pending::new(self.children_left.clone());
                let child = move || {
                    let _pending = pending;
                    let lane = sub_lane(in_sub_pool);
                    let base = if in_sub_pool { SUB_POOL_GIL_ID } else { 0 };
                    let mut io = child_io;
                    with_gate(child_gil.as_deref(), base, |gate| {
                        nested::run_child(
                            &steps,
                            lane,
                            &child_control,
                            &PerformanceClock,
                            &mut io,
                            gate,
                            t0,
                        )
                    })
                };
                let submit = |job: Job| match &self.sub_pool {
                    Some(sub) => sub.spawn_fifo(job),
                    None => self.queue.submit(job, rayon::spawn_fifo),
                };
                let lane = pool_lane(rayon::current_thread_index());
                nested::run_parent(
                    task,
                    lane,
                    &self.control,
                    &clock,
                    self.starvation.as_ref(),
                    submit,
                    child,
                    t0,
                )
                .map(|(record, child)| (record, Some(child)))
            }
        };
        if let Some(outcome) = outcome {
            // Each task runs once, so its cell is empty: a second outcome would be a bug.
            let first = self.outcomes[task as usize].set(outcome).is_ok();
            debug_assert!(first, "task {task} finished twice");
        }
    }
}

/// How often the page checks that a stopped run's sub-tasks have all finished, ms.
const CHILD_POLL_MS: i32 = 5;

/// Counts a sub-task until it has run or been dropped unrun.
struct Pending(Arc<AtomicU32>);

impl Pending {
    fn new(count: Arc<AtomicU32>) -> Pending {
        count.fetch_add(1, Ordering::SeqCst);
        Pending(count)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Waits until every job is done with the batch (`finished` closes). A job that died without
/// finishing (a trap in its thread) would keep it open for ever, so once the watchdog has
/// stopped the run, waiting ends after a grace period.
async fn finished_or_abandoned(mut finished: mpsc::UnboundedReceiver<()>, control: &RunControl) {
    loop {
        match select(
            finished.next(),
            Box::pin(web_clock::sleep_ms(RESULT_POLL_MS)),
        )
        .await
        {
            Either::Left(_) => return,
            Either::Right(_) if abandoned(control) => return,
            Either::Right(_) => {}
        }
    }
}

/// How often the page looks up from waiting for the jobs, ms.
const RESULT_POLL_MS: i32 = 100;

/// Whether to stop waiting for the pool: the watchdog stopped the run and the jobs have had a
/// second to notice.
fn abandoned(control: &RunControl) -> bool {
    control.stalled_for(PerformanceClock.now_ms()) > ABANDON_AFTER_MS
}

/// Grace period after the watchdog's stop, ms.
const ABANDON_AFTER_MS: f64 = 1_000.0;

/// The lane of a sub-task's thread.
fn sub_lane(in_sub_pool: bool) -> Lane {
    let index = rayon::current_thread_index();
    if in_sub_pool {
        index.map_or(Lane::OutsidePool, |i| Lane::SubPoolThread(i as u32))
    } else {
        pool_lane(index)
    }
}
