//! The typed messages between the page and an isolated worker, and the worker's body.
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
//! readable in devtools, and its cost is part of what this model demonstrates:
//! everything crosses as a serialised copy, like pickling for `ProcessPoolExecutor`.
//!
//! # Overhead
//! A message round trip costs a structured clone, an event-loop turn on each side and the
//! (de)serialisation — far more than a function call. That is the lesson of this model.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::control::RunControl;
use crate::error::{Error, Result};
use crate::gil::FreeThreading;
use crate::metrics::Clock;
use crate::trace::Segment;
use crate::workloads::io::BlockingIo;
use crate::workloads::{self, Checked, WorkloadSpec};

/// Bumped whenever a message changes shape; checked in the ready handshake.
pub const PROTOCOL_VERSION: u32 = 3;

/// Least interval between two [`FromWorker::Tick`]s from one worker, ms.
pub const TICK_EVERY_MS: f64 = 250.0;

/// State private to one wasm instance. The isolation probe writes it in one worker and reads it
/// everywhere: a worker (or the page) that saw another's write would share its memory.
pub static ISOLATION_CELL: AtomicU64 = AtomicU64::new(0);

/// From the page to a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ToWorker {
    /// Run one task and reply [`FromWorker::Done`].
    #[serde(rename = "cp_run")]
    Run {
        /// Task index in the batch, echoed back.
        id: u32,
        /// What to do, in order: CPU kernels and I/O waits.
        steps: Vec<WorkloadSpec>,
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

/// From a worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum FromWorker {
    /// The handshake: the worker's wasm instance is up and its message handler installed.
    #[serde(rename = "cp_ready")]
    Ready {
        /// The worker's [`PROTOCOL_VERSION`].
        protocol: u32,
    },
    /// A task finished.
    #[serde(rename = "cp_done")]
    Done {
        /// The task index from [`ToWorker::Run`].
        id: u32,
        /// The answer and its check against the oracle.
        checked: Checked,
        /// When the request arrived in the worker, before decoding, on the shared clock (ms).
        received_ms: f64,
        /// When the kernel started (the request decoded), on the shared clock (ms).
        start_ms: f64,
        /// When it ended, on the shared clock (ms).
        end_ms: f64,
        /// Each step's state (`run` or `wait_io`) and span, on the shared clock.
        steps: Vec<Segment>,
    },
    /// Still computing: sent during a long task (at most every [`TICK_EVERY_MS`]), so the
    /// page's watchdog can tell a busy worker from a stuck one.
    #[serde(rename = "cp_tick")]
    Tick,
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

/// The worker's body: decodes a request as it arrived on the wire, answers it, and encodes the
/// reply. Pure, so the host tests cover it; the browser glue only moves the strings.
///
/// `on_slice` is called after every slice of a task (see [`handle`]).
pub fn handle_message(
    text: &str,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    on_slice: impl FnMut(),
) -> String {
    handle_message_received(text, clock.now_ms(), clock, io, on_slice)
}

/// [`handle_message`] for a message that arrived at `received_ms` (the glue notes the arrival
/// before it copies a payload out of the message, so that copy counts as deserialising).
pub fn handle_message_received(
    text: &str,
    received_ms: f64,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    on_slice: impl FnMut(),
) -> String {
    let reply = match decode::<ToWorker>(text) {
        Ok(request) => handle(request, received_ms, clock, io, on_slice),
        Err(err) => FromWorker::Failed {
            message: err.to_string(),
        },
    };
    encode(&reply)
}

/// Answers one decoded request that arrived at `received_ms`, doing I/O through `io` (the
/// worker's real sleeps and requests; fakes on the host). During a task, `on_slice` is called
/// after every slice; the worker glue posts [`FromWorker::Tick`] from it.
pub fn handle(
    request: ToWorker,
    received_ms: f64,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    on_slice: impl FnMut(),
) -> FromWorker {
    match request {
        ToWorker::Run { id, steps } => {
            if let Some(err) = steps.iter().find_map(|s| s.validate().err()) {
                return FromWorker::Failed {
                    message: err.to_string(),
                };
            }
            let start_ms = clock.now_ms();
            let mut spans = Vec::with_capacity(steps.len());
            // A worker may block: it sleeps with `Atomics.wait` and fetches synchronously.
            let checked = workloads::run_steps_blocking(
                &steps,
                &RunControl::default(),
                clock,
                io,
                // One thread per worker: its own GIL would never be contended.
                &FreeThreading,
                on_slice,
                |state, start, end| spans.push(Segment::new(state, start, end)),
            )
            .expect("nothing cancels a worker from inside: the page terminates it");
            FromWorker::Done {
                id,
                checked,
                received_ms,
                start_ms,
                end_ms: clock.now_ms(),
                steps: spans,
            }
        }
        ToWorker::SetCell { value } => {
            ISOLATION_CELL.store(value, Ordering::SeqCst);
            FromWorker::Cell { value }
        }
        ToWorker::GetCell => FromWorker::Cell {
            value: ISOLATION_CELL.load(Ordering::SeqCst),
        },
    }
}

/// Checks the first message of a worker: it must be a [`FromWorker::Ready`] of our version.
///
/// # Errors
/// [`Error::ProtocolMismatch`] for another version, [`Error::Runtime`] for a boot failure,
/// [`Error::Protocol`] for anything else.
pub fn expect_ready(first: FromWorker) -> Result<()> {
    match first {
        FromWorker::Ready { protocol } if protocol == PROTOCOL_VERSION => Ok(()),
        FromWorker::Ready { protocol } => Err(Error::ProtocolMismatch {
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
