//! Starting the workers by the run's start method: spawn, forkserver-like (the module compiled
//! once in the page) or warm (the last run's workers, kept).

use std::cell::RefCell;

use futures::future::join_all;
use wasm_bindgen::prelude::*;

use super::process::*;
use crate::config::StartMethod;
use crate::core::control::RunControl;
use crate::core::error::Result;
use crate::core::metrics::Clock;
use crate::web::clock::PerformanceClock;
use crate::web::io::{self};

thread_local! {
    /// Forkserver-like start: the worker module, compiled once per page, by wasm URL.
    static COMPILED: RefCell<Option<(String, JsValue)>> = const { RefCell::new(None) };
    /// Warm start: workers kept from the last run, by bundle.
    pub(super) static WARM: RefCell<Option<(WorkerBundle, Vec<Process>)>> = const { RefCell::new(None) };
}

/// The workers for a run and what starting them cost.
pub(super) struct Started {
    pub(super) processes: Vec<Process>,
    /// How many came warm from an earlier run.
    pub(super) reused: u32,
    /// Forkserver-like: the page's one compile of the module, if this run did it (ms).
    pub(super) compile_ms: Option<f64>,
}

/// Compiles `bundle`'s wasm in the page, once (the "fork server" is ready after this).
pub(super) async fn compiled(bundle: &WorkerBundle) -> Result<(JsValue, Option<f64>)> {
    let url = bundle.wasm_url();
    if let Some(module) = COMPILED.with_borrow(|c| {
        c.as_ref()
            .filter(|(u, _)| *u == url)
            .map(|(_, m)| m.clone())
    }) {
        return Ok((module, None));
    }
    let t0 = PerformanceClock.now_ms();
    let module = io::compile_wasm(&url).await?;
    let compile_ms = PerformanceClock.now_ms() - t0;
    COMPILED.with_borrow_mut(|c| *c = Some((url, module.clone())));
    Ok((module, Some(compile_ms)))
}

/// Starts (or, warm, takes back) `workers` workers by `method`.
pub(super) async fn start(
    bundle: &WorkerBundle,
    workers: u32,
    method: StartMethod,
    control: &RunControl,
) -> Result<Started> {
    let mut reused = Vec::new();
    if method == StartMethod::Warm {
        reused = WARM
            .with_borrow_mut(|w| w.take())
            .filter(|(b, _)| b == bundle)
            .map(|(_, p)| p)
            .unwrap_or_default();
        // Extra warm workers are terminated (dropped): the run asked for fewer.
        reused.truncate(workers as usize);
    }
    let missing = workers as usize - reused.len();
    let (module, compile_ms) = match method {
        StartMethod::Forkserver => {
            let (module, ms) = compiled(bundle).await?;
            (Some(module), ms)
        }
        _ => (None, None),
    };
    // Each worker that comes up is progress: the watchdog must not take a slow start (dozens of
    // workers on two cores) for a stall.
    let spawned = join_all((0..missing).map(|_| async {
        let process = bundle.spawn_with(module.as_ref()).await;
        control.tick();
        process
    }))
    .await;
    let count = reused.len() as u32;
    let mut processes = reused;
    for process in spawned {
        processes.push(process?);
    }
    Ok(Started {
        processes,
        reused: count,
        compile_ms,
    })
}
