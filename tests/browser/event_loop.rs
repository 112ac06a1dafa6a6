//! The async scheduler on the page's event loop, and I/O across the models.

use std::sync::Arc;

use playground::config::{AsyncMode, RunConfig};
use playground::core::control::RunControl;
use playground::core::trace::{Lane, State};
use playground::models::Model;
use playground::report::{ModelResult, Status};
use playground::web;
use playground::workloads::WorkloadKind;
use wasm_bindgen_test::*;

use crate::support::{overlapped, pool_turn, run, small};

#[wasm_bindgen_test]
async fn async_tasks_interleave_on_one_thread_and_verify() {
    let config = small(WorkloadKind::Cpu, 20, 3, None);
    let result = run(
        Model::Async,
        &config,
        &web::probe(),
        &Arc::new(RunControl::default()),
    )
    .await;
    assert_eq!(result.status, Status::Ok);
    assert!(result.answer_ok, "{result:?}");
    assert_eq!(result.threads_used, [Lane::Main]);
    // 3 tasks of 20 ms, in slices of ~1 ms of computing, round robin: far more switches than
    // the 2 of a sequential run.
    assert!(
        result.task_switches.unwrap() >= 6,
        "{:?}",
        result.task_switches
    );
}

#[wasm_bindgen_test]
async fn naive_async_cpu_work_makes_the_other_tasks_wait_cooperative_interleaves() {
    // 40 ms of computing per task: several beats of the page's 10 ms heartbeat, so a gap that
    // covers a task means something on any machine.
    let cooperative = small(WorkloadKind::Cpu, 40, 3, None);
    let naive = RunConfig {
        async_mode: AsyncMode::Naive,
        ..cooperative.clone()
    };
    let control = Arc::new(RunControl::default());
    let c = run(Model::Async, &cooperative, &web::probe(), &control).await;
    let n = run(Model::Async, &naive, &web::probe(), &control).await;
    assert!(c.answer_ok && n.answer_ok);
    // Naive: each task holds the loop to the end — one run each, two switches for three tasks,
    // and the page could not tick meanwhile.
    assert_eq!(n.task_switches, Some(2));
    for t in &n.tasks {
        let runs = t.segments.iter().filter(|s| s.state == State::Run).count();
        assert_eq!(
            runs, 1,
            "task {} ran in one piece: {:?}",
            t.task, t.segments
        );
    }
    // While a naive task runs, not even the page's timer can fire: the longest gap between
    // beats covers at least one whole task.
    let shortest_run = n
        .tasks
        .iter()
        .map(|t| {
            t.segments
                .iter()
                .find(|s| s.state == State::Run)
                .unwrap()
                .duration_ms()
        })
        .fold(f64::INFINITY, f64::min);
    assert!(
        n.heartbeat.longest_gap_ms >= shortest_run,
        "gap {} < run {shortest_run}",
        n.heartbeat.longest_gap_ms
    );
    // Cooperative: slices of different tasks alternate, and they overlap in time.
    assert!(c.task_switches.unwrap() >= 6, "{:?}", c.task_switches);
    assert!(overlapped(&c, State::Run) || overlapped(&c, State::Ready));
    let spans = |r: &ModelResult| {
        r.tasks
            .iter()
            .map(|t| (t.start_ms, t.end_ms))
            .collect::<Vec<_>>()
    };
    let (first, second) = (spans(&c)[0], spans(&c)[1]);
    assert!(
        second.0 < first.1,
        "task 1 started before task 0 ended: {first:?} {second:?}"
    );
}

#[wasm_bindgen_test]
async fn an_io_batch_overlaps_in_async_and_pool_but_not_on_the_blocking_main_thread() {
    let _turn = pool_turn().await;
    let config = small(WorkloadKind::Io, 150, 4, Some(4));
    let env = web::probe();
    let control = Arc::new(RunControl::default());
    let blocking = run(Model::Blocking, &config, &env, &control).await;
    let asynchronous = run(Model::Async, &config, &web::probe(), &control).await;
    let pool = run(Model::Pool, &config, &env, &control).await;
    for r in [&blocking, &asynchronous, &pool] {
        assert_eq!(r.status, Status::Ok, "{:?}: {:?}", r.model, r.message);
        assert!(r.answer_ok, "{:?} waited the full 150 ms per task", r.model);
        assert!(
            r.tasks
                .iter()
                .all(|t| t.segments.iter().any(|s| s.state == State::WaitIo))
        );
    }
    assert!(
        !overlapped(&blocking, State::WaitIo),
        "the main thread waits one task at a time"
    );
    assert!(
        overlapped(&asynchronous, State::WaitIo),
        "timers overlap on one thread"
    );
    assert!(overlapped(&pool, State::WaitIo), "sleeping threads overlap");
    // Each wait freezes the page: one long gap per task (the page gets one turn between tasks).
    assert!(
        blocking.heartbeat.long_gaps >= 4,
        "a blocking wait on the main thread freezes the page: {:?}",
        blocking.heartbeat
    );
}
