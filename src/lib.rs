//! Concurrency Playground: the same workload under four concurrency models, side by side.
//!
//! Each model stands for a Python concurrency tool (see the README's "How it works"):
//! the main thread blocking (a blocking Tornado handler), an async scheduler on the event loop
//! (`asyncio.gather`), a shared-memory thread pool (`ThreadPoolExecutor`) and isolated
//! message-passing workers (`ProcessPoolExecutor`).
//!
//! # Layout
//!
//! The crate is split at one line. Above it, the **pure core**: std, serde, rayon and futures
//! only, tested on the host with `cargo test`. Below it, the **browser glue**, compiled only for
//! `wasm32` — the compiler polices the boundary, since the browser crates are wasm32-only
//! dependencies.
//!
//! Pure core:
//! * [`workloads`]: every task in a shape each model can run — the CPU kernels (their own crate,
//!   `kernels/`, compiled for speed while the page is compiled for size), I/O waits, step
//!   profiles — and their oracles; [`workloads::timed`], `cpu:n`: n ms of a task's own
//!   computing on any machine (the design note on what counts as running time is there).
//! * [`nested`]: the recursive-submit experiment — a task blocking on a sub-task, and the
//!   starvation rule that detects the deadlock.
//! * [`models`]: the four concurrency models — the one place that says what each one means.
//! * [`config`]: one run's settings, their limits, validation and edits.
//! * [`control`]: progress and cancellation shared between the page and a running model.
//! * [`url_state`]: [`config::RunConfig`] ⇄ query string, tolerant of bad input.
//! * [`presets`]: the seed articles' experiments as named presets, each a list of runs and a
//!   verdict on whether this machine reproduced the claim.
//! * [`protocol`]: the typed messages between the page and an isolated worker, and the worker
//!   body itself ([`protocol::handle`]).
//! * [`report`]: the results document (`#results-json`), per-task records and their summaries.
//! * [`trace`]: the states and segments every model records, on one clock.
//! * [`scheduler`]: the async model's single-threaded executor (ready queue, timers, yields), instrumented.
//! * [`gil`]: the thread pool's simulated GIL — the lock's rules (design note beside it) and the
//!   [`gil::Gate`] seam every blocking task passes through.
//! * [`chart`]: the geometry of every view (scales, ticks, the timeline's lanes and bars, the
//!   comparison, scaling and latency charts), pure so it is tested on the host; and
//!   [`chart::markup`], the charts' many bars written as SVG text, for the page to hand over in
//!   one piece.
//! * [`decision`]: the decision table built from the user's own runs, beside the seed's.
//! * [`python`]: what each model stands for in Python: a snippet of the current configuration
//!   and a "what you are seeing" explanation of a result.
//! * [`hybrid`]: threads inside one isolated worker under its own GIL — the processes × threads
//!   hybrid of seed 002.
//! * [`host`]: the commands a documentation page may send an embedded playground.
//! * [`metrics`]: the clock seam and the statistics the report needs (heartbeat gaps,
//!   interleaving, timer resolution).
//! * [`export`]: the results document, a CSV of tasks and a Chrome trace out of the page, and a
//!   results file back in.
//! * [`error`]: the crate's error type, rendered in the page as data.
//!
//! Browser glue (`wasm32` only):
//! * `web`: capability probe, clock, and one module per model (`web::blocking`,
//!   `web::event_loop`, `web::thread_pool`, `web::processes`).
//! * `ui`: the Yew page.

#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod chart;
pub mod config;
pub mod control;
pub mod decision;
pub mod error;
pub mod export;
pub mod gil;
pub mod host;
pub mod hybrid;
pub mod metrics;
pub mod models;
pub mod nested;
pub mod presets;
pub mod protocol;
pub mod python;
pub mod report;
pub mod scheduler;
pub mod trace;
pub mod url_state;
pub mod workloads;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};
