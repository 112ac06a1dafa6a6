//! Concurrency Playground: the same workload under six concurrency models, side by side.
//!
//! Each model stands for a Python concurrency tool (see the README's "How it works"): the main
//! thread blocking (a blocking Tornado handler), an async scheduler on the event loop
//! (`asyncio.gather`), a shared-memory thread pool under a simulated GIL and without one
//! (`ThreadPoolExecutor`, GIL and free-threaded builds), isolated message-passing workers
//! (`ProcessPoolExecutor`), and isolated workers each running threads under its own GIL (seed
//! 002's processes × threads).
//!
//! # Layers
//!
//! One folder per layer; a file uses only its own layer and the layers to its left, and no two
//! files import each other even indirectly (`tests/layers.rs` reads the sources and enforces
//! both):
//!
//! ```text
//! core ← workloads ← config ← models ← report ← present ← web ← ui
//! ```
//!
//! Everything up to `present` is the **pure core**: std, serde, rayon and futures only, tested
//! on the host with `cargo test`. `web` and `ui` are the **browser glue**, compiled only for
//! `wasm32` — the compiler polices that boundary, since the browser crates are wasm32-only
//! dependencies. Why this order: a model runs workloads with settings and leaves records; the
//! report gathers records; what the page says is computed from reports; the glue runs the
//! models and shows what `present` computed.
//!
//! # Crate map
//!
//! * [`core`] — the ground floor, depending on nothing else here:
//!   [`core::error`] the crate's error type, rendered in the page as data; [`core::choice`] the
//!   trait of every named setting (an id in URLs, a label in the page);
//!   [`core::metrics`] the clock seam and the statistics (heartbeat gaps, distributions, timer
//!   resolution); [`core::trace`] the states and segments every model records, on one clock;
//!   [`core::record`] a task's checked answer and its record; [`core::control`] progress,
//!   cancellation and the watchdog shared between the page and a running model.
//! * [`workloads`] — every task in a shape each model can run, with its oracle: the CPU kernels
//!   (their own crate, `kernels/`, compiled for speed while the page is compiled for size) as
//!   resumable runners, and the step runners (one blocking, one async);
//!   [`workloads::timed`] `cpu:n`, n ms of a task's own computing on any machine (the design
//!   note on what counts as running time is there); [`workloads::io`] the seam through which
//!   each model waits and fetches its own way, and the one `IoStep` they all drive; [`workloads::gate`] the seam where a task meets
//!   a GIL, or none.
//! * [`config`] — one run's settings, their limits, validation and edits;
//!   [`config::knobs`] every named choice (the models among them); [`config::plan`] a run's series (each model,
//!   each worker count of a sweep, the warm-up and the repeats), pure so the host tests it.
//! * [`models`] — what each model means ([`models::Model::info`]), and one folder per model:
//!   [`models::event_loop`] the async model's single-threaded executor (ready queue, timers,
//!   yields; design note in `event_loop/README.md`); [`models::pool`] the shared-memory thread
//!   pool's job body, with [`models::pool::gil`] (the simulated GIL: pure rules under a real
//!   lock, design note in `gil/README.md`) and [`models::pool::nested`] (recursive submit and
//!   the starvation rule that detects the deadlock); [`models::processes`] the isolated
//!   workers, with [`models::processes::protocol`] (typed messages and the versioned
//!   handshake), [`models::processes::worker`] (the worker's body),
//!   [`models::processes::hybrid`] (threads under a worker's own GIL) and
//!   [`models::processes::records`] (the page's side of the trace, the IPC report). The
//!   blocking model has no folder: it is [`workloads::run_steps_blocking`] on the page's thread.
//! * [`report`] — the results document (`#results-json`), its summaries, and the preset
//!   reports; [`report::series`] how a series' runs fold into what the page shows.
//! * [`present`] — what the page says, pure so the host tests it: [`present::chart`] the
//!   geometry of every view (one module each: timeline, comparison, scaling, latency, on the
//!   shared scale and states) and [`present::chart::markup`] their bars as SVG text;
//!   [`present::python`] the Python each model stands for ([`present::python::snippet`]) and
//!   what a result shows ([`present::python::explain`]);
//!   [`present::decision`] the decision table from the user's own runs beside the seed's;
//!   [`present::presets`] the seed articles' experiments, one file per preset (its claim, runs
//!   and verdict together);
//!   [`present::url_state`] settings ⇄ query string, tolerant of bad input;
//!   [`present::export`] the results, a CSV and a Chrome trace out, a results file back in;
//!   [`present::host`] the commands a documentation page may send an embedded playground;
//!   [`present::page`] the page's state, its actions and the pure reducer over them.
//! * `web` (`wasm32`) — the capability probe, `web::run` (the one dispatcher: every model's
//!   glue is `run(&Batch) -> ModelResult`, `web::batch`) and the glue of each model:
//!   `web::blocking`, `web::event_loop`, `web::thread_pool` on `web::threads` (Web Workers
//!   sharing the memory) and `web::dispatch` (the one thread that calls rayon: the UI thread
//!   never may, since it cannot block), `web::processes` (process, start, payloads, driver,
//!   worker_side); `web::io`, `web::clock`, `web::location` (the URL), `web::dom` (run state,
//!   drawing flags, theme).
//! * `ui` (`wasm32`) — the Yew page: `ui::app` (the component, mounted by `ui::start`),
//!   `ui::state` (Yew's `Reducible`, forwarding to `present::page`), `ui::run` (walks the plan through `web::run`),
//!   `ui::host_api`, and the page's parts (controls, results, share, ticker, views).
//!
//! Tests are placed by scope: a module's unit tests in its sibling `test.rs` (host), the layering
//! in `tests/layers.rs`, the glue in `tests/browser/` (wasm-bindgen-test, one module per
//! mechanism), the page in `tests/e2e/` (one file per concern); benchmarks in `benches/`.

#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

pub mod config;
pub mod core;
pub mod models;
pub mod present;
pub mod report;
pub mod workloads;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use crate::core::error::{Error, Result};
