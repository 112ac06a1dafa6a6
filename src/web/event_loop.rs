//! The async scheduler: tasks as futures on the browser's event loop, all on the UI thread.
//!
//! Each task is a cooperative coroutine (`workloads::run_cooperative`): it computes one slice
//! (≈ 1 ms), then awaits [`clock::yield_now`], which hands the event loop back to the browser —
//! and to the other tasks, which interleave. The page stays responsive, yet one thread does all
//! the work, so CPU-bound tasks get no faster: `asyncio.gather` over CPU work (seed article 001).

use std::cell::RefCell;

use futures::future::join_all;

use crate::config::RunConfig;
use crate::control::RunControl;
use crate::metrics::{self, Clock};
use crate::models::Model;
use crate::report::{ModelResult, TaskRecord};
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::workloads;

/// Runs the batch as interleaved futures on the event loop; `control` can stop it between slices.
pub async fn run(config: &RunConfig, control: &RunControl) -> ModelResult {
    let clock = PerformanceClock;
    let spec = config.spec();
    // The order in which slices ran, by task: the proof that the tasks interleaved.
    let slice_log = RefCell::new(Vec::new());
    let heartbeat = HeartbeatRecorder::start();
    let t0 = clock.now_ms();
    let tasks = (0..config.tasks).map(|task| {
        let slice_log = &slice_log;
        async move {
            let start_ms = clock.now_ms() - t0;
            let checked = workloads::run_cooperative(&spec, control, clock::yield_now, || {
                slice_log.borrow_mut().push(task)
            })
            .await?;
            control.task_done();
            Some(TaskRecord {
                task,
                lane: "main".to_string(),
                start_ms,
                end_ms: clock.now_ms() - t0,
                answer: checked.answer,
                ok: checked.ok,
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
    result.cancelled_if(control.is_cancelled(), config.tasks)
}
