//! Isolated workers standing in for processes: dedicated Web Workers, each with its own wasm
//! instance and its own memory, reached only through typed messages ([`crate::models::processes::protocol`]).
//!
//! # Start-up
//! [`Process::spawn`] creates a module worker from `www/js/process_boot.js`, tells it which
//! wasm-bindgen module to load (`worker.js`, the `worker` bin), and waits for the named
//! handshake, `cp_ready`. Only then is anything else posted. The time from `new Worker` to the
//! handshake is the model's start-up cost (Python's process start).
//!
//! # Overhead
//! Each task crosses as a serialised message and its result comes back the same way: the cost
//! is far higher than a function call, which is this model's lesson (pickling in
//! `ProcessPoolExecutor`).
//!
//! Closures live in the [`Process`] next to their `Worker`, and dropping the `Process`
//! terminates the worker: no `forget`, no leaked workers per run.
//!
//! The modules: [`process`] (one worker and its handshake), [`start`] (the start methods and
//! their caches), [`payloads`] (how data travels), [`driver`] (the batch), [`worker_side`] (the
//! entry point in the worker).

pub mod driver;
pub mod payloads;
pub mod process;
pub mod start;
pub mod worker_side;

pub use driver::{run, run_bundle};
pub use payloads::{Attachments, stage};
pub use process::{Exchange, Posted, Process, WorkerBundle, probe_isolation};
pub use worker_side::cp_worker_main;
