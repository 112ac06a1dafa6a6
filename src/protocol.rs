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

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::control::RunControl;
use crate::error::{Error, Result};
use crate::gil::FreeThreading;
use crate::metrics::Clock;
use crate::report::TaskRecord;
use crate::trace::{Segment, State};
use crate::workloads::io::BlockingIo;
use crate::workloads::{self, Checked, WorkloadSpec};

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
    pub fn legs(&self, spawned_ms: f64, ready_ms: f64) -> crate::report::StartupLegs {
        crate::report::StartupLegs {
            thread_ms: (self.started_ms - spawned_ms).max(0.0),
            import_ms: (self.imported_ms - self.started_ms).max(0.0),
            instantiate_ms: (self.instantiated_ms - self.imported_ms).max(0.0),
            handshake_ms: (ready_ms - self.instantiated_ms).max(0.0),
        }
    }
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
        /// its own GIL ([`crate::hybrid`]), posting [`FromWorker::Responded`] as each finishes
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

/// The worker's body on the wire: decodes a request's text, answers it, encodes the reply.
/// Pure, so the host tests cover it; the browser glue moves the text and the payloads (which it
/// puts in `io` first, see `web::processes`) and calls [`handle`] directly.
///
/// `on_slice` is called after every slice of a task (see [`handle`]).
pub fn handle_message(
    text: &str,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    on_slice: impl FnMut(),
    on_responded: impl FnMut(u32),
) -> String {
    let received_ms = clock.now_ms();
    let reply = match decode::<ToWorker>(text) {
        Ok(request) => handle(request, received_ms, clock, io, on_slice, on_responded),
        Err(err) => FromWorker::Failed {
            message: err.to_string(),
        },
    };
    encode(&reply)
}

/// A [`FromWorker::Failed`] naming the first step of `tasks` out of its limits, if any: a worker
/// checks what it is asked to do, whoever sent it.
fn invalid(tasks: &[TaskRun]) -> Option<FromWorker> {
    let err = tasks
        .iter()
        .flat_map(|t| &t.steps)
        .find_map(|s| s.validate().err())?;
    Some(FromWorker::Failed {
        message: err.to_string(),
    })
}

/// Answers one decoded request that arrived at `received_ms`, doing I/O through `io` (the
/// worker's real sleeps and requests, and the payloads that came with the request; fakes on the
/// host). During a task, `on_slice` is called after every slice; the worker glue posts
/// [`FromWorker::Tick`] from it. With `gil_threads`, `on_responded` is called as each task
/// finishes; the glue posts [`FromWorker::Responded`].
pub fn handle(
    request: ToWorker,
    received_ms: f64,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    mut on_slice: impl FnMut(),
    on_responded: impl FnMut(u32),
) -> FromWorker {
    match request {
        ToWorker::Run {
            tasks,
            gil_threads: Some(switch_ms),
            ..
        } => {
            if let Some(failed) = invalid(&tasks) {
                return failed;
            }
            let decoded_ms = clock.now_ms();
            let tasks =
                crate::hybrid::run_threads(tasks, switch_ms, clock, io, on_slice, on_responded);
            FromWorker::Done {
                received_ms,
                decoded_ms,
                tasks,
            }
        }
        ToWorker::Run { tasks, .. } => {
            if let Some(failed) = invalid(&tasks) {
                return failed;
            }
            let decoded_ms = clock.now_ms();
            let done = tasks
                .into_iter()
                .map(|task| {
                    let start_ms = clock.now_ms();
                    let mut spans = Vec::with_capacity(task.steps.len());
                    // A worker may block: it sleeps with `Atomics.wait`, fetches synchronously.
                    let checked = workloads::run_steps_blocking(
                        &task.steps,
                        &RunControl::default(),
                        clock,
                        io,
                        // One thread per worker: its own GIL would never be contended.
                        &FreeThreading,
                        &mut on_slice,
                        |state, start, end| spans.push(Segment::new(state, start, end)),
                    )
                    .expect("nothing cancels a worker from inside: the page terminates it");
                    TaskDone {
                        id: task.id,
                        checked,
                        start_ms,
                        end_ms: clock.now_ms(),
                        steps: spans,
                    }
                })
                .collect();
            FromWorker::Done {
                received_ms,
                decoded_ms,
                tasks: done,
            }
        }
        ToWorker::Reserve { sizes } => {
            let most = workloads::data::MAX_KIB * 1024;
            let total = sizes
                .iter()
                .fold(0u64, |sum, &size| sum.saturating_add(size));
            match sizes.iter().find(|&&size| size > most) {
                Some(size) => FromWorker::Failed {
                    message: format!("cannot reserve {size} bytes: a payload is at most {most}"),
                },
                None if total > crate::config::MAX_MESSAGE_PAYLOAD_BYTES => FromWorker::Failed {
                    message: format!("cannot reserve {total} bytes for one message"),
                },
                // In range, so it fits a usize on every target.
                None => FromWorker::Reserved {
                    slots: sizes.into_iter().map(|s| reserve(s as usize)).collect(),
                },
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

thread_local! {
    /// Buffers made by [`ToWorker::Reserve`] and not yet used by a run, by slot.
    static RESERVED: RefCell<(u32, HashMap<u32, Vec<u8>>)> = RefCell::new((0, HashMap::new()));
}

/// Allocates a zeroed buffer of `len` bytes in this instance's memory and files it in a slot.
fn reserve(len: usize) -> Reservation {
    let buffer = vec![0u8; len];
    // The heap block does not move when the `Vec` is moved into the map.
    let ptr = buffer.as_ptr() as u64;
    RESERVED.with_borrow_mut(|(next, slots)| {
        let slot = *next;
        *next += 1;
        slots.insert(slot, buffer);
        Reservation {
            slot,
            ptr,
            len: len as u64,
        }
    })
}

/// Takes the buffers in `slots` out of the reserve, in order — no copy: the page wrote into
/// them in place.
///
/// # Errors
/// [`Error::Protocol`] for a slot that was never reserved or was already used.
pub fn take_reserved(slots: &[u32]) -> Result<Vec<Vec<u8>>> {
    RESERVED.with_borrow_mut(|(_, reserved)| {
        slots
            .iter()
            .map(|slot| {
                reserved
                    .remove(slot)
                    .ok_or_else(|| Error::Protocol(format!("no reserved buffer in slot {slot}")))
            })
            .collect()
    })
}

/// From this size on, a payload goes by the copy way as a buffer of its own ([`Payloads::Cloned`]);
/// below it, serialised together with the request's other payloads ([`Payloads::Serialized`]).
///
/// The fastest codec for each shape, measured in wasm in Chromium (`tests/codecs.rs`; the
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

/// The page's side of one request/reply round trip, on the shared clock (ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundTrip {
    /// Before the request (and its payloads) were prepared.
    pub sent_ms: f64,
    /// After it was posted.
    pub posted_ms: f64,
    /// When the reply arrived, before decoding.
    pub arrived_ms: f64,
    /// When the reply was decoded.
    pub decoded_ms: f64,
}

/// The trace of a chunk's tasks, ms since `t0`, from the page's round trip and the worker's
/// [`FromWorker::Done`] times.
///
/// The request's legs (serialise, transfer, deserialise) belong to the chunk's first task and
/// the reply's (transfer, deserialise) to its last, so a lane never shows two things at once and
/// each leg is counted once. The others wait `ready` — in the page's queue, then in the worker's
/// chunk — until they run. Every task's result reaches the page only with the reply, so each
/// record ends there: that is its latency, as `map(..., chunksize=k)` delivers results.
///
/// A task in `responded` (id, when its [`FromWorker::Responded`] reached the page) ran as a
/// thread of the worker (the hybrid): it ends when its response arrived, after a transfer leg
/// of its own, on a lane of its own (`worker k · thread j`, `j` its place in the chunk).
#[allow(clippy::too_many_arguments)]
pub fn chunk_records(
    trip: &RoundTrip,
    received_ms: f64,
    decoded_ms: f64,
    done: &[TaskDone],
    responded: &[(u32, f64)],
    lane: &str,
    t0: f64,
    expected: impl Fn(u32) -> Option<u64>,
) -> Vec<TaskRecord> {
    let at = |ms: f64| ms - t0;
    let last = done.len().saturating_sub(1);
    let answered = |id: u32| responded.iter().find(|(r, _)| *r == id).map(|&(_, ms)| ms);
    done.iter()
        .enumerate()
        .map(|(i, task)| {
            let mut legs = Vec::with_capacity(task.steps.len() + 6);
            if i == 0 {
                legs.extend([
                    Segment::new(State::Ready, 0.0, at(trip.sent_ms)),
                    Segment::new(State::Serialize, at(trip.sent_ms), at(trip.posted_ms)),
                    Segment::new(State::Transfer, at(trip.posted_ms), at(received_ms)),
                    Segment::new(State::Deserialize, at(received_ms), at(decoded_ms)),
                ]);
            } else {
                legs.push(Segment::new(State::Ready, 0.0, at(task.start_ms)));
            }
            legs.extend(
                task.steps
                    .iter()
                    .map(|s| Segment::new(s.state, at(s.start_ms), at(s.end_ms))),
            );
            let answered = answered(task.id);
            if let Some(arrived_ms) = answered {
                legs.push(Segment::new(
                    State::Transfer,
                    at(task.end_ms),
                    at(arrived_ms),
                ));
            } else if i == last {
                // The worker encodes and posts its reply: one leg, as seen from here.
                legs.push(Segment::new(
                    State::Transfer,
                    at(task.end_ms),
                    at(trip.arrived_ms),
                ));
                legs.push(Segment::new(
                    State::Deserialize,
                    at(trip.arrived_ms),
                    at(trip.decoded_ms),
                ));
            }
            // The two sides' clock origins agree only to a fraction of a ms: `monotone` keeps
            // the legs in order instead of overlapping by that skew.
            let lane = match answered {
                Some(_) => format!("{lane} · thread {i}"),
                None => lane.to_string(),
            };
            // The page's own oracle decides where it has one; a `cpu` step's iterations are
            // known only to the worker that ran them, which checked them chunk by chunk.
            let checked = match expected(task.id) {
                Some(oracle) => Checked {
                    expected: Some(oracle),
                    ok: task.checked.ok && task.checked.answer == oracle,
                    ..task.checked
                },
                None => task.checked,
            };
            let mut record = TaskRecord::from_segments(
                task.id,
                lane,
                0.0,
                crate::trace::monotone(legs),
                checked,
            );
            record.end_ms = record.end_ms.max(at(answered.unwrap_or(trip.decoded_ms)));
            record
        })
        .collect()
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
