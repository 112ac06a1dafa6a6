//! Isolated workers: `ProcessPoolExecutor`, and seed 002's processes × threads hybrid. Each
//! worker is a dedicated Web Worker with its own wasm instance and memory, reached only by
//! messages; this module is the pure part of both sides:
//!
//! * [`protocol`]: the typed messages between the page and a worker, and the handshake;
//! * [`worker`]: the worker's body, which answers them;
//! * [`records`]: the page's side of the trace: each task's record assembled from a round trip
//!   and the worker's reply, and what a run records beside its tasks (IPC, start-up legs, the
//!   isolation probe);
//! * [`hybrid`]: one worker's share of the tasks run at once as threads under its own GIL.

pub mod hybrid;
pub mod protocol;
pub mod records;
pub mod worker;
