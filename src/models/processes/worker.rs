//! An isolated worker's body: decodes a request, runs its tasks, answers. Pure, so the host
//! tests drive it with fake clocks and I/O; `web::processes` moves the text and the payloads
//! and calls [`handle_message`] in the worker.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::protocol::{
    FromWorker, ISOLATION_CELL, Reservation, TaskDone, TaskRun, ToWorker, decode, encode,
};
use crate::core::control::RunControl;
use crate::core::error::{Error, Result};
use crate::core::metrics::Clock;
use crate::core::trace::Segment;
use crate::workloads;
use crate::workloads::gate::FreeThreading;
use crate::workloads::io::BlockingIo;

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
            let tasks = crate::models::processes::hybrid::run_threads(
                tasks,
                switch_ms,
                clock,
                io,
                on_slice,
                on_responded,
            );
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
