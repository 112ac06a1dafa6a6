//! The shared-memory thread pool: `ThreadPoolExecutor`, free-threaded (`pool`) or under a
//! simulated GIL (`pool_gil`). The pool's threads are Web Workers over one shared wasm memory
//! (rayon, `web::thread_pool` starts them); this module is the pure part of what they run:
//!
//! * [`run_pool_task`]: a pool thread's job body, one task of the batch;
//! * [`gil`]: the simulated lock, its rules and its report (design note in `src/models/pool/gil/README.md`);
//! * [`nested`]: tasks that submit a sub-task and block on it — the one FIFO work queue a
//!   `ThreadPoolExecutor` has, and the starvation rule that detects a same-pool deadlock.

pub mod gil;
pub mod nested;

use crate::core::control::RunControl;
use crate::core::metrics::Clock;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, Segment, State};
use crate::workloads::gate::Gate;
use crate::workloads::io::BlockingIo;
use crate::workloads::{WorkloadSpec, run_steps_blocking};

/// Runs one task of a batch submitted at `t0` on the current rayon pool thread, recording which
/// thread ran it (the thread-pool model's job body). `None` if cancelled.
///
/// Submit it with `spawn_fifo` from outside the pool: in the browser the UI thread cannot block
/// on the pool (see `web::thread_pool`). Times are read from `clock`, relative to `t0`. `gate`
/// is the simulated GIL's handle for this thread, or [`crate::workloads::gate::FreeThreading`].
pub fn run_pool_task(
    steps: &[WorkloadSpec],
    task: u32,
    control: &RunControl,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    gate: &(impl Gate + ?Sized),
    t0: f64,
) -> Option<TaskRecord> {
    let start_ms = clock.now_ms() - t0;
    // Room for ready, run and a GIL wait or two without growing.
    let mut segments = Vec::with_capacity(4);
    segments.push(Segment::new(State::Ready, 0.0, start_ms));
    // A pool thread may block: an I/O wait sleeps with `Atomics.wait`, leaving the core free.
    let checked = run_steps_blocking(
        steps,
        control,
        clock,
        io,
        gate,
        || (),
        |state, start, end| segments.push(Segment::new(state, start - t0, end - t0)),
    )?;
    control.task_done();
    let lane = pool_lane(rayon::current_thread_index());
    // Submitted with the whole batch at t0: the wait before the start is queueing.
    Some(TaskRecord::from_segments(
        task, lane, 0.0, segments, checked,
    ))
}

/// The lane of rayon pool thread `index` (`thread k`).
pub fn pool_lane(index: Option<usize>) -> Lane {
    index.map_or(Lane::OutsidePool, |i| Lane::Thread(i as u32))
}

#[cfg(test)]
mod test;
