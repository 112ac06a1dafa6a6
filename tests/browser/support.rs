//! What the browser tests share: this bundle as a worker, the pool's turn, small batches, and
//! readings of a result.

use std::sync::Arc;

use playground::config::RunConfig;
use playground::core::control::RunControl;
use playground::core::record::TaskRecord;
use playground::core::trace::State;
use playground::models::Model;
use playground::report::{Environment, ModelResult};
use playground::web;
use playground::web::processes::{Process, WorkerBundle};
use playground::workloads::WorkloadKind;
use wasm_bindgen::prelude::*;

/// This test bundle, as an isolated worker's module. The runner serves its JS at an
/// extension-less URL, so name the wasm file explicitly.
pub(crate) fn test_bundle() -> WorkerBundle {
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
pub(crate) async fn spawn_worker() -> Process {
    test_bundle()
        .spawn()
        .await
        .expect("worker starts and shakes hands")
}

/// The URL of this test bundle's own JS module.
pub(crate) fn this_module_url() -> String {
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
        static URL: js_sys::JsString;
    }
    URL.with(|url| String::from(url))
}

/// The thread pool is one per page: tests that run it take turns, so a test that checks the
/// pool's size or start-up never sees another test's pool appear under it.
pub(crate) async fn pool_turn() -> futures::lock::MutexGuard<'static, ()> {
    static POOL: futures::lock::Mutex<()> = futures::lock::Mutex::new(());
    POOL.lock().await
}

/// A batch of `tasks` tasks of `kind` sized `n`. Work that stands for time is
/// `WorkloadKind::Cpu` (n ms of the task's own computing, on any machine); iteration-sized
/// kernels are used only where their exact answer or their tininess is the point.
pub(crate) fn small(kind: WorkloadKind, n: u64, tasks: u32, workers: Option<u32>) -> RunConfig {
    RunConfig {
        workload: kind,
        n,
        tasks,
        workers,
        ..RunConfig::default()
    }
}

/// Time `task` spent in `state`, ms: the sum of its segments in it.
pub(crate) fn time_in(task: &TaskRecord, state: State) -> f64 {
    task.segments
        .iter()
        .filter(|s| s.state == state)
        .map(|s| s.duration_ms())
        .sum()
}

/// Whether any two tasks were in `state` at the same instant (their segments intersect).
pub(crate) fn overlapped(result: &ModelResult, state: State) -> bool {
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
pub(crate) async fn run(
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
