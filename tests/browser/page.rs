//! What every model relies on: the capability probe, cancel, the time-sized CPU step.

use std::sync::Arc;

use playground::core::control::RunControl;
use playground::models::Model;
use playground::report::Status;
use playground::web;
use playground::workloads::WorkloadKind;
use wasm_bindgen_test::*;

use crate::support::{run, small, test_bundle};

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
