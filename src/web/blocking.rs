//! The main thread, blocking: every task runs to the end on the UI thread, one after another.
//!
//! This is the "what not to do" baseline, on purpose: while it runs, the page cannot paint,
//! scroll or answer a click — the browser's version of a blocking Tornado handler that stops the
//! server from answering `/` (seed article 002).

use crate::config::RunConfig;
use crate::control::RunControl;
use crate::metrics::Clock;
use crate::models::Model;
use crate::report::{ModelResult, TaskRecord};
use crate::trace::{Segment, State};
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::web::io::MainThreadIo;
use crate::workloads;

/// Runs the batch on the UI thread.
///
/// It counts progress but cannot be cancelled: the Cancel button cannot even be clicked while
/// the UI thread is busy — which is the lesson.
pub async fn run(config: &RunConfig, control: &RunControl) -> ModelResult {
    // Let the "running" state paint first: after this, nothing paints until we are done.
    clock::next_paint().await;
    let clock = PerformanceClock;
    let heartbeat = HeartbeatRecorder::start();
    let t0 = clock.now_ms();
    let tasks: Vec<TaskRecord> = (0..config.tasks)
        .map(|task| {
            let steps = config.task_steps(task);
            // The whole batch was submitted at once: each task waits for those before it.
            let mut segments = vec![Segment::new(State::Ready, 0.0, clock.now_ms() - t0)];
            // The main thread cannot sleep (no `Atomics.wait` here): an I/O wait can only spin,
            // and a request is synchronous — exactly what a blocking call on the UI thread costs.
            // Nothing can cancel it: the Cancel button cannot even be clicked meanwhile.
            let checked = workloads::run_steps_blocking(
                &steps,
                &RunControl::default(),
                &clock,
                &mut MainThreadIo,
                || (),
                |state, start, end| segments.push(Segment::new(state, start - t0, end - t0)),
            )
            .expect("never cancelled");
            control.task_done();
            let expected = workloads::expected_of(&steps);
            TaskRecord::from_segments(task, "main".into(), 0.0, segments, checked, expected)
        })
        .collect();
    let t1 = clock.now_ms();
    let heartbeat = heartbeat.summary(t0, t1);
    ModelResult::from_tasks(Model::Blocking, config, t1 - t0, heartbeat, tasks)
}
