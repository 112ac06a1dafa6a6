//! Browser glue in headless Chromium (wasm-bindgen-test). The runner serves the page with
//! COOP/COEP, so the page is cross-origin isolated and the thread pool can start.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test browser` (scripts/test.sh does).
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;
use std::sync::atomic::Ordering;

use playground::config::RunConfig;
use playground::control::RunControl;
use playground::models::Model;
use playground::protocol::{FromWorker, ISOLATION_CELL, ToWorker};
use playground::report::Status;
use playground::web::processes::{Process, WorkerBundle};
use playground::web::{self, event_loop, thread_pool};
use playground::workloads::{Checked, WorkloadKind, WorkloadSpec};
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

fn small(kind: WorkloadKind, n: u64, tasks: u32, workers: Option<u32>) -> RunConfig {
    RunConfig {
        workload: kind,
        n,
        tasks,
        workers,
        models: Model::ALL.to_vec(),
    }
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
        .request(&ToWorker::Run { id: 7, spec })
        .await
        .expect("reply")
    {
        FromWorker::Done {
            id,
            checked,
            received_ms,
            start_ms,
            end_ms,
        } => {
            assert!(received_ms <= start_ms, "decoded after arrival");
            assert_eq!(id, 7);
            assert_eq!(
                checked,
                Checked {
                    answer: 9_592,
                    ok: true
                }
            );
            assert!(start_ms <= end_ms);
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
            .request(&ToWorker::Run { id: 8, spec: bad })
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
    let config = small(WorkloadKind::Count, 5_000_000, 3, None);
    let result = event_loop::run(&config, &RunControl::default()).await;
    assert_eq!(result.status, Status::Ok);
    assert!(result.answer_ok, "{result:?}");
    assert_eq!(result.threads_used, ["main"]);
    // 3 tasks of 5 slices each, round robin: far more switches than the 2 of a sequential run.
    assert!(
        result.task_switches.unwrap() >= 6,
        "{:?}",
        result.task_switches
    );
}

#[wasm_bindgen_test]
async fn the_pool_runs_on_exactly_the_requested_threads_and_resizes_without_reload() {
    let env = web::probe();
    let control = Arc::new(RunControl::default());
    // 2 threads, then 3 (more threads than this machine's cores is allowed), then 2 again.
    for (threads, fresh) in [(2, true), (3, true), (3, false), (2, true)] {
        let config = small(WorkloadKind::Primes, 10_000_000, 3 * threads, Some(threads));
        let result = thread_pool::run(&config, &env, &control).await;
        assert_eq!(result.status, Status::Ok, "{:?}", result.message);
        assert!(result.answer_ok, "{result:?}");
        assert_eq!(result.workers, threads);
        let expected: Vec<String> = (0..threads).map(|i| format!("thread {i}")).collect();
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
    let env = web::probe();
    let config = small(WorkloadKind::Count, 2_000_000_000, 2, Some(2));
    let control = Arc::new(RunControl::default());
    let canceller = control.clone();
    wasm_bindgen_futures::spawn_local(async move {
        web::clock::sleep_ms(300).await;
        canceller.cancel();
    });
    let result = thread_pool::run(&config, &env, &control).await;
    assert_eq!(result.status, Status::Cancelled, "{result:?}");
    assert!(result.tasks.is_empty());
}

#[wasm_bindgen_test]
async fn cancelling_stops_the_async_and_worker_models_early() {
    // Long enough that nobody finishes before the cancel lands (seconds of work per task).
    let config = small(WorkloadKind::Count, 2_000_000_000, 2, Some(2));
    let env = web::probe();
    for model in [Model::Async, Model::Processes] {
        let control = Arc::new(RunControl::default());
        let canceller = control.clone();
        wasm_bindgen_futures::spawn_local(async move {
            web::clock::sleep_ms(300).await;
            canceller.cancel();
        });
        let result = match model {
            Model::Async => event_loop::run(&config, &control).await,
            _ => web::processes::run_bundle(&config, &env, &control, &test_bundle()).await,
        };
        assert_eq!(result.status, Status::Cancelled, "{model:?}: {result:?}");
        assert!(!result.answer_ok);
        // Each task is seconds of work and the cancel came at 300 ms: none may have finished.
        assert!(result.tasks.is_empty(), "{model:?}: {:?}", result.tasks);
    }
}
