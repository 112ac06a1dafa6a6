//! The main thread, blocking: every task runs to the end on the UI thread, one after another.
//!
//! This is the "what not to do" baseline, on purpose: while it runs, the page cannot paint,
//! scroll or answer a click — the browser's version of a blocking Tornado handler that stops the
//! server from answering `/` (seed article 002).

use super::batch::Batch;
use crate::core::control::RunControl;
use crate::core::metrics::Clock;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, Segment, State};
use crate::models::Model;
use crate::report::ModelResult;
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::web::io::MainThreadIo;
use crate::web::server;
use crate::workloads;
use crate::workloads::gate::FreeThreading;

/// Runs the batch on the UI thread.
///
/// Each task blocks the UI thread from start to end: nothing paints and no click lands
/// meanwhile — the lesson. Between two tasks it gives the browser one turn of the event loop,
/// as a Tornado server with a blocking handler accepts the next request between two requests:
/// queued input (the Cancel button, Escape) is handled there, so a cancel takes effect when the
/// running task ends, never inside it.
///
/// The caller paints the "running" state first (`ui::run` waits for the paint before
/// every model): after that, nothing paints while a task runs.
pub async fn run(batch: &Batch<'_>) -> ModelResult {
    let Batch {
        config, control, ..
    } = *batch;
    let clock = PerformanceClock;
    let heartbeat = HeartbeatRecorder::start();
    let t0 = clock.now_ms();
    let mut tasks: Vec<TaskRecord> = Vec::with_capacity(config.tasks as usize);
    for task in 0..config.tasks {
        if task > 0 {
            clock::yield_now().await;
        }
        if control.is_cancelled() {
            break;
        }
        let steps = config.task_steps(task);
        // The whole batch was submitted at once: each task waits for those before it.
        let mut segments = vec![Segment::new(State::Ready, 0.0, clock.now_ms() - t0)];
        // The main thread cannot sleep (no `Atomics.wait` here): an I/O wait can only spin,
        // and a request is synchronous — exactly what a blocking call on the UI thread costs.
        // Nothing can cancel it midway: the Cancel button cannot even be clicked meanwhile.
        let checked = workloads::run_steps_blocking(
            &steps,
            &RunControl::default(),
            &clock,
            &mut MainThreadIo,
            &FreeThreading,
            || (),
            |state, start, end| segments.push(Segment::new(state, start - t0, end - t0)),
        )
        .expect("never cancelled");
        control.task_done();
        tasks.push(TaskRecord::from_segments(
            task,
            Lane::Main,
            0.0,
            segments,
            checked,
        ));
    }
    // Server mode: the index request arrived during the load, behind the handlers in the
    // server's accept queue; a blocking server gets to it only now.
    let index = server::serve_if_server(config, t0, t0, None, 0, control, || true).await;
    let t1 = clock.now_ms();
    let heartbeat = heartbeat.summary(t0, t1);
    let mut result = ModelResult::from_tasks(Model::Blocking, config, t1 - t0, heartbeat, tasks);
    result.add_index(index);
    result.stopped_by(control, config.tasks)
}
