use std::cell::Cell;
use std::rc::Rc;

use super::*;
use crate::core::metrics::fake::ManualClock;
use crate::workloads::count_loop::SLICE;
use crate::workloads::io;

/// A fake clock: one slice of work takes 1 ms (the test's `on_slice` advances it), a sleep
/// takes exactly as long as asked.
#[derive(Clone, Default)]
struct Fake {
    now: ManualClock,
    /// Set by a sleep: the progress tick after it is not a slice of work.
    slept: Rc<Cell<bool>>,
}

impl Clock for Fake {
    fn now_ms(&self) -> f64 {
        self.now.now_ms()
    }
}

impl Fake {
    fn advance(&self, ms: f64) {
        self.now.advance(ms);
    }

    /// The progress tick: after a slice of work, 1 ms has passed.
    fn tick(&self) {
        if !self.slept.replace(false) {
            self.advance(1.0);
        }
    }
}

impl BlockingIo for Fake {
    fn sleep(&mut self, ms: f64) {
        self.advance(ms);
        self.slept.set(true);
    }
    fn fetch(&mut self, _path: &str) -> Result<u64, String> {
        self.advance(10.0);
        Ok(io::SAMPLE.len() as u64)
    }
}

fn cpu(slices: u64) -> WorkloadSpec {
    WorkloadSpec {
        kind: WorkloadKind::Count,
        n: slices * SLICE,
    }
}

fn wait(ms: u64) -> WorkloadSpec {
    WorkloadSpec {
        kind: WorkloadKind::Io,
        n: ms,
    }
}

fn task(id: u32, steps: Vec<WorkloadSpec>) -> TaskRun {
    TaskRun { id, steps }
}

/// Runs `tasks` on the fake clock; returns the outcomes and the order they finished in.
fn run(tasks: Vec<TaskRun>, switch_ms: f64) -> (Vec<TaskDone>, Vec<u32>) {
    let clock = Fake::default();
    let mut io = clock.clone();
    let mut finished = Vec::new();
    let done = run_threads(
        tasks,
        switch_ms,
        &clock,
        &mut io,
        || clock.tick(),
        |id| finished.push(id),
    );
    (done, finished)
}

/// The `run` intervals of a task, merged where they touch.
fn turns(task: &TaskDone) -> Vec<(f64, f64)> {
    task.steps
        .iter()
        .filter(|s| s.state == State::Run)
        .map(|s| (s.start_ms, s.end_ms))
        .collect()
}

/// No two threads ever compute at the same instant: the process has one GIL.
fn assert_one_runs_at_a_time(done: &[TaskDone]) {
    let mut all: Vec<(f64, f64)> = done.iter().flat_map(turns).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in all.windows(2) {
        assert!(pair[1].0 >= pair[0].1, "overlapping turns {pair:?}");
    }
}

#[test]
fn two_cpu_threads_take_turns_every_switch_interval() {
    let (done, finished) = run(vec![task(0, vec![cpu(12)]), task(1, vec![cpu(12)])], 5.0);
    assert!(done.iter().all(|t| t.checked.ok));
    assert_eq!(
        turns(&done[0]),
        [(0.0, 5.0), (10.0, 15.0), (20.0, 22.0)],
        "thread 0's turns"
    );
    assert_eq!(turns(&done[1]), [(5.0, 10.0), (15.0, 20.0), (22.0, 24.0)]);
    // Waiting for the lock is shown as such, between the turns.
    assert!(
        done[1]
            .steps
            .iter()
            .any(|s| s.state == State::WaitGil && s.start_ms == 0.0 && s.end_ms == 5.0)
    );
    // Together at the end, as the article's GIL threads: 22 and 24 ms, not 12 and 24.
    assert_eq!((done[0].end_ms, done[1].end_ms), (22.0, 24.0));
    assert_eq!(finished, [0, 1]);
    assert_one_runs_at_a_time(&done);
}

#[test]
fn a_wait_overlaps_another_threads_computation() {
    let (done, _) = run(vec![task(0, vec![wait(30)]), task(1, vec![cpu(10)])], 5.0);
    assert!(done.iter().all(|t| t.checked.ok), "{done:?}");
    assert_eq!(
        done[1].end_ms, 10.0,
        "the computation never waited for the lock"
    );
    assert_eq!(
        done[0].end_ms, 30.0,
        "the wait ran beside it: 30 ms in all, not 40"
    );
    assert!(
        done[0]
            .steps
            .iter()
            .any(|s| s.state == State::WaitIo && s.start_ms == 0.0 && s.end_ms == 30.0),
        "{:?}",
        done[0].steps
    );
}

#[test]
fn a_short_request_answers_early_among_long_ones() {
    // Seed 002's index request sent during the siege: it needs one slice, and gets its turn
    // after at most one switch interval per thread ahead of it.
    let (done, finished) = run(
        vec![
            task(0, vec![cpu(20)]),
            task(1, vec![cpu(20)]),
            task(2, vec![cpu(1)]),
        ],
        5.0,
    );
    assert!(done.iter().all(|t| t.checked.ok));
    assert_eq!(done[2].end_ms, 11.0);
    assert_eq!(finished, [2, 0, 1]);
    assert_one_runs_at_a_time(&done);
}

#[test]
fn mixed_steps_and_data_payloads_verify() {
    let data = WorkloadSpec {
        kind: WorkloadKind::Data,
        n: 64,
    };
    let (done, finished) = run(
        vec![
            task(0, vec![cpu(3), wait(20), data]),
            task(1, vec![data, cpu(2)]),
            task(2, vec![]),
        ],
        5.0,
    );
    assert!(done[0].checked.ok && done[1].checked.ok, "{done:?}");
    // A task with no steps computes nothing and is not right (as `run_steps_blocking`).
    assert!(!done[2].checked.ok);
    assert_eq!(finished.len(), 3);
    assert_one_runs_at_a_time(&done);
    // Every task's segments are in order and inside its lifetime.
    for task in &done {
        for pair in task.steps.windows(2) {
            assert!(pair[1].start_ms >= pair[0].end_ms, "{:?}", task.steps);
        }
        assert!(task.steps.iter().all(|s| s.end_ms <= task.end_ms));
    }
}

#[test]
fn a_fetch_holds_up_the_process_but_verifies() {
    let fetch = WorkloadSpec {
        kind: WorkloadKind::Fetch,
        n: 2,
    };
    let (done, _) = run(vec![task(0, vec![fetch]), task(1, vec![cpu(3)])], 5.0);
    assert!(done.iter().all(|t| t.checked.ok), "{done:?}");
    assert_eq!(done[0].end_ms, 20.0);
}
