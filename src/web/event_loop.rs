//! The async scheduler: tasks as futures on the browser's event loop, all on the UI thread.
//!
//! Each task is a coroutine (`workloads::run_async`): it computes one slice
//! (≈ 1 ms), then awaits [`clock::yield_now`], which hands the event loop back to the browser —
//! and to the other tasks, which interleave. The page stays responsive, yet one thread does all
//! the work, so CPU-bound tasks get no faster: `asyncio.gather` over CPU work (seed article 001).

use std::cell::RefCell;

use futures::future::join_all;

use crate::config::{AsyncMode, RunConfig};
use crate::control::RunControl;
use crate::metrics::{self, Clock};
use crate::models::Model;
use crate::report::{ModelResult, TaskRecord};
use crate::trace::{self, Segment, State};
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::workloads;

/// Runs the batch as futures on the event loop — interleaved slice by slice in the cooperative
/// mode, one whole CPU task at a time in the naive one; `control` can stop it at any await.
pub async fn run(config: &RunConfig, control: &RunControl) -> ModelResult {
    let clock = PerformanceClock;
    let spec = config.spec();
    // The order in which slices ran, by task: the proof that the tasks interleaved.
    let slice_log = RefCell::new(Vec::new());
    let heartbeat = HeartbeatRecorder::start();
    let t0 = clock.now_ms();
    let now = move || clock.now_ms() - t0;
    let naive = config.async_mode == AsyncMode::Naive;
    let tasks = (0..config.tasks).map(|task| {
        let slice_log = &slice_log;
        async move {
            // Slice boundaries, alternating: run starts, run ends, run starts, …
            // Cooperative CPU work only: slice boundaries, alternating run start, run end, …
            let marks = RefCell::new(vec![now()]);
            let sliced = !naive && !spec.kind.is_io();
            let checked = workloads::run_async(
                &spec,
                control,
                &clock,
                || async {
                    // Naive mode never gives the event loop back between slices.
                    if sliced {
                        clock::yield_now().await;
                        marks.borrow_mut().push(now());
                    }
                },
                |ms| clock::sleep_ms(ms.ceil() as i32),
                || {
                    if sliced {
                        marks.borrow_mut().push(now());
                    }
                    slice_log.borrow_mut().push(task);
                },
            )
            .await?;
            control.task_done();
            let mut marks = marks.into_inner();
            let start_ms = marks[0];
            let segments = if sliced {
                // Until its first slice, and between two slices, the task was ready while the
                // event loop ran someone else.
                let first = Segment::new(State::Ready, 0.0, start_ms);
                trace::compact(
                    std::iter::once(first).chain(marks.windows(2).enumerate().map(|(i, w)| {
                        let state = if i % 2 == 0 { State::Run } else { State::Ready };
                        Segment::new(state, w[0], w[1])
                    })),
                )
            } else {
                // One piece: a naive CPU task held the loop throughout; an I/O task awaited
                // timers, leaving the loop free for the others all along.
                marks.push(now());
                vec![
                    Segment::new(State::Ready, 0.0, start_ms),
                    Segment::new(spec.kind.busy_state(), start_ms, marks[1]),
                ]
            };
            Some(TaskRecord {
                task,
                lane: "main".to_string(),
                enqueue_ms: 0.0,
                start_ms,
                end_ms: *marks.last().expect("the start is marked"),
                answer: checked.answer,
                ok: checked.ok,
                segments,
                bytes: None,
            })
        }
    });
    let records: Vec<TaskRecord> = join_all(tasks).await.into_iter().flatten().collect();
    let t1 = clock.now_ms();
    let mut result = ModelResult::from_tasks(
        Model::Async,
        &spec,
        t1 - t0,
        heartbeat.summary(t0, t1),
        records,
        config.tasks,
    );
    result.task_switches = Some(metrics::task_switches(&slice_log.borrow()));
    result.stopped_by(control, config.tasks)
}
