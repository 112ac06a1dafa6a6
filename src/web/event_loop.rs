//! The async scheduler: tasks as coroutines on the browser's event loop, all on the UI thread —
//! Python's `asyncio.gather`.
//!
//! The tasks run on our own instrumented executor ([`crate::models::event_loop`], rules in its README):
//! a FIFO ready queue, timers and yield points, recording each task's `run` / `ready` /
//! `wait_io` time. This module is its browser driver: it runs ticks for up to [`TURN_MS`], then
//! gives the browser a turn (a macrotask), so the page keeps painting between slices; when only
//! timers are pending it sleeps on `setTimeout` until the next one. (asyncio's loop likewise runs
//! every ready callback, then polls for I/O: a turn per task would cost a macrotask — tens of µs
//! — per task.)
//!
//! A CPU task computes one slice (≈ 1 ms) and yields (cooperative mode), or computes to the end
//! without yielding (naive mode: it holds the loop, as a CPU loop inside an `async def` does).
//! Either way one thread does all the work: CPU-bound tasks get no faster.

use std::cell::RefCell;
use std::rc::Rc;

use super::batch::Batch;
use crate::config::AsyncMode;
use crate::core::metrics::{self, Clock};
use crate::core::record::Checked;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, Segment};
use crate::models::Model;
use crate::models::event_loop::{Scheduler, Tick};
use crate::models::server::{self, INDEX_AFTER_MS, IndexRecord, IndexRequest, Next};
use crate::report::ModelResult;
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::web::io::EventLoopIo;
use crate::workloads::{self, WorkloadSpec};

/// Longest the driver sleeps without checking the cancel flag, ms.
const CANCEL_POLL_MS: i32 = 50;

/// How long the driver runs ticks before it gives the browser a turn, ms: a few 1 ms slices,
/// well inside a 16 ms frame, so the page still paints every frame.
const TURN_MS: f64 = 4.0;

/// Runs the batch on the instrumented scheduler; `control` can stop it at any await.
pub async fn run(batch: &Batch<'_>) -> ModelResult {
    let Batch {
        config, control, ..
    } = *batch;
    let clock = PerformanceClock;
    let sliced = config.async_mode == AsyncMode::Cooperative;
    let heartbeat = HeartbeatRecorder::start();
    let t0 = clock.now_ms();
    let mut scheduler = Scheduler::new(clock);
    // Per task, once it finishes: its check and what its oracle expected.
    let answers: Rc<RefCell<Vec<Option<Checked>>>> =
        Rc::new(RefCell::new(vec![None; config.tasks as usize]));
    // The tasks share their step lists (a list each was an allocation per task), and their
    // spawn time: they are spawned in one go.
    let groups: Vec<Rc<[WorkloadSpec]>> = config.step_groups().into_iter().map(Rc::from).collect();
    let spawned_ms = clock.now_ms();
    scheduler.reserve(config.tasks as usize);
    for task in 0..config.tasks {
        let (handle, control, answers) = (scheduler.handle(), control.clone(), answers.clone());
        let steps = groups[task as usize % groups.len()].clone();
        scheduler.spawn_at(
            async move {
                let checked = workloads::run_steps_async(
                    &steps,
                    &control,
                    &clock,
                    || handle.yield_if(sliced),
                    &EventLoopIo {
                        handle: handle.clone(),
                    },
                    || (),
                )
                .await;
                if checked.is_some() {
                    control.task_done();
                }
                answers.borrow_mut()[task as usize] = checked;
            },
            spawned_ms,
        );
    }
    // Server mode: the index request is one more coroutine on the same loop, arriving during
    // the load; each of its steps follows a system call, so it queues behind whatever is ready
    // (cooperative handlers between their slices; naive ones only once they have all ended).
    let index: Rc<RefCell<Option<IndexRecord>>> = Rc::default();
    if config.server {
        let (handle, slot, control) = (scheduler.handle(), index.clone(), control.clone());
        let arrived = spawned_ms + INDEX_AFTER_MS;
        scheduler.spawn_at(
            async move {
                handle.sleep_until(arrived).await;
                let mut request = IndexRequest::new(0, arrived);
                while !control.is_cancelled() {
                    match request.visit(None, clock.now_ms()) {
                        Next::Compute(ms) => {
                            server::work(ms, &clock);
                            request.computed();
                        }
                        Next::Syscall | Next::Again => handle.yield_now().await,
                        Next::Done => break,
                    }
                }
                *slot.borrow_mut() = Some(request.finish(t0).0);
            },
            spawned_ms,
        );
    }
    // The driver: ticks for up to TURN_MS, then the browser's turn. Back to back, a tick starts
    // when the last one ended: one clock reading per tick.
    let mut now_ms = clock.now_ms();
    let mut turn_began = now_ms;
    loop {
        if control.is_cancelled() {
            break;
        }
        match scheduler.tick_at(now_ms) {
            Tick::Ran(_) => {
                now_ms = scheduler.last_end_ms();
                if now_ms - turn_began >= TURN_MS {
                    clock::yield_now().await;
                    now_ms = clock.now_ms();
                    turn_began = now_ms;
                }
            }
            // Nothing ready: wait for the next timer or a completed fetch, whichever is first —
            // but look up every CANCEL_POLL_MS, so a cancel (or the watchdog) lands even while
            // every task waits on a request that never answers.
            Tick::Idle { until_ms } => {
                let wait = until_ms.map_or(CANCEL_POLL_MS, |at| {
                    ((at - clock.now_ms()).ceil().max(0.0) as i32).min(CANCEL_POLL_MS)
                });
                let timer = clock::sleep_ms(wait);
                futures::future::select(Box::pin(timer), scheduler.woken()).await;
                now_ms = clock.now_ms();
                turn_began = now_ms;
            }
            Tick::Done => break,
        }
    }
    let t1 = clock.now_ms();
    let segments = scheduler.segments();
    let spawned = scheduler.spawned_at();
    let records: Vec<TaskRecord> = answers
        .borrow()
        .iter()
        .enumerate()
        .filter_map(|(task, answer)| {
            let checked = (*answer)?;
            let segments: Vec<_> = segments[task]
                .iter()
                .map(|s| Segment::new(s.state, s.start_ms - t0, s.end_ms - t0))
                .collect();
            Some(TaskRecord::from_segments(
                task as u32,
                Lane::Main,
                spawned[task] - t0,
                segments,
                checked,
            ))
        })
        .collect();
    let mut result = ModelResult::from_tasks(
        Model::Async,
        config,
        t1 - t0,
        heartbeat.summary(t0, t1),
        records,
    );
    // The index's own lane would lie on top of the handlers' (one thread): its record says it.
    result.index = index.borrow_mut().take();
    let log: Vec<u32> = scheduler.run_log().iter().map(|&id| id as u32).collect();
    result.task_switches = Some(metrics::task_switches(&log));
    result.stopped_by(control, config.tasks)
}
