//! The thread pool: its size, cancel, the simulated GIL, nested submits.

use std::sync::Arc;

use playground::config::Nesting;
use playground::config::RunConfig;
use playground::core::control::RunControl;
use playground::core::metrics::Clock;
use playground::core::trace::{Lane, State};
use playground::models::Model;
use playground::report::Status;
use playground::web;
use playground::workloads::WorkloadKind;
use wasm_bindgen_test::*;

use crate::support::{overlapped, pool_turn, run, small};

#[wasm_bindgen_test]
async fn the_pool_runs_on_exactly_the_requested_threads_and_resizes_without_reload() {
    let _turn = pool_turn().await;
    let env = web::probe();
    let control = Arc::new(RunControl::default());
    // 3 threads (more than this machine's cores is allowed), again, 5, then 3 again. No other
    // test uses these sizes, so the first pool is new whatever ran before. Tasks of 20 ms are
    // long beside a thread taking the next one from the queue: every thread gets some, on any
    // machine.
    for (threads, fresh) in [(3, true), (3, false), (5, true), (3, true)] {
        let config = small(WorkloadKind::Cpu, 20, 3 * threads, Some(threads));
        let result = run(Model::Pool, &config, &env, &control).await;
        assert_eq!(result.status, Status::Ok, "{:?}", result.message);
        assert!(result.answer_ok, "{result:?}");
        assert_eq!(result.workers, threads);
        let expected: Vec<Lane> = (0..threads).map(Lane::Thread).collect();
        assert_eq!(result.threads_used, expected, "every pool thread did work");
        // A new pool reports its threads' start-up; a reused one has none to report.
        assert_eq!(
            result.startup_ms.len(),
            if fresh { threads as usize } else { 0 }
        );
    }
}

#[wasm_bindgen_test]
async fn cancelling_the_pool_stops_its_threads_at_the_next_slice() {
    let _turn = pool_turn().await;
    let env = web::probe();
    // 5 s of computing per task: nobody finishes before the cancel at 300 ms, on any machine.
    let config = small(WorkloadKind::Cpu, 5_000, 2, Some(2));
    let control = Arc::new(RunControl::default());
    let canceller = control.clone();
    wasm_bindgen_futures::spawn_local(async move {
        web::clock::sleep_ms(300).await;
        canceller.cancel();
    });
    let result = run(Model::Pool, &config, &env, &control).await;
    assert_eq!(result.status, Status::Cancelled, "{result:?}");
    assert!(result.tasks.is_empty());
}

#[wasm_bindgen_test]
async fn with_the_gil_at_most_one_pool_thread_computes_at_any_instant() {
    let _turn = pool_turn().await;
    // 40 ms tasks: 20 switch intervals each, so the lock changes hands on any machine.
    let config = RunConfig {
        switch_ms: 2,
        ..small(WorkloadKind::Cpu, 40, 4, Some(2))
    };
    let env = web::probe();
    let control = Arc::new(RunControl::default());
    let gil = run(Model::PoolGil, &config, &env, &control).await;
    let free = run(Model::Pool, &config, &env, &control).await;
    for r in [&gil, &free] {
        assert_eq!(r.status, Status::Ok, "{:?}: {:?}", r.model, r.message);
        assert!(r.answer_ok, "{r:?}");
        assert_eq!(r.threads_used, [Lane::Thread(0), Lane::Thread(1)]);
    }
    let mut runs: Vec<(f64, f64)> = gil
        .tasks
        .iter()
        .flat_map(|t| t.segments.iter().filter(|s| s.state == State::Run))
        .map(|s| (s.start_ms, s.end_ms))
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in runs.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "two threads in `run` at once: {pair:?}"
        );
    }
    let report = gil.gil.as_ref().expect("the GIL model reports its lock");
    assert!(report.forced_switches > 0, "{report:?}");
    assert!(
        gil.tasks
            .iter()
            .any(|t| t.segments.iter().any(|s| s.state == State::WaitGil))
    );
    let lane = gil
        .lanes
        .iter()
        .find(|l| l.lane == Lane::Gil)
        .expect("a GIL-holder lane");
    assert!(lane.segments.iter().any(|s| s.state == State::Run));
    assert!(free.gil.is_none());
    assert!(
        overlapped(&free, State::Run),
        "free-threaded: real parallelism"
    );
}

#[wasm_bindgen_test]
async fn recursive_submit_deadlocks_in_one_pool_is_stopped_and_completes_with_two() {
    let _turn = pool_turn().await;
    let env = web::probe();
    // The deadlock is structural (every worker blocked on a queued sub-task): a little work.
    let base = small(WorkloadKind::Cpu, 10, 2, Some(2));
    let same = RunConfig {
        nested: Nesting::SamePool,
        ..base.clone()
    };
    let started = web::clock::PerformanceClock.now_ms();
    let control = Arc::new(RunControl::default());
    let stuck = run(Model::Pool, &same, &env, &control).await;
    let took = web::clock::PerformanceClock.now_ms() - started;
    assert_eq!(stuck.status, Status::Deadlocked, "{stuck:?}");
    assert!(stuck.message.as_deref().unwrap().contains("separate pool"));
    assert!(stuck.tasks.is_empty());
    assert!(
        took < 5_000.0,
        "detected, not left to the watchdog: {took} ms"
    );

    let separate = RunConfig {
        nested: Nesting::SeparatePool,
        ..base.clone()
    };
    let control = Arc::new(RunControl::default());
    let done = run(Model::PoolGil, &separate, &env, &control).await;
    assert_eq!(done.status, Status::Ok, "{:?}", done.message);
    assert!(done.answer_ok, "{done:?}");
    // The parents block on their thread; the sub-tasks run on the other pool's threads.
    assert!(
        done.tasks
            .iter()
            .all(|t| t.segments.iter().any(|s| s.state == State::Blocked))
    );
    assert!(
        done.lanes
            .iter()
            .any(|l| matches!(l.lane, Lane::SubPoolThread(_))
                && l.segments.iter().any(|s| s.state == State::Run)),
        "{:?}",
        done.lanes
    );
    // And the pool that deadlocked is usable again.
    let control = Arc::new(RunControl::default());
    let again = run(Model::Pool, &base, &env, &control).await;
    assert!(again.answer_ok, "{again:?}");
}
