//! The shared-memory thread pool: wasm-bindgen-rayon's Web Workers over one SharedArrayBuffer.
//!
//! # Warning about blocking the UI thread
//! The UI thread may not `Atomics.wait`, so a blocking parallel call made *on* it (`par_iter`
//! from an event handler) spins on one of the cores instead of sleeping, and the page freezes.
//! So the UI thread only *submits*: the batch runs inside `rayon::spawn` on a pool thread, and
//! the UI thread awaits a oneshot channel. Pool threads block and steal as usual.
//!
//! # Pool size
//! Rayon's global pool cannot be resized or torn down (wasm-bindgen-rayon issues #20, #29), so
//! the pool is started once, with the first run's worker count; a later run asking for another
//! count says so in its result.

use std::cell::Cell;
use std::sync::Arc;

use futures::channel::oneshot;
use wasm_bindgen_futures::JsFuture;

use crate::config::RunConfig;
use crate::control::RunControl;
use crate::error::{Error, Result};
use crate::metrics::Clock;
use crate::models::{Model, NOT_ISOLATED_EXPLANATION};
use crate::report::{Environment, ModelResult, Status};
use crate::web::clock::{HeartbeatRecorder, PerformanceClock};
use crate::workloads;

thread_local! {
    /// Threads in the global pool once it is started.
    static POOL_THREADS: Cell<Option<u32>> = const { Cell::new(None) };
}

/// Starts the global pool with `threads` workers, once; returns the pool's actual size.
///
/// # Errors
/// [`Error::Unavailable`] without cross-origin isolation; [`Error::Runtime`] if the workers fail.
pub async fn ensure_pool(threads: u32, env: &Environment) -> Result<u32> {
    if let Some(existing) = POOL_THREADS.get() {
        return Ok(existing);
    }
    if !env.cross_origin_isolated {
        return Err(Error::Unavailable(NOT_ISOLATED_EXPLANATION.to_string()));
    }
    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads as usize))
        .await
        .map_err(|e| Error::Runtime(format!("the thread pool failed to start: {e:?}")))?;
    POOL_THREADS.set(Some(threads));
    Ok(threads)
}

/// Runs the batch on the pool, awaiting it from the UI thread. Pool threads see `control`
/// directly (shared memory): they count progress and stop at the next slice when cancelled.
pub async fn run(config: &RunConfig, env: &Environment, control: &Arc<RunControl>) -> ModelResult {
    let spec = config.spec();
    let wanted = config.workers_for(env.hardware_concurrency);
    let threads = match ensure_pool(wanted, env).await {
        Ok(threads) => threads,
        Err(err) => {
            let status = match err {
                Error::Unavailable(_) => Status::Unavailable,
                _ => Status::Error,
            };
            return ModelResult::failed(Model::Pool, &spec, status, err.to_string());
        }
    };
    let clock = PerformanceClock;
    let heartbeat = HeartbeatRecorder::start();
    let tasks = config.tasks;
    let (tx, rx) = oneshot::channel();
    let t0 = clock.now_ms();
    let shared = Arc::clone(control);
    rayon::spawn(move || {
        let records = workloads::run_batch_parallel(&spec, tasks, &shared, &PerformanceClock, t0);
        // The receiver only disappears if the page navigated away; nothing to report then.
        let _ = tx.send(records);
    });
    let Ok(records) = rx.await else {
        return ModelResult::failed(
            Model::Pool,
            &spec,
            Status::Error,
            "a pool thread panicked".into(),
        );
    };
    let t1 = clock.now_ms();
    let mut result = ModelResult::from_tasks(
        Model::Pool,
        &spec,
        t1 - t0,
        heartbeat.summary(t0, t1),
        records,
        tasks,
    );
    result.workers = threads;
    if threads != wanted {
        result.message = Some(format!(
            "The pool was started with {threads} threads on first use and cannot be resized without a reload; {wanted} were asked for."
        ));
    }
    result.cancelled_if(control.is_cancelled(), tasks)
}
