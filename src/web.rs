//! Browser glue: the capability probe, the one dispatcher ([`run`]), and one module per
//! concurrency model.
//!
//! Every model module has the same shape, `pub async fn run(batch: &Batch<'_>) -> ModelResult`,
//! so a new model is a module (and its pure part a folder in `models`) plus one line in [`run`].
//! A model never lets a failure escape as a panic: one that cannot run returns a result with
//! `Status::Unavailable` or `Status::Error` and a message the page shows.

pub mod batch;
pub mod blocking;
pub mod clock;
pub mod dispatch;
pub mod dom;
pub mod event_loop;
pub mod io;
pub mod location;
pub mod processes;
pub mod server;
pub mod thread_pool;
pub mod threads;

pub use batch::Batch;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::core::metrics::{self, Clock};
use crate::models::Model;
use crate::report::Environment;
use crate::report::ModelResult;

/// Runs a batch under its model: the one place that knows which module runs which model.
pub async fn run(batch: &Batch<'_>) -> ModelResult {
    match batch.model {
        Model::Blocking => blocking::run(batch).await,
        Model::Async => event_loop::run(batch).await,
        Model::PoolGil | Model::Pool => thread_pool::run(batch).await,
        Model::Processes | Model::Hybrid => processes::run(batch).await,
    }
}

/// What this browser context can do.
pub fn probe() -> Environment {
    let global = js_sys::global();
    let cross_origin_isolated = Reflect::get(&global, &JsValue::from_str("crossOriginIsolated"))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let navigator =
        Reflect::get(&global, &JsValue::from_str("navigator")).unwrap_or(JsValue::UNDEFINED);
    let field = |name: &str| {
        Reflect::get(&navigator, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    };
    let hardware_concurrency = field("hardwareConcurrency").as_f64().unwrap_or(1.0) as u32;
    let user_agent = field("userAgent").as_string().unwrap_or_default();
    // Sample the clock back to back: the smallest positive step is its resolution.
    let clock = clock::PerformanceClock;
    let readings: Vec<f64> = (0..20_000).map(|_| clock.now_ms()).collect();
    Environment {
        cross_origin_isolated,
        hardware_concurrency: hardware_concurrency.max(1),
        timer_resolution_ms: metrics::timer_resolution_ms(&readings),
        user_agent,
        count_per_ms: None,
    }
}

/// Measures the count loop's speed on this thread, iterations per ms: the best of a few short
/// runs (the first ones may still run in the baseline compiler). About 50 ms in all, before each
/// run's models start. It sizes nothing (a `cpu:n` step times itself): the page shows it to say
/// how many iterations `n` ms are on this machine, and the results record it. The browser gets a
/// turn between the measurements, so none of them is a long task for the page.
pub async fn count_per_ms() -> Option<u64> {
    let clock = clock::PerformanceClock;
    let iterations = 4 * crate::workloads::count_loop::SLICE;
    let spec = crate::workloads::WorkloadSpec {
        kind: crate::workloads::WorkloadKind::Count,
        n: iterations,
    };
    let mut best_ms = f64::INFINITY;
    for _ in 0..4 {
        clock::yield_now().await;
        let t0 = clock.now_ms();
        if crate::workloads::run_to_end(&spec, &clock).ok {
            best_ms = best_ms.min(clock.now_ms() - t0);
        }
    }
    (best_ms.is_finite() && best_ms > 0.0).then(|| (iterations as f64 / best_ms) as u64)
}
