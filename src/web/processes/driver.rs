//! The batch driver: workers started, chunks handed out as workers become free (or, for the
//! hybrid, each worker's share at once), payloads passed the run's way, cancel, and the result.

use std::cell::RefCell;
use std::collections::VecDeque;

use futures::future::{Either, join, select, try_join_all};

use super::payloads::*;
use super::process::*;
use super::start::*;
use crate::config::{PayloadMode, RunConfig, StartMethod};
use crate::core::control::RunControl;
use crate::core::error::{Error, Result};
use crate::core::metrics::Clock;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, LaneRecord, Segment, State};
use crate::models::Model;
use crate::models::processes::protocol::StartupLegs;
use crate::models::processes::protocol::{self, FromWorker, Payloads, TaskRun, ToWorker};
use crate::models::processes::records::{self, IpcReport};
use crate::report::{Environment, ModelResult};
use crate::web::batch::Batch;
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::web::server;
use crate::workloads::{self, WorkloadKind, data};

/// Resolves once `control` is cancelled. The workers cannot see the flag (they share no memory),
/// so the page watches it and terminates them.
pub(super) async fn until_cancelled(control: &RunControl) {
    while !control.is_cancelled() {
        clock::sleep_ms(CANCEL_POLL_MS).await;
    }
}

/// How often the page checks the cancel flag while workers compute.
pub(super) const CANCEL_POLL_MS: i32 = 50;

/// Runs the batch on isolated workers of the app's worker bundle (see [`run_bundle`]).
pub async fn run(batch: &Batch<'_>) -> ModelResult {
    let Batch {
        model,
        config,
        env,
        control,
    } = *batch;
    run_bundle(model, config, env, control, &WorkerBundle::app()).await
}

/// Runs the batch on `workers` isolated workers running `bundle`, started by the run's start
/// method, handing out chunks of `chunksize` tasks as workers become free (like
/// `ProcessPoolExecutor.map(fn, items, chunksize=k)`), with data payloads passed the run's way.
/// Cancelling terminates the workers mid-task.
///
/// As [`Model::Hybrid`], each worker instead gets its share of the tasks (dealt round-robin, as
/// a load balancer would) in one message and runs them at once as threads under its own GIL,
/// answering each as it finishes.
pub async fn run_bundle(
    model: Model,
    config: &RunConfig,
    env: &Environment,
    control: &RunControl,
    bundle: &WorkerBundle,
) -> ModelResult {
    let hybrid = model == Model::Hybrid;
    let gil_threads = hybrid.then_some(f64::from(config.switch_ms));
    if config.payload == PayloadMode::Shared && !env.cross_origin_isolated {
        let why = Error::Unavailable(SHARED_NEEDS_ISOLATION.into());
        return ModelResult::failed(model, config, why);
    }
    let workers = config.workers_for(env.hardware_concurrency);
    let heartbeat = HeartbeatRecorder::start();
    let clock = PerformanceClock;
    let t0 = clock.now_ms();
    let Started {
        mut processes,
        reused,
        compile_ms,
    } = match start(bundle, workers, config.start, control).await {
        Ok(started) => started,
        Err(err) => return ModelResult::failed(model, config, err),
    };
    let mut ipc = IpcReport {
        start_method: config.start,
        payload_mode: config.payload,
        chunksize: config.chunksize,
        reused_workers: reused,
        module_compile_ms: compile_ms,
        ..IpcReport::default()
    };
    // Server mode: while the workers compute, this thread is the event loop and answers the
    // index request itself (no lock to take: the handlers' GILs are in their processes).
    let handed_ms = clock.now_ms();
    let serving = server::serve_if_server(config, t0, handed_ms, None, 0, control, || true);
    let outcome = async {
        let chunks: Vec<Vec<u32>> = (0..config.tasks)
            .collect::<Vec<_>>()
            .chunks(config.chunksize as usize)
            .map(<[u32]>::to_vec)
            .collect();
        let queue = RefCell::new(VecDeque::from(chunks));
        // The hybrid's processes: worker k serves tasks k, k + P, k + 2P …
        let shares = RefCell::new(
            (0..workers)
                .map(|k| {
                    Some(
                        (k..config.tasks)
                            .step_by(workers as usize)
                            .collect::<Vec<u32>>(),
                    )
                })
                .collect::<Vec<_>>(),
        );
        let ipc = RefCell::new(&mut ipc);
        let lanes = processes.iter_mut().enumerate().map(|(index, process)| {
            let (queue, shares, ipc) = (&queue, &shares, &ipc);
            async move {
                let mut records = Vec::new();
                loop {
                    let next = if hybrid {
                        shares.borrow_mut()[index].take()
                    } else {
                        queue.borrow_mut().pop_front()
                    };
                    let Some(chunk) = next.filter(|c| !c.is_empty()) else {
                        break;
                    };
                    let work = send_chunk(process, config, &chunk, gil_threads, control, ipc);
                    let reply =
                        match select(Box::pin(work), Box::pin(until_cancelled(control))).await {
                            Either::Left((reply, _)) => reply?,
                            // The worker is still computing: it is terminated with the others below.
                            Either::Right(_) => break,
                        };
                    let (exchange, received_ms, decoded_ms, done) = reply;
                    for _ in &done {
                        control.task_done();
                    }
                    let mut chunk_records = records::chunk_records(
                        &exchange.trip,
                        received_ms,
                        decoded_ms,
                        &done,
                        &exchange.responded,
                        index as u32,
                        t0,
                        |id| workloads::expected_of(&config.task_steps(id)),
                    );
                    // The chunk's bytes, on the task that carried the legs.
                    if let Some(first) = chunk_records.first_mut() {
                        first.bytes = Some((exchange.bytes_out, exchange.bytes_in));
                    }
                    records.extend(chunk_records);
                }
                Ok::<_, Error>(records)
            }
        });
        // The first failing lane ends the batch; the others are dropped mid-exchange.
        let mut records: Vec<TaskRecord> = try_join_all(lanes).await?.concat();
        records.sort_by_key(|r| r.task);
        Ok::<_, Error>(records)
    };
    let (outcome, index) = join(outcome, serving).await;
    let t1 = clock.now_ms();
    // Isolation is proven after the batch, outside its wall time — unless workers may still be
    // computing (a cancel), when they would not answer.
    let outcome = match outcome {
        Ok(records) if !control.is_cancelled() => probe_isolation(&mut processes)
            .await
            .map(|isolation| (Some(isolation), records)),
        Ok(records) => Ok((None, records)),
        Err(err) => Err(err),
    };
    let startup_ms: Vec<f64> = processes.iter().map(|p| p.startup_ms).collect();
    let legs: Vec<StartupLegs> = processes
        .iter()
        .skip(reused as usize)
        .filter_map(|p| p.startup_legs)
        .collect();
    let lanes: Vec<LaneRecord> = processes
        .iter()
        .enumerate()
        .filter(|(_, p)| p.spawned_at_ms >= t0)
        .map(|(index, p)| LaneRecord {
            lane: Lane::worker(index as u32),
            segments: vec![Segment::new(
                State::Startup,
                p.spawned_at_ms - t0,
                p.spawned_at_ms - t0 + p.startup_ms,
            )],
        })
        .collect();
    // A warm pool keeps its workers for the next run, unless this one was cut short: a
    // cancelled worker may still be computing, so it is terminated like the others.
    if config.start == StartMethod::Warm && outcome.is_ok() && !control.is_cancelled() {
        WARM.with_borrow_mut(|w| *w = Some((bundle.clone(), processes)));
    } else {
        drop(processes);
    }
    match outcome {
        Ok((isolation, records)) => {
            let mut result =
                ModelResult::from_tasks(model, config, t1 - t0, heartbeat.summary(t0, t1), records);
            result.workers = workers;
            // Warm workers started in an earlier run: no start-up in this one.
            result.startup_ms = startup_ms.into_iter().skip(reused as usize).collect();
            let note = start_note(config.start, reused, workers, compile_ms, &legs);
            ipc.startup_legs = legs;
            for lane in &lanes {
                result.add_lane_segments(lane.lane, &lane.segments);
            }
            result.isolation = isolation;
            result.add_index(index);
            result.message = Some(note);
            result.ipc = Some(ipc);
            result.stopped_by(control, config.tasks)
        }
        Err(err) => ModelResult::failed(model, config, err),
    }
}

/// What the start method did, where a started worker's time went on average, and Python's
/// figure beside it.
pub(super) fn start_note(
    method: StartMethod,
    reused: u32,
    workers: u32,
    compile_ms: Option<f64>,
    legs: &[StartupLegs],
) -> String {
    let what = match method {
        StartMethod::Spawn => format!(
            "Spawned {workers} workers (each fetched, compiled and instantiated the module)"
        ),
        StartMethod::Forkserver => match compile_ms {
            Some(ms) => format!(
                "Compiled the module once in the page ({ms:.0} ms, the \"fork server\" starting); {workers} workers only instantiated it"
            ),
            None => {
                format!("{workers} workers instantiated the module the page had already compiled")
            }
        },
        StartMethod::Warm if reused == workers => {
            format!("Reused {workers} warm workers: no start-up")
        }
        StartMethod::Warm => format!(
            "Reused {reused} warm workers and spawned {}",
            workers - reused
        ),
    };
    let spent = match legs.len() {
        0 => String::new(),
        n => {
            let mean = |leg: fn(&StartupLegs) -> f64| legs.iter().map(leg).sum::<f64>() / n as f64;
            format!(
                " Per worker: {:.0} ms for the browser to start its thread, {:.0} ms importing the JS, {:.0} ms {}, {:.0} ms for the handshake.",
                mean(|l| l.thread_ms),
                mean(|l| l.import_ms),
                mean(|l| l.instantiate_ms),
                if method == StartMethod::Forkserver {
                    "instantiating"
                } else {
                    "fetching, compiling and instantiating the wasm"
                },
                mean(|l| l.handshake_ms),
            )
        }
    };
    format!("{what}.{spent} {}.", method.python_figure())
}

/// A chunk's reply: the round trip, when the worker received and decoded it, and its tasks.
pub(super) type ChunkReply = (Exchange, f64, f64, Vec<protocol::TaskDone>);

/// Sends one chunk of tasks to `process` with its payloads passed the run's way, and awaits the
/// reply; with `gil_threads` (a switch interval) the worker runs them as threads (the hybrid).
pub(super) async fn send_chunk(
    process: &mut Process,
    config: &RunConfig,
    chunk: &[u32],
    gil_threads: Option<f64>,
    control: &RunControl,
    ipc: &RefCell<&mut IpcReport>,
) -> Result<ChunkReply> {
    let tasks: Vec<TaskRun> = chunk
        .iter()
        .map(|&id| TaskRun {
            id,
            steps: config.task_steps(id),
        })
        .collect();
    let data_steps = tasks
        .iter()
        .flat_map(|t| &t.steps)
        .filter(|s| s.kind == WorkloadKind::Data);
    // The page makes the data; how it reaches the worker is the lesson. The payloads live only
    // until the request is posted (copied or moved out), not while the worker computes.
    let (posted, payload_bytes, prepared_ms) = {
        let payloads: Vec<Vec<u8>> = data_steps.map(|s| data::payload(s.n)).collect();
        // Making the data is the task's input, not IPC: the serialize leg starts here.
        let prepared_ms = PerformanceClock.now_ms();
        let payload_bytes: u64 = payloads.iter().map(|p| p.len() as u64).sum();
        let (mode, serialized) = match (payloads.is_empty(), config.payload) {
            (true, _) => (Payloads::None, None),
            (false, PayloadMode::Copy) => {
                match protocol::copy_way(payloads.iter().map(|p| p.len() as u64)) {
                    Payloads::Serialized => (
                        Payloads::Serialized,
                        Some(protocol::encode_payloads(&payloads)),
                    ),
                    way => (way, None),
                }
            }
            (false, PayloadMode::Transfer) => (Payloads::Transferred, None),
            (false, PayloadMode::Shared) => {
                let (slots, bytes) = process.write_shared(&payloads).await?;
                let mut ipc = ipc.borrow_mut();
                ipc.messages += 1;
                ipc.bytes_out += bytes;
                (Payloads::Shared { slots }, None)
            }
        };
        let attachments = match (&mode, &serialized) {
            (Payloads::Serialized, Some(bytes)) => Attachments::Serialized(bytes),
            (Payloads::Cloned, _) => Attachments::Buffers {
                payloads: &payloads,
                moved: false,
            },
            (Payloads::Transferred, _) => Attachments::Buffers {
                payloads: &payloads,
                moved: true,
            },
            _ => Attachments::None,
        };
        let request = ToWorker::Run {
            tasks,
            payloads: mode,
            gil_threads,
        };
        (
            process.post(&request, attachments)?,
            payload_bytes,
            prepared_ms,
        )
    };
    let exchange = process
        .reply(posted, prepared_ms, || control.tick())
        .await?;
    {
        let mut ipc = ipc.borrow_mut();
        ipc.messages += 1;
        ipc.bytes_out += exchange.bytes_out;
        ipc.bytes_in += exchange.bytes_in;
        ipc.payload_bytes += payload_bytes;
        if let Some(detached) = exchange.detached {
            ipc.source_detached = Some(ipc.source_detached.unwrap_or(true) && detached);
        }
    }
    match exchange.reply {
        FromWorker::Done {
            received_ms,
            decoded_ms,
            ref tasks,
        } if tasks.len() == chunk.len() => {
            let tasks = tasks.clone();
            Ok((exchange, received_ms, decoded_ms, tasks))
        }
        ref other => Err(Error::Protocol(format!(
            "expected the results of {} tasks, got {other:?}",
            chunk.len()
        ))),
    }
}
