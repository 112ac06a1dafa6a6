use super::*;
use crate::core::control::RunControl;
use crate::core::metrics::SystemClock;
use crate::core::record::TaskRecord;
use crate::core::trace::{Segment, State};
use crate::models::pool::gil::{Gil, GilReport};
use crate::workloads::gate::FreeThreading;
use crate::workloads::io::HostIo;
use crate::workloads::{WorkloadKind, WorkloadSpec, count_loop};

#[test]
fn a_cancelled_pool_task_records_nothing() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 100 * count_loop::SLICE,
    };
    let control = RunControl::default();
    control.cancel();
    assert_eq!(
        run_pool_task(
            &[spec],
            0,
            &control,
            &SystemClock,
            &mut HostIo::default(),
            &FreeThreading,
            0.0
        ),
        None
    );
    assert_eq!(control.done(), 0);
}

#[test]
fn pool_tasks_submitted_fifo_run_once_each_on_pool_threads() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 100_000,
    };
    let control = std::sync::Arc::new(RunControl::default());
    let t0 = SystemClock.now_ms();
    let (tx, rx) = std::sync::mpsc::channel();
    for task in 0..6 {
        let (tx, control) = (tx.clone(), control.clone());
        pool.spawn_fifo(move || {
            tx.send(run_pool_task(
                &[spec],
                task,
                &control,
                &SystemClock,
                &mut HostIo::default(),
                &FreeThreading,
                t0,
            ))
            .unwrap()
        });
    }
    drop(tx);
    let mut records: Vec<TaskRecord> = rx.iter().map(Option::unwrap).collect();
    records.sort_by_key(|r| r.task);
    assert_eq!(
        records.iter().map(|r| r.task).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
    assert_eq!(control.done(), 6);
    for r in &records {
        assert!(r.ok && r.answer == 9_592, "{r:?}");
        assert!(r.lane == "thread 0" || r.lane == "thread 1", "{r:?}");
        assert!(0.0 <= r.start_ms && r.start_ms <= r.end_ms, "{r:?}");
    }
    assert_eq!(
        run_pool_task(
            &[spec],
            9,
            &control,
            &SystemClock,
            &mut HostIo::default(),
            &FreeThreading,
            t0
        )
        .unwrap()
        .lane,
        "outside pool"
    );
}

/// Runs `tasks` count-loop tasks on a 2-thread pool, through a GIL of 1 ms when `gil`.
fn pool_run(gil: bool, steps: &[WorkloadSpec], tasks: u32) -> (Vec<TaskRecord>, Option<GilReport>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let lock = gil.then(|| std::sync::Arc::new(Gil::new(1.0)));
    let control = std::sync::Arc::new(RunControl::default());
    let t0 = SystemClock.now_ms();
    let (tx, rx) = std::sync::mpsc::channel();
    for task in 0..tasks {
        let (tx, control, lock, steps) =
            (tx.clone(), control.clone(), lock.clone(), steps.to_vec());
        pool.spawn_fifo(move || {
            let mut io = HostIo::default();
            let record = match &lock {
                Some(lock) => {
                    let gate =
                        lock.thread(rayon::current_thread_index().unwrap() as u32, &SystemClock);
                    run_pool_task(&steps, task, &control, &SystemClock, &mut io, &gate, t0)
                }
                None => run_pool_task(
                    &steps,
                    task,
                    &control,
                    &SystemClock,
                    &mut io,
                    &FreeThreading,
                    t0,
                ),
            };
            tx.send(record.unwrap()).unwrap()
        });
    }
    drop(tx);
    let records: Vec<TaskRecord> = rx.iter().collect();
    (records, lock.map(|l| l.report(t0)))
}

fn runs(records: &[TaskRecord]) -> Vec<Segment> {
    let mut runs: Vec<Segment> = records
        .iter()
        .flat_map(|r| r.segments.iter().filter(|s| s.state == State::Run).copied())
        .collect();
    runs.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
    runs
}

#[test]
fn with_the_gil_pool_threads_take_turns_and_wait_for_it() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 20 * count_loop::SLICE,
    };
    let (records, report) = pool_run(true, &[spec], 2);
    assert!(records.iter().all(|r| r.ok), "{records:?}");
    for pair in runs(&records).windows(2) {
        assert!(
            pair[0].end_ms <= pair[1].start_ms,
            "two threads ran at once: {pair:?}"
        );
    }
    let report = report.unwrap();
    assert_eq!(report.holds.len() as u32, 2 + report.forced_switches);
    let waited: f64 = records
        .iter()
        .map(|r| crate::core::trace::time_in(&r.segments, State::WaitGil))
        .sum();
    assert!(waited > 0.0, "someone waited for the lock: {records:?}");
}

#[test]
fn a_cpu_step_computes_its_own_time_and_waiting_for_the_gil_is_not_counted() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Cpu,
        n: 30,
    };
    for gil in [true, false] {
        let (records, _) = pool_run(gil, &[spec], 2);
        for r in &records {
            let cpu = r.cpu.expect("a cpu step reports its time");
            assert!(r.ok && r.expected == Some(r.answer), "{r:?}");
            assert_eq!(cpu.requested_ms, 30.0);
            assert!(
                (30.0..=33.0).contains(&cpu.measured_ms),
                "gil {gil}: {cpu:?}"
            );
            // The trace's run time agrees: it holds what was counted (and any time the OS
            // took the core, which the step left out).
            let run = crate::core::trace::time_in(&r.segments, State::Run);
            assert!(
                run >= cpu.measured_ms * 0.99,
                "gil {gil}: run {run} {cpu:?}"
            );
        }
        if gil {
            // Under the GIL the two never computed at once, so the later one finished at
            // least both budgets after the first began, and it waited for the lock meanwhile.
            let first = records.iter().map(|r| r.start_ms).fold(f64::MAX, f64::min);
            let last = records.iter().map(|r| r.end_ms).fold(0.0, f64::max);
            assert!(last - first >= 60.0, "{first} .. {last}");
            let waited: f64 = records
                .iter()
                .map(|r| crate::core::trace::time_in(&r.segments, State::WaitGil))
                .sum();
            assert!(waited >= 20.0, "waited {waited}");
        }
    }
}

#[test]
fn with_the_gil_io_waits_still_overlap() {
    let wait = WorkloadSpec {
        kind: WorkloadKind::Io,
        n: 60,
    };
    let (records, _) = pool_run(true, &[wait], 2);
    let waits: Vec<Segment> = records
        .iter()
        .flat_map(|r| {
            r.segments
                .iter()
                .filter(|s| s.state == State::WaitIo)
                .copied()
        })
        .collect();
    assert_eq!(waits.len(), 2);
    let overlap = waits[0].end_ms.min(waits[1].end_ms) - waits[0].start_ms.max(waits[1].start_ms);
    assert!(overlap > 40.0, "the waits ran side by side: {waits:?}");
}
