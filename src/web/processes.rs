//! Isolated workers standing in for processes: dedicated Web Workers, each with its own wasm
//! instance and its own memory, reached only through typed messages ([`crate::protocol`]).
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

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{Either, join_all, select};
use wasm_bindgen::prelude::*;
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, ErrorEvent, MessageEvent, Url, Worker,
    WorkerOptions, WorkerType,
};

use crate::config::RunConfig;
use crate::control::RunControl;
use crate::error::{Error, Result};
use crate::metrics::Clock;
use crate::models::Model;
use crate::protocol::{self, FromWorker, ISOLATION_CELL, ToWorker};
use crate::report::{Environment, IsolationProbe, ModelResult, Status, TaskRecord};
use crate::trace::{self, LaneRecord, Segment, State};
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::web::io::{self, ThreadIo};
use crate::workloads::{self, WorkloadKind, data};

/// The boot script, compiled in so no extra file has to be served next to the module.
const BOOT_JS: &str = include_str!("../../www/js/process_boot.js");

/// How long a worker may take to load, compile and instantiate before we give up on it.
const HANDSHAKE_TIMEOUT_MS: i32 = 20_000;

thread_local! {
    /// Blob URL of [`BOOT_JS`], made once per page.
    static BOOT_URL: String = {
        let parts = js_sys::Array::of1(&JsValue::from_str(BOOT_JS));
        let options = BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = Blob::new_with_str_sequence_and_options(&parts, &options).expect_throw("Blob");
        Url::create_object_url_with_blob(&blob).expect_throw("createObjectURL")
    };
}

/// Which wasm-bindgen module an isolated worker runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerBundle {
    /// URL of the module's JS.
    pub js: String,
    /// URL of its wasm, when the JS's default (`<name>_bg.wasm` beside it) does not apply.
    pub wasm: Option<String>,
}

impl WorkerBundle {
    /// The app's `worker` bin, next to the page (Trunk does not hash worker file names).
    pub fn app() -> WorkerBundle {
        WorkerBundle {
            js: io::page_url("worker.js"),
            wasm: None,
        }
    }

    /// Starts one worker running this bundle.
    ///
    /// # Errors
    /// See [`Process::spawn`].
    pub async fn spawn(&self) -> Result<Process> {
        let wasm = self.wasm.as_deref().map(JsValue::from_str);
        Process::spawn(&self.js, wasm.as_ref()).await
    }
}

/// A message from a worker as it arrived: decoded, with when and how big.
#[derive(Debug)]
struct Envelope {
    message: FromWorker,
    /// When the page's `onmessage` began, before decoding (ms, shared clock).
    arrived_ms: f64,
    /// When decoding was done (ms, shared clock).
    decoded_ms: f64,
    /// Encoded size.
    bytes: u64,
}

impl Envelope {
    fn failed(message: String) -> Envelope {
        let now = PerformanceClock.now_ms();
        Envelope {
            message: FromWorker::Failed { message },
            arrived_ms: now,
            decoded_ms: now,
            bytes: 0,
        }
    }
}

/// One request/reply round trip with its timings, all on the shared clock (ms).
#[derive(Debug)]
pub struct Exchange {
    /// The reply.
    pub reply: FromWorker,
    /// Before the request was encoded.
    pub sent_ms: f64,
    /// After it was encoded and posted.
    pub posted_ms: f64,
    /// When the reply arrived, before decoding.
    pub arrived_ms: f64,
    /// When the reply was decoded.
    pub decoded_ms: f64,
    /// Encoded request size.
    pub bytes_out: u64,
    /// Encoded reply size.
    pub bytes_in: u64,
}

/// One isolated worker, ready for requests.
#[derive(Debug)]
pub struct Process {
    worker: Worker,
    inbox: mpsc::UnboundedReceiver<Envelope>,
    /// When `new Worker` was called, on the shared clock (ms).
    pub spawned_at_ms: f64,
    /// From `new Worker` to the ready handshake, ms.
    pub startup_ms: f64,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Process {
    /// Starts a worker running the wasm-bindgen module at `module_url` and waits for its
    /// handshake. `wasm` overrides where the module's wasm comes from: a URL, or a compiled
    /// `WebAssembly.Module` (the worker then only instantiates it). `None`: the wasm-bindgen
    /// module's default, its `_bg.wasm` next to it.
    ///
    /// # Errors
    /// The worker failed to load, timed out, or speaks another protocol version.
    pub async fn spawn(module_url: &str, wasm: Option<&JsValue>) -> Result<Process> {
        let t0 = PerformanceClock.now_ms();
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = BOOT_URL
            .with(|url| Worker::new_with_options(url, &options))
            .map_err(|e| Error::Runtime(format!("cannot create a worker: {e:?}")))?;
        let (tx, inbox) = mpsc::unbounded();
        let messages = tx.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let arrived_ms = PerformanceClock.now_ms();
            let envelope = match event.data().as_string() {
                Some(text) => Envelope {
                    message: protocol::decode(&text).unwrap_or_else(|err| FromWorker::Failed {
                        message: err.to_string(),
                    }),
                    arrived_ms,
                    decoded_ms: PerformanceClock.now_ms(),
                    bytes: text.len() as u64,
                },
                None => Envelope::failed("non-text message from worker".into()),
            };
            let _ = messages.unbounded_send(envelope);
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            let _ = tx.unbounded_send(Envelope::failed(format!(
                "worker error: {}",
                event.message()
            )));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let boot = js_sys::Object::new();
        js_sys::Reflect::set(&boot, &"type".into(), &"cp_boot".into()).expect_throw("boot message");
        js_sys::Reflect::set(&boot, &"mainJS".into(), &module_url.into())
            .expect_throw("boot message");
        if let Some(wasm) = wasm {
            js_sys::Reflect::set(&boot, &"wasm".into(), wasm).expect_throw("boot message");
        }
        // The worker runs from a blob: URL; requests it makes resolve against the page's base.
        js_sys::Reflect::set(&boot, &"base".into(), &io::page_base().into())
            .expect_throw("boot message");
        worker
            .post_message(&boot)
            .map_err(|e| Error::Runtime(format!("cannot boot the worker: {e:?}")))?;
        let mut process = Process {
            worker,
            inbox,
            spawned_at_ms: t0,
            startup_ms: 0.0,
            _on_message: on_message,
            _on_error: on_error,
        };
        let first = select(
            process.inbox.next(),
            Box::pin(clock::sleep_ms(HANDSHAKE_TIMEOUT_MS)),
        )
        .await;
        match first {
            Either::Left((Some(envelope), _)) => protocol::expect_ready(envelope.message)?,
            Either::Left((None, _)) => {
                return Err(Error::Runtime("worker closed before its handshake".into()));
            }
            Either::Right(_) => {
                return Err(Error::Runtime(format!(
                    "worker sent no handshake within {} s",
                    HANDSHAKE_TIMEOUT_MS / 1000
                )));
            }
        }
        process.startup_ms = PerformanceClock.now_ms() - t0;
        Ok(process)
    }

    /// Sends one request and awaits its reply, timing each leg; `on_tick` is called for every
    /// [`FromWorker::Tick`] the worker sends meanwhile.
    ///
    /// `payloads` (the data of the request's data-heavy steps) travel beside the JSON as byte
    /// arrays: copied out of this instance's memory, then copied again by `postMessage` (the
    /// structured clone) into the worker — the analogue of pickling a big argument for a
    /// process. Both copies are in the `serialize` leg.
    ///
    /// # Errors
    /// The worker failed or closed.
    pub async fn exchange(
        &mut self,
        request: &ToWorker,
        payloads: &[Vec<u8>],
        on_tick: impl Fn(),
    ) -> Result<Exchange> {
        let sent_ms = PerformanceClock.now_ms();
        let text = protocol::encode(request);
        let message = if payloads.is_empty() {
            JsValue::from_str(&text)
        } else {
            let parts = js_sys::Array::of1(&JsValue::from_str(&text));
            for payload in payloads {
                parts.push(&js_sys::Uint8Array::from(payload.as_slice()));
            }
            parts.into()
        };
        self.worker
            .post_message(&message)
            .map_err(|e| Error::Runtime(format!("postMessage failed: {e:?}")))?;
        let bytes_out = (text.len() + payloads.iter().map(Vec::len).sum::<usize>()) as u64;
        let posted_ms = PerformanceClock.now_ms();
        let mut next = self.inbox.next().await;
        while let Some(Envelope {
            message: FromWorker::Tick,
            ..
        }) = next
        {
            on_tick();
            next = self.inbox.next().await;
        }
        match next {
            Some(Envelope {
                message: FromWorker::Failed { message },
                ..
            }) => Err(Error::Runtime(message)),
            Some(envelope) => Ok(Exchange {
                reply: envelope.message,
                sent_ms,
                posted_ms,
                arrived_ms: envelope.arrived_ms,
                decoded_ms: envelope.decoded_ms,
                bytes_out,
                bytes_in: envelope.bytes,
            }),
            None => Err(Error::Runtime("worker closed".into())),
        }
    }

    /// Sends one request and awaits its reply.
    ///
    /// # Errors
    /// The worker failed or closed.
    pub async fn request(&mut self, request: &ToWorker) -> Result<FromWorker> {
        Ok(self.exchange(request, &[], || ()).await?.reply)
    }

    async fn cell(&mut self, request: ToWorker) -> Result<u64> {
        match self.request(&request).await? {
            FromWorker::Cell { value } => Ok(value),
            other => Err(Error::Protocol(format!(
                "expected a cell value, got {other:?}"
            ))),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Writes a fresh value into the first worker's memory and reads it back from every worker and
/// from the page: only the first may see it.
pub async fn probe_isolation(processes: &mut [Process]) -> Result<IsolationProbe> {
    // A value no instance holds by chance: the clock's bits.
    let written = PerformanceClock.now_ms().to_bits() | 1;
    if let Some(first) = processes.first_mut() {
        first.cell(ToWorker::SetCell { value: written }).await?;
    }
    let mut worker_reads = Vec::with_capacity(processes.len());
    for process in processes.iter_mut() {
        worker_reads.push(process.cell(ToWorker::GetCell).await?);
    }
    Ok(IsolationProbe {
        written,
        worker_reads,
        page_read: ISOLATION_CELL.load(Ordering::SeqCst),
    })
}

/// Resolves once `control` is cancelled. The workers cannot see the flag (they share no memory),
/// so the page watches it and terminates them.
async fn until_cancelled(control: &RunControl) {
    while !control.is_cancelled() {
        clock::sleep_ms(CANCEL_POLL_MS).await;
    }
}

/// How often the page checks the cancel flag while workers compute.
const CANCEL_POLL_MS: i32 = 50;

/// Runs the batch on `workers` freshly spawned isolated workers of the app's worker bundle,
/// handing out tasks as workers become free (like `ProcessPoolExecutor.submit`). Cancelling
/// terminates the workers mid-task.
pub async fn run(config: &RunConfig, env: &Environment, control: &RunControl) -> ModelResult {
    run_bundle(config, env, control, &WorkerBundle::app()).await
}

/// [`run`] with workers running `bundle`.
pub async fn run_bundle(
    config: &RunConfig,
    env: &Environment,
    control: &RunControl,
    bundle: &WorkerBundle,
) -> ModelResult {
    let workers = config.workers_for(env.hardware_concurrency);
    let heartbeat = HeartbeatRecorder::start();
    let clock = PerformanceClock;
    let t0 = clock.now_ms();
    let spawned = join_all((0..workers).map(|_| bundle.spawn())).await;
    let mut processes = match spawned.into_iter().collect::<Result<Vec<_>>>() {
        Ok(processes) => processes,
        Err(err) => {
            return ModelResult::failed(Model::Processes, config, Status::Error, err.to_string());
        }
    };
    let outcome = async {
        let isolation = probe_isolation(&mut processes).await?;
        let queue = RefCell::new((0..config.tasks).collect::<VecDeque<u32>>());
        let lanes = processes.iter_mut().enumerate().map(|(index, process)| {
            let queue = &queue;
            async move {
                let mut records = Vec::new();
                loop {
                    let Some(task) = queue.borrow_mut().pop_front() else {
                        break;
                    };
                    let steps = config.task_steps(task);
                    let expected = workloads::expected_of(&steps);
                    // The page makes the data; the worker gets a copy (see `exchange`).
                    let payloads: Vec<Vec<u8>> = steps
                        .iter()
                        .filter(|s| s.kind == WorkloadKind::Data)
                        .map(|s| data::payload(s.n))
                        .collect();
                    let request = ToWorker::Run { id: task, steps };
                    let exchange = match select(
                        Box::pin(process.exchange(&request, &payloads, || control.tick())),
                        Box::pin(until_cancelled(control)),
                    )
                    .await
                    {
                        Either::Left((reply, _)) => reply?,
                        // The worker is still computing: it is terminated with the others below.
                        Either::Right(_) => break,
                    };
                    control.task_done();
                    match exchange.reply {
                        FromWorker::Done {
                            id,
                            checked,
                            received_ms,
                            start_ms,
                            end_ms,
                            steps,
                        } => {
                            // One clock for both sides (timeOrigin + now), relative to t0. The
                            // two origins agree only to a fraction of a ms: `monotone` keeps the
                            // legs in order instead of overlapping by that skew.
                            let at = |ms: f64| ms - t0;
                            let mut legs = vec![
                                Segment::new(State::Ready, 0.0, at(exchange.sent_ms)),
                                Segment::new(
                                    State::Serialize,
                                    at(exchange.sent_ms),
                                    at(exchange.posted_ms),
                                ),
                                Segment::new(
                                    State::Transfer,
                                    at(exchange.posted_ms),
                                    at(received_ms),
                                ),
                                Segment::new(State::Deserialize, at(received_ms), at(start_ms)),
                            ];
                            legs.extend(
                                steps
                                    .iter()
                                    .map(|s| Segment::new(s.state, at(s.start_ms), at(s.end_ms))),
                            );
                            // The worker encodes and posts its reply: one leg, as seen here.
                            legs.push(Segment::new(
                                State::Transfer,
                                at(end_ms),
                                at(exchange.arrived_ms),
                            ));
                            legs.push(Segment::new(
                                State::Deserialize,
                                at(exchange.arrived_ms),
                                at(exchange.decoded_ms),
                            ));
                            let mut record = TaskRecord::from_segments(
                                id,
                                format!("worker {index}"),
                                0.0,
                                trace::monotone(legs),
                                checked,
                                expected,
                            );
                            record.bytes = Some((exchange.bytes_out, exchange.bytes_in));
                            records.push(record);
                        }
                        other => {
                            return Err(Error::Protocol(format!(
                                "expected a task result, got {other:?}"
                            )));
                        }
                    }
                }
                Ok::<_, Error>(records)
            }
        });
        let mut records: Vec<TaskRecord> = Vec::new();
        for lane in join_all(lanes).await {
            records.extend(lane?);
        }
        records.sort_by_key(|r| r.task);
        Ok::<_, Error>((isolation, records))
    }
    .await;
    let t1 = clock.now_ms();
    let startup_ms: Vec<f64> = processes.iter().map(|p| p.startup_ms).collect();
    let lanes: Vec<LaneRecord> = processes
        .iter()
        .enumerate()
        .map(|(index, p)| LaneRecord {
            lane: format!("worker {index}"),
            segments: vec![Segment::new(
                State::Startup,
                p.spawned_at_ms - t0,
                p.spawned_at_ms - t0 + p.startup_ms,
            )],
        })
        .collect();
    drop(processes);
    match outcome {
        Ok((isolation, records)) => {
            let mut result = ModelResult::from_tasks(
                Model::Processes,
                config,
                t1 - t0,
                heartbeat.summary(t0, t1),
                records,
            );
            result.workers = workers;
            result.startup_ms = startup_ms;
            for lane in &lanes {
                result.add_lane_segments(&lane.lane, &lane.segments);
            }
            result.isolation = Some(isolation);
            result.stopped_by(control, config.tasks)
        }
        Err(err) => ModelResult::failed(Model::Processes, config, Status::Error, err.to_string()),
    }
}

/// The worker side: installs the protocol handler and posts the ready handshake. Called by
/// `process_boot.js` once this module's fresh instance is up.
#[wasm_bindgen]
pub fn cp_worker_main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let received_ms = PerformanceClock.now_ms();
        let data = event.data();
        // A request with payloads is [json, bytes, bytes, …]; copy them into this instance.
        let (text, payloads) = match data.dyn_ref::<js_sys::Array>() {
            Some(parts) => (
                parts.get(0).as_string(),
                parts
                    .iter()
                    .skip(1)
                    .map(|p| p.unchecked_into::<js_sys::Uint8Array>().to_vec())
                    .collect(),
            ),
            None => (data.as_string(), VecDeque::new()),
        };
        let mut io = ThreadIo {
            base: io::page_base(),
            payloads,
        };
        // Tell the page this worker is alive during a long task, at most every TICK_EVERY_MS.
        let mut last_tick = PerformanceClock.now_ms();
        let tick_to = reply_to.clone();
        let tick = move || {
            let now = PerformanceClock.now_ms();
            if now - last_tick >= protocol::TICK_EVERY_MS {
                last_tick = now;
                let _ =
                    tick_to.post_message(&JsValue::from_str(&protocol::encode(&FromWorker::Tick)));
            }
        };
        let reply = match text {
            Some(text) => protocol::handle_message_received(
                &text,
                received_ms,
                &PerformanceClock,
                &mut io,
                tick,
            ),
            None => protocol::encode(&FromWorker::Failed {
                message: "non-text message to worker".into(),
            }),
        };
        let _ = reply_to.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives exactly as long as this worker's instance, which ends with the worker:
    // leaking it here is the lifetime we want, not a per-run leak.
    on_message.forget();
    let ready = FromWorker::Ready {
        protocol: protocol::PROTOCOL_VERSION,
    };
    let _ = scope.post_message(&JsValue::from_str(&protocol::encode(&ready)));
}
