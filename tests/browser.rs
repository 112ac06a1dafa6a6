//! Browser glue in headless Chromium (wasm-bindgen-test). The runner serves the page with
//! COOP/COEP, so the page is cross-origin isolated and the thread pool can start.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test browser` (scripts/test.sh does).
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;
use std::sync::atomic::Ordering;

use playground::config::Nesting;
use playground::config::{AsyncMode, PayloadMode, RunConfig, StartMethod};
use playground::core::control::RunControl;
use playground::core::metrics::Clock;
use playground::core::record::TaskRecord;
use playground::core::trace::{Lane, State};
use playground::models::Model;
use playground::models::processes::protocol::{
    FromWorker, ISOLATION_CELL, Payloads, TaskRun, ToWorker,
};
use playground::report::{Environment, ModelResult, Status};
use playground::web;
use playground::web::processes::{Process, WorkerBundle};
use playground::workloads::{WorkloadKind, WorkloadSpec};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// This test bundle, as an isolated worker's module. The runner serves its JS at an
/// extension-less URL, so name the wasm file explicitly.
fn test_bundle() -> WorkerBundle {
    let js = this_module_url();
    let wasm = web_sys::Url::new_with_base("wasm-bindgen-test_bg.wasm", &js)
        .unwrap()
        .href();
    WorkerBundle {
        js,
        wasm: Some(wasm),
    }
}

/// Starts an isolated worker running a fresh instance of this test bundle.
async fn spawn_worker() -> Process {
    test_bundle()
        .spawn()
        .await
        .expect("worker starts and shakes hands")
}

/// The URL of this test bundle's own JS module.
fn this_module_url() -> String {
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
        static URL: js_sys::JsString;
    }
    URL.with(|url| String::from(url))
}

/// The thread pool is one per page: tests that run it take turns, so a test that checks the
/// pool's size or start-up never sees another test's pool appear under it.
async fn pool_turn() -> futures::lock::MutexGuard<'static, ()> {
    static POOL: futures::lock::Mutex<()> = futures::lock::Mutex::new(());
    POOL.lock().await
}

/// A batch of `tasks` tasks of `kind` sized `n`. Work that stands for time is
/// `WorkloadKind::Cpu` (n ms of the task's own computing, on any machine); iteration-sized
/// kernels are used only where their exact answer or their tininess is the point.
fn small(kind: WorkloadKind, n: u64, tasks: u32, workers: Option<u32>) -> RunConfig {
    RunConfig {
        workload: kind,
        n,
        tasks,
        workers,
        ..RunConfig::default()
    }
}

/// Time `task` spent in `state`, ms: the sum of its segments in it.
fn time_in(task: &TaskRecord, state: State) -> f64 {
    task.segments
        .iter()
        .filter(|s| s.state == state)
        .map(|s| s.duration_ms())
        .sum()
}

/// Whether any two tasks were in `state` at the same instant (their segments intersect).
fn overlapped(result: &ModelResult, state: State) -> bool {
    let spans: Vec<(f64, f64)> = result
        .tasks
        .iter()
        .flat_map(|t| t.segments.iter().filter(|s| s.state == state))
        .map(|s| (s.start_ms, s.end_ms))
        .collect();
    spans
        .iter()
        .enumerate()
        .any(|(i, a)| spans[i + 1..].iter().any(|b| a.0 < b.1 && b.0 < a.1))
}

/// Runs a batch through the page's own dispatcher.
async fn run(
    model: Model,
    config: &RunConfig,
    env: &Environment,
    control: &Arc<RunControl>,
) -> ModelResult {
    web::run(&web::Batch {
        model,
        config,
        env,
        control,
    })
    .await
}

#[wasm_bindgen_test]
fn the_probe_sees_isolation_cores_and_a_fine_timer() {
    let env = web::probe();
    assert!(
        env.cross_origin_isolated,
        "the test runner serves COOP/COEP"
    );
    assert!(env.hardware_concurrency >= 1);
    let resolution = env.timer_resolution_ms.expect("the clock advances");
    assert!(resolution > 0.0 && resolution <= 1.0, "{resolution}");
}

#[wasm_bindgen_test]
async fn an_isolated_worker_answers_over_the_typed_protocol() {
    let mut worker = spawn_worker().await;
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 100_000,
    };
    match worker
        .request(&ToWorker::Run {
            tasks: vec![TaskRun {
                id: 7,
                steps: vec![spec],
            }],
            payloads: Payloads::None,
            gil_threads: None,
        })
        .await
        .expect("reply")
    {
        FromWorker::Done {
            received_ms,
            decoded_ms,
            tasks,
        } => {
            assert_eq!(tasks.len(), 1);
            let task = &tasks[0];
            assert_eq!(task.steps.len(), 1);
            assert_eq!(task.steps[0].state, State::Run);
            assert!(received_ms <= decoded_ms && decoded_ms <= task.start_ms);
            assert_eq!(task.id, 7);
            assert_eq!((task.checked.answer, task.checked.ok), (9_592, true));
            assert!(task.start_ms <= task.end_ms);
        }
        other => panic!("unexpected reply {other:?}"),
    }
    // Invalid input is refused by the worker with a message, and the worker stays usable.
    let bad = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 123,
    };
    assert!(
        worker
            .request(&ToWorker::Run {
                tasks: vec![TaskRun {
                    id: 8,
                    steps: vec![bad],
                }],
                payloads: Payloads::None,
                gil_threads: None,
            })
            .await
            .is_err()
    );
    assert_eq!(
        worker.request(&ToWorker::GetCell).await,
        Ok(FromWorker::Cell { value: 0 })
    );
}

#[wasm_bindgen_test]
async fn isolated_workers_do_not_share_memory_with_each_other_or_the_page() {
    let mut workers = vec![spawn_worker().await, spawn_worker().await];
    let probe = web::processes::probe_isolation(&mut workers)
        .await
        .expect("probe runs");
    assert_eq!(
        probe.worker_reads[0], probe.written,
        "worker 0 keeps its own write"
    );
    assert_ne!(
        probe.worker_reads[1], probe.written,
        "worker 1 must not see it"
    );
    assert_ne!(
        ISOLATION_CELL.load(Ordering::SeqCst),
        probe.written,
        "nor the page"
    );
    assert!(probe.isolated());
}

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
async fn cancelling_stops_the_async_and_worker_models_early() {
    // Long enough that nobody finishes before the cancel lands (5 s of computing per task).
    let config = small(WorkloadKind::Cpu, 5_000, 2, Some(2));
    let env = web::probe();
    for model in [Model::Async, Model::Processes] {
        let control = Arc::new(RunControl::default());
        let canceller = control.clone();
        wasm_bindgen_futures::spawn_local(async move {
            web::clock::sleep_ms(300).await;
            canceller.cancel();
        });
        let result = match model {
            Model::Async => run(Model::Async, &config, &web::probe(), &control).await,
            _ => {
                web::processes::run_bundle(
                    Model::Processes,
                    &config,
                    &env,
                    &control,
                    &test_bundle(),
                )
                .await
            }
        };
        assert_eq!(result.status, Status::Cancelled, "{model:?}: {result:?}");
        assert!(!result.answer_ok);
        // Each task is seconds of work and the cancel came at 300 ms: none may have finished.
        assert!(result.tasks.is_empty(), "{model:?}: {:?}", result.tasks);
    }
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
async fn payloads_reach_the_workers_copied_transferred_or_shared_and_verify() {
    let env = web::probe();
    // The copy way twice: payloads of 1 MiB go as buffers for the structured clone, of 64 KiB
    // serialised together (protocol::copy_way).
    for (mode, kib) in [
        (PayloadMode::Copy, 1024),
        (PayloadMode::Copy, 64),
        (PayloadMode::Transfer, 1024),
        (PayloadMode::Shared, 1024),
    ] {
        let payload = 4 * kib * 1024;
        let config = RunConfig {
            payload: mode,
            ..small(WorkloadKind::Data, kib, 4, Some(2))
        };
        let control = RunControl::default();
        let r =
            web::processes::run_bundle(Model::Processes, &config, &env, &control, &test_bundle())
                .await;
        assert_eq!(r.status, Status::Ok, "{mode:?}: {:?}", r.message);
        assert!(r.answer_ok, "{mode:?}: {r:?}");
        let ipc = r.ipc.as_ref().expect("the worker model reports its IPC");
        assert_eq!(ipc.payload_mode, mode);
        assert_eq!(ipc.payload_bytes, payload, "{mode:?}");
        match mode {
            // Serialised: the payload bytes travel in the messages, with the request's JSON.
            PayloadMode::Copy => {
                assert!(ipc.bytes_out > payload, "{ipc:?}");
                assert_eq!(ipc.messages, 4);
                assert_eq!(ipc.source_detached, None);
            }
            // Moved: in the messages too, and the page's buffers were detached.
            PayloadMode::Transfer => {
                assert!(ipc.bytes_out >= payload, "{ipc:?}");
                assert_eq!(ipc.source_detached, Some(true));
            }
            // Written in place beforehand: the messages carry JSON only, and each task needed
            // a reservation first.
            PayloadMode::Shared => {
                assert!(ipc.bytes_out < 64 * 1024, "{ipc:?}");
                assert_eq!(ipc.messages, 8);
            }
        }
        assert!(
            r.tasks
                .iter()
                .all(|t| t.segments.iter().any(|s| s.state == State::Serialize))
        );
    }
}

#[wasm_bindgen_test]
async fn chunks_batch_tasks_per_message_and_start_methods_cost_what_they_say() {
    let env = web::probe();
    let base = small(WorkloadKind::Count, 1_000, 16, Some(2));
    let control = RunControl::default();
    let mut messages = Vec::new();
    for chunksize in [1, 4, 16] {
        let config = RunConfig {
            chunksize,
            ..base.clone()
        };
        let r =
            web::processes::run_bundle(Model::Processes, &config, &env, &control, &test_bundle())
                .await;
        assert_eq!(r.status, Status::Ok, "{:?}", r.message);
        assert!(r.answer_ok && r.tasks.len() == 16, "{r:?}");
        messages.push(r.ipc.unwrap().messages);
        // With one chunk of 16, one worker gets everything: the tail imbalance.
        if chunksize == 16 {
            assert_eq!(r.threads_used.len(), 1, "{:?}", r.threads_used);
        }
    }
    assert_eq!(messages, [16, 4, 1]);

    // Forkserver-like: the page compiles once, workers only instantiate; warm: no start-up.
    let forkserver = RunConfig {
        start: StartMethod::Forkserver,
        ..base.clone()
    };
    let r = web::processes::run_bundle(
        Model::Processes,
        &forkserver,
        &env,
        &control,
        &test_bundle(),
    )
    .await;
    assert!(r.answer_ok, "{r:?}");
    assert_eq!(r.startup_ms.len(), 2);
    let warm = RunConfig {
        start: StartMethod::Warm,
        ..base.clone()
    };
    let first =
        web::processes::run_bundle(Model::Processes, &warm, &env, &control, &test_bundle()).await;
    assert!(first.answer_ok);
    assert_eq!(first.ipc.as_ref().unwrap().reused_workers, 0);
    assert_eq!(
        first.startup_ms.len(),
        2,
        "the first warm run starts its workers"
    );
    let second =
        web::processes::run_bundle(Model::Processes, &warm, &env, &control, &test_bundle()).await;
    assert!(second.answer_ok, "{second:?}");
    assert_eq!(second.ipc.as_ref().unwrap().reused_workers, 2);
    assert!(second.startup_ms.is_empty(), "{:?}", second.startup_ms);
    assert!(second.isolation.unwrap().isolated());
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

#[wasm_bindgen_test]
async fn the_hybrid_runs_each_workers_share_as_threads_under_its_own_gil() {
    // Seed 002's last siege in small: five long requests and a short one on two processes. The
    // long ones compute for 20 GIL switch intervals each, so every thread takes many turns and
    // the comparison below is between times of this run, not two switch intervals against a
    // guess at this machine's speed.
    let switch_ms = RunConfig::default().switch_ms;
    let long = WorkloadSpec {
        kind: WorkloadKind::Cpu,
        n: u64::from(20 * switch_ms),
    };
    let short = WorkloadSpec {
        kind: WorkloadKind::Cpu,
        n: 1,
    };
    let mut profiles = vec![vec![long]; 5];
    profiles.push(vec![short]);
    let config = RunConfig {
        steps: Some(profiles),
        tasks: 6,
        workers: Some(2),
        models: vec![Model::Hybrid],
        ..RunConfig::default()
    };
    let env = web::probe();
    let control = RunControl::default();
    let r =
        web::processes::run_bundle(Model::Hybrid, &config, &env, &control, &test_bundle()).await;
    assert_eq!(r.status, Status::Ok, "{:?}", r.message);
    assert!(r.answer_ok, "{r:?}");
    // Dealt round-robin: worker 0 serves tasks 0, 2, 4; worker 1 tasks 1, 3, 5.
    for t in &r.tasks {
        let expected = Lane::Worker {
            worker: t.task % 2,
            thread: Some(t.task / 2),
        };
        assert_eq!(t.lane, expected);
        assert_eq!(
            t.lane.to_string(),
            format!("worker {} · thread {}", t.task % 2, t.task / 2)
        );
    }
    // In one worker, one thread computes at a time; the threads waited for the lock.
    for worker in 0..2 {
        let mut turns: Vec<(f64, f64)> = r
            .tasks
            .iter()
            .filter(|t| t.task % 2 == worker)
            .flat_map(|t| &t.segments)
            .filter(|s| s.state == State::Run)
            .map(|s| (s.start_ms, s.end_ms))
            .collect();
        turns.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(
            turns.windows(2).all(|w| w[1].0 >= w[0].1 - 0.01),
            "worker {worker}: {turns:?}"
        );
    }
    assert!(
        r.tasks
            .iter()
            .any(|t| t.segments.iter().any(|s| s.state == State::WaitGil))
    );
    // The short request answered on its own, long before its worker's long ones: it took less
    // than half the time one long request on its worker spent computing, both measured in this
    // run (task times from when the worker began its share, after its start-up).
    let task = |id: u32| r.tasks.iter().find(|t| t.task == id).unwrap();
    let took = |id: u32| task(id).end_ms - task(id).start_ms;
    let long_ran = time_in(task(1), State::Run);
    assert!(
        took(5) < 0.5 * long_ran,
        "short took {} ms; long computed {long_ran} ms of {} ms",
        took(5),
        took(1)
    );
}

#[wasm_bindgen_test]
fn staged_buffers_are_reused_for_the_same_sizes_and_hold_the_new_bytes() {
    let mut staging = Vec::new();
    let first = web::processes::stage(&mut staging, &[vec![1u8; 8], vec![2u8; 4]]).to_vec();
    assert_eq!(first[0].to_vec(), [1u8; 8]);
    // Same sizes, new bytes: the same buffers, refreshed.
    let second = web::processes::stage(&mut staging, &[vec![3u8; 8], vec![4u8; 4]]).to_vec();
    assert!(js_sys::Object::is(&first[0], &second[0]) && js_sys::Object::is(&first[1], &second[1]));
    assert_eq!(
        (second[0].to_vec(), second[1].to_vec()),
        (vec![3u8; 8], vec![4u8; 4])
    );
    // Other sizes: new buffers.
    let third = web::processes::stage(&mut staging, &[vec![5u8; 6]]).to_vec();
    assert_eq!(third.len(), 1);
    assert!(!js_sys::Object::is(&first[0], &third[0]));
    assert_eq!(third[0].to_vec(), [5u8; 6]);
}

/// A `cpu` step computes its n ms on the page's first run, before the engine's optimising tier
/// has compiled the loop, as on its hundredth: the time is the step's own, whatever its speed.
#[wasm_bindgen_test]
async fn a_cpu_step_takes_its_time_from_the_first_run_to_the_hundredth() {
    let config = small(WorkloadKind::Cpu, 3, 1, None);
    let env = web::probe();
    let mut speeds = Vec::new();
    for at in 0..100 {
        let result = run(
            Model::Blocking,
            &config,
            &env,
            &Arc::new(RunControl::default()),
        )
        .await;
        let task = &result.tasks[0];
        let cpu = task.cpu.expect("a cpu step reports its time");
        assert!(
            task.ok && task.expected == Some(task.answer),
            "run {at}: {task:?}"
        );
        assert!((3.0..=3.3).contains(&cpu.measured_ms), "run {at}: {cpu:?}");
        speeds.push(task.answer as f64 / cpu.measured_ms);
    }
    let fastest = speeds.iter().copied().fold(0.0, f64::max);
    web_sys::console::log_1(
        &format!(
            "cpu:3 × 100 runs: the loop ran {:.0} iterations/ms on the first, {:.0} on the last, {fastest:.0} at best",
            speeds[0], speeds[99]
        )
        .into(),
    );
}
