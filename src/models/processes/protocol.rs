//! The typed messages between the page and an isolated worker (the worker's body that answers
//! them is [`super::worker`]).
//!
//! # Handshake
//! The page creates a worker and posts nothing until the worker posts [`FromWorker::Ready`]
//! carrying [`PROTOCOL_VERSION`]: a message posted before the worker's wasm instance exists
//! would have no handler. After that the page sends one [`ToWorker`] at a time and awaits its
//! reply.
//!
//! # Wire format
//! JSON text, with a namespaced `type` tag (`cp_ready`, `cp_run`, …) so our messages can never be
//! confused with another library's (wasm-bindgen-rayon uses `wasm_bindgen_worker_*`). JSON is
//! readable in devtools, and its cost is part of what this model demonstrates: everything
//! crosses as a serialised copy, like pickling for `ProcessPoolExecutor`.
//!
//! Data payloads (megabytes) do not go through JSON: a request carries them after its text in
//! one of three ways ([`Payloads`]) — serialised with serde into bytes and copied (pickling),
//! transferred (the page copies each out of its wasm memory once, the move itself copies
//! nothing, the worker copies it into its memory once), or written beforehand straight into the
//! worker's own memory through its SharedArrayBuffer (`multiprocessing.shared_memory`: one copy
//! in all).
//!
//! # Chunks
//! One [`ToWorker::Run`] carries `chunksize` tasks and one [`FromWorker::Done`] answers them all,
//! as `ProcessPoolExecutor.map(fn, items, chunksize=k)` batches items per message.
//!
//! # Overhead
//! A message round trip costs a structured clone, an event-loop turn on each side and the
//! (de)serialisation — far more than a function call. That is the lesson of this model.

use std::sync::atomic::AtomicU64;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::error::{Error, Result};
use crate::core::record::Checked;
use crate::core::trace::Segment;
use crate::workloads::WorkloadSpec;

/// Bumped whenever a message changes shape; checked in the ready handshake.
pub const PROTOCOL_VERSION: u32 = 7;

/// Least interval between two [`FromWorker::Tick`]s from one worker, ms.
pub const TICK_EVERY_MS: f64 = 250.0;

/// State private to one wasm instance. The isolation probe writes it in one worker and reads it
/// everywhere: a worker (or the page) that saw another's write would share its memory.
pub static ISOLATION_CELL: AtomicU64 = AtomicU64::new(0);

/// The moments of a worker's start-up it can see itself (ms on the shared clock).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BootTimes {
    /// The boot script got the boot message: the worker's thread and JS realm exist.
    pub started_ms: f64,
    /// The module's JS glue was imported.
    pub imported_ms: f64,
    /// The wasm was instantiated (fetched and compiled first, unless it came compiled).
    pub instantiated_ms: f64,
}

impl BootTimes {
    /// The legs of a start-up that began at `spawned_ms` (the page created the worker) and
    /// ended when the handshake arrived at `ready_ms`.
    pub fn legs(&self, spawned_ms: f64, ready_ms: f64) -> StartupLegs {
        StartupLegs {
            thread_ms: (self.started_ms - spawned_ms).max(0.0),
            import_ms: (self.imported_ms - self.started_ms).max(0.0),
            instantiate_ms: (self.instantiated_ms - self.imported_ms).max(0.0),
            handshake_ms: (ready_ms - self.instantiated_ms).max(0.0),
        }
    }
}

/// Where one isolated worker's start-up went, ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StartupLegs {
    /// From `new Worker` to its boot script running: the browser makes a thread and a JS realm.
    pub thread_ms: f64,
    /// Importing the module's JS glue.
    pub import_ms: f64,
    /// Fetching, compiling and instantiating the wasm (spawn), or only instantiating the module
    /// the page compiled once (forkserver-like).
    pub instantiate_ms: f64,
    /// From the instance being ready to its handshake reaching the page.
    pub handshake_ms: f64,
}

/// One task of a [`ToWorker::Run`] chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRun {
    /// Task index in the batch, echoed back.
    pub id: u32,
    /// What to do, in order: CPU kernels and I/O waits.
    pub steps: Vec<WorkloadSpec>,
}

/// How the data payloads of a [`ToWorker::Run`] travel (one per data-heavy step, in order).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payloads {
    /// The run has none.
    #[default]
    None,
    /// One byte array after the JSON: all payloads serialised with [`encode_payloads`] and
    /// copied by `postMessage` — pickling. The copy way for small payloads ([`copy_way`]).
    Serialized,
    /// One `ArrayBuffer` per payload after the JSON, copied by `postMessage`'s structured clone:
    /// the browser's own serialiser is the codec. The copy way for large payloads ([`copy_way`]).
    Cloned,
    /// One transferred `ArrayBuffer` per payload after the JSON: moved, not copied, by
    /// `postMessage` (the page copies it out of its wasm memory first, the worker into its own).
    Transferred,
    /// Already written into this worker's memory, in the slots [`ToWorker::Reserve`] made.
    Shared {
        /// The slots, one per payload.
        slots: Vec<u32>,
    },
}

/// From the page to a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ToWorker {
    /// Run a chunk of tasks, one after another, and reply one [`FromWorker::Done`] for all of
    /// them (`ProcessPoolExecutor.map(..., chunksize=len)`).
    #[serde(rename = "cp_run")]
    Run {
        /// The tasks, in order.
        tasks: Vec<TaskRun>,
        /// Where their data payloads are.
        #[serde(default)]
        payloads: Payloads,
        /// `Some(switch interval, ms)`: run the tasks at once, as threads of this process under
        /// its own GIL ([`crate::models::processes::hybrid`]), posting [`FromWorker::Responded`] as each finishes
        /// — the processes × threads hybrid. `None`: one after another.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gil_threads: Option<f64>,
    },
    /// Allocate one buffer per size in this instance's memory, to be written by the page
    /// through the memory's SharedArrayBuffer; reply [`FromWorker::Reserved`].
    #[serde(rename = "cp_reserve")]
    Reserve {
        /// Buffer sizes, bytes.
        sizes: Vec<u64>,
    },
    /// Store `value` in this instance's [`ISOLATION_CELL`]; reply [`FromWorker::Cell`].
    #[serde(rename = "cp_set_cell")]
    SetCell {
        /// The value to store.
        value: u64,
    },
    /// Reply [`FromWorker::Cell`] with this instance's [`ISOLATION_CELL`].
    #[serde(rename = "cp_get_cell")]
    GetCell,
}

/// One finished task of a chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDone {
    /// The task index from [`TaskRun::id`].
    pub id: u32,
    /// The answer and its check against the oracle.
    pub checked: Checked,
    /// When the task started, on the shared clock (ms).
    pub start_ms: f64,
    /// When it ended, on the shared clock (ms).
    pub end_ms: f64,
    /// What it did (`run`, `wait_io`), on the shared clock.
    pub steps: Vec<Segment>,
}

/// A buffer made by [`ToWorker::Reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// Its slot, named in [`Payloads::Shared`].
    pub slot: u32,
    /// Its address in the worker's memory.
    pub ptr: u64,
    /// Its length, bytes.
    pub len: u64,
}

/// From a worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FromWorker {
    /// The handshake: the worker's wasm instance is up and its message handler installed.
    #[serde(rename = "cp_ready")]
    Ready {
        /// The worker's [`PROTOCOL_VERSION`].
        protocol: u32,
        /// When its boot script began, had imported the module's JS and had instantiated the
        /// wasm, on the shared clock: the start-up's legs, as the worker saw them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        boot: Option<BootTimes>,
    },
    /// A chunk finished.
    #[serde(rename = "cp_done")]
    Done {
        /// When the request arrived in the worker, before decoding, on the shared clock (ms).
        received_ms: f64,
        /// When it was decoded and its payloads were in this instance's memory (ms).
        decoded_ms: f64,
        /// Each task, in the chunk's order.
        tasks: Vec<TaskDone>,
    },
    /// Buffers reserved; the worker's memory travels beside this message.
    #[serde(rename = "cp_reserved")]
    Reserved {
        /// One per requested size.
        slots: Vec<Reservation>,
    },
    /// Still computing: sent during a long task (at most every [`TICK_EVERY_MS`]), so the
    /// page's watchdog can tell a busy worker from a stuck one.
    #[serde(rename = "cp_tick")]
    Tick,
    /// One task of a [`ToWorker::Run`] with `gil_threads` finished: its thread has written its
    /// response (the results still come in the chunk's [`FromWorker::Done`]).
    #[serde(rename = "cp_responded")]
    Responded {
        /// The task's id.
        id: u32,
    },
    /// The value of this instance's [`ISOLATION_CELL`].
    #[serde(rename = "cp_cell")]
    Cell {
        /// The cell's value.
        value: u64,
    },
    /// The request failed, or the worker could not start (posted by the JS loader then).
    #[serde(rename = "cp_failed")]
    Failed {
        /// What went wrong.
        message: String,
    },
}

/// From this size on, a payload goes by the copy way as a buffer of its own ([`Payloads::Cloned`]);
/// below it, serialised together with the request's other payloads ([`Payloads::Serialized`]).
///
/// The fastest codec for each shape, measured in wasm in Chromium (`benches/codecs.rs`; the
/// figures are in docs/BENCHMARKS.md, B4): for one payload of 10 or 100 MiB, the structured
/// clone of the bytes as they are beats postcard by 15-30% end to end (postcard copies them once
/// more, into its byte string); at 1 MiB the two tie; for 256 payloads of 1 KiB, one postcard
/// string is 2.5× faster than 256 buffers, each of which the clone handles as an object.
pub const CLONE_FROM_BYTES: u64 = 1 << 20;

/// The most bytes of [`Payloads::Cloned`] buffers a worker's page side keeps from one request
/// for the next of the same sizes (the clone leaves them the page's, and a fresh `ArrayBuffer`
/// costs more than the copy into it): enough for the sizes where reuse pays most, without a
/// warm pool holding hundreds of MiB of copies.
pub const STAGING_KEPT_BYTES: u64 = 64 << 20;

/// How the copy way carries payloads of these sizes: the fastest codec for their shape (see
/// [`CLONE_FROM_BYTES`]).
pub fn copy_way(sizes: impl IntoIterator<Item = u64>) -> Payloads {
    let (mut any, mut all_large) = (false, true);
    for size in sizes {
        any = true;
        all_large &= size >= CLONE_FROM_BYTES;
    }
    match (any, all_large) {
        (false, _) => Payloads::None,
        (true, true) => Payloads::Cloned,
        (true, false) => Payloads::Serialized,
    }
}

/// The pickle analogue: serialises data payloads with serde into one compact byte string
/// (postcard: a length prefix and the raw bytes of each).
pub fn encode_payloads(payloads: &[Vec<u8>]) -> Vec<u8> {
    let borrowed: Vec<&serde_bytes::Bytes> = payloads
        .iter()
        .map(|p| serde_bytes::Bytes::new(p))
        .collect();
    postcard::to_allocvec(&borrowed).expect("byte strings always serialise")
}

/// Reads back [`encode_payloads`]' bytes.
///
/// # Errors
/// [`Error::Protocol`] for bytes that are not such a payload list.
pub fn decode_payloads(bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    // Borrowed, then copied once each into a payload of its own.
    let borrowed: Vec<&serde_bytes::Bytes> = postcard::from_bytes(bytes)
        .map_err(|e| Error::Protocol(format!("bad serialised payloads: {e}")))?;
    Ok(borrowed.into_iter().map(|b| b.to_vec()).collect())
}

/// Checks the first message of a worker: it must be a [`FromWorker::Ready`] of our version.
///
/// # Errors
/// [`Error::ProtocolMismatch`] for another version, [`Error::Runtime`] for a boot failure,
/// [`Error::Protocol`] for anything else.
pub fn expect_ready(first: FromWorker) -> Result<Option<BootTimes>> {
    match first {
        FromWorker::Ready { protocol, boot } if protocol == PROTOCOL_VERSION => Ok(boot),
        FromWorker::Ready { protocol, .. } => Err(Error::ProtocolMismatch {
            expected: PROTOCOL_VERSION,
            found: protocol,
        }),
        FromWorker::Failed { message } => {
            Err(Error::Runtime(format!("worker failed to start: {message}")))
        }
        other => Err(Error::Protocol(format!(
            "expected the ready handshake, got {other:?}"
        ))),
    }
}

/// Serialises a message for `postMessage`.
pub fn encode<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).expect("protocol messages are plain data and always serialise")
}

/// Parses a message received from `postMessage`.
///
/// # Errors
/// [`Error::Protocol`] when the text is not a message of type `T`.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Protocol(format!("{e} in {text:.120}")))
}

#[cfg(test)]
mod test;
