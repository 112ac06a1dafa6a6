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

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{Either, join_all, select, try_join_all};
use wasm_bindgen::prelude::*;
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, ErrorEvent, MessageEvent, Url, Worker,
    WorkerOptions, WorkerType,
};

use super::batch::Batch;
use crate::config::{PayloadMode, RunConfig, StartMethod};
use crate::core::control::RunControl;
use crate::core::error::{Error, Result};
use crate::core::metrics::Clock;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, LaneRecord, Segment, State};
use crate::models::Model;
use crate::models::processes::protocol::StartupLegs;
use crate::models::processes::protocol::{
    self, FromWorker, ISOLATION_CELL, Payloads, TaskRun, ToWorker,
};
use crate::models::processes::records::{self, IpcReport, IsolationProbe, RoundTrip};
use crate::models::processes::worker;
use crate::report::{Environment, ModelResult, Status};
use crate::web::clock::{self, HeartbeatRecorder, PerformanceClock};
use crate::web::io::{self, ThreadIo};
use crate::workloads::{self, WorkloadKind, WorkloadSpec, data};

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

    /// Where the bundle's wasm is: given, or wasm-bindgen's default `<name>_bg.wasm`.
    pub fn wasm_url(&self) -> String {
        self.wasm.clone().unwrap_or_else(|| {
            format!(
                "{}_bg.wasm",
                self.js.strip_suffix(".js").unwrap_or(&self.js)
            )
        })
    }

    /// Starts one worker running this bundle: it fetches, compiles and instantiates the wasm.
    ///
    /// # Errors
    /// See [`Process::spawn`].
    pub async fn spawn(&self) -> Result<Process> {
        self.spawn_with(None).await
    }

    /// Starts one worker running this bundle, instantiating `module` (a compiled
    /// `WebAssembly.Module`) if given instead of fetching and compiling the wasm itself.
    ///
    /// # Errors
    /// See [`Process::spawn`].
    pub async fn spawn_with(&self, module: Option<&JsValue>) -> Result<Process> {
        let url = self.wasm.as_deref().map(JsValue::from_str);
        Process::spawn(&self.js, module.or(url.as_ref())).await
    }
}

/// A message from a worker as it arrived: decoded, with when and how big.
#[derive(Debug)]
struct Envelope {
    message: FromWorker,
    /// What came after the JSON (a [`FromWorker::Reserved`]'s memory).
    attachment: Option<JsValue>,
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
            attachment: None,
            arrived_ms: now,
            decoded_ms: now,
            bytes: 0,
        }
    }
}

/// One request/reply round trip: the reply, its timings and sizes.
#[derive(Debug)]
pub struct Exchange {
    /// The reply.
    pub reply: FromWorker,
    /// What came after the reply's JSON, if anything.
    pub attachment: Option<JsValue>,
    /// The page's timings, on the shared clock.
    pub trip: RoundTrip,
    /// Bytes posted: the JSON and any payload bytes that went with it.
    pub bytes_out: u64,
    /// Encoded reply size.
    pub bytes_in: u64,
    /// Transferred payloads only: whether every source buffer was detached by the post.
    pub detached: Option<bool>,
    /// Threads of a hybrid chunk: each task's id and when its [`FromWorker::Responded`]
    /// reached the page (ms), in arrival order.
    pub responded: Vec<(u32, f64)>,
}

/// A request on its way: when it was posted and what went with it.
#[derive(Debug, Clone, Copy)]
pub struct Posted {
    /// After it was posted, on the shared clock (ms).
    pub posted_ms: f64,
    /// Bytes posted: the JSON and any payload bytes in the message.
    pub bytes_out: u64,
    /// Transferred payloads only: whether every source buffer was detached by the post.
    pub detached: Option<bool>,
}

/// What travels with a request after its JSON.
#[derive(Debug)]
pub enum Attachments<'a> {
    /// Nothing.
    None,
    /// One byte string, copied by `postMessage` (the structured clone).
    Serialized(&'a [u8]),
    /// One buffer per payload. `moved`: on `postMessage`'s transfer list, so the page's copies
    /// are detached; otherwise the structured clone copies each.
    Buffers {
        /// The payloads, each copied out of this instance's memory into a buffer of its own.
        payloads: &'a [Vec<u8>],
        /// Transferred rather than cloned.
        moved: bool,
    },
}

/// Copies `payloads` out of this instance's memory into buffers for the structured clone to
/// copy, reusing `staging`'s (the previous request's) when their sizes match. The clone leaves
/// them the sender's, and a fresh `ArrayBuffer` is the dear part: in wasm in Chromium, copying
/// 1 MiB into a new one took 0.8 ms, into a reused one 0.2 ms (tests/codecs.rs measures this
/// function; docs/BENCHMARKS.md, B4).
pub fn stage<'a>(
    staging: &'a mut Vec<js_sys::Uint8Array>,
    payloads: &[Vec<u8>],
) -> &'a [js_sys::Uint8Array] {
    let same_sizes = staging.len() == payloads.len()
        && staging
            .iter()
            .zip(payloads)
            .all(|(array, payload)| array.length() as usize == payload.len());
    if same_sizes {
        for (array, payload) in staging.iter().zip(payloads) {
            array.copy_from(payload);
        }
    } else {
        *staging = payloads
            .iter()
            .map(|p| js_sys::Uint8Array::from(p.as_slice()))
            .collect();
    }
    staging
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
    /// Where that time went, when the worker's boot script reported it.
    pub startup_legs: Option<StartupLegs>,
    /// The cloned payloads' buffers, kept for the next request of the same sizes (see
    /// [`stage`]).
    staging: Vec<js_sys::Uint8Array>,
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
            let (text, attachment) = split(event.data());
            let envelope = match text {
                Some(text) => Envelope {
                    message: protocol::decode(&text).unwrap_or_else(|err| FromWorker::Failed {
                        message: err.to_string(),
                    }),
                    attachment: attachment.into_iter().next(),
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
            startup_legs: None,
            staging: Vec::new(),
            _on_message: on_message,
            _on_error: on_error,
        };
        let first = select(
            process.inbox.next(),
            Box::pin(clock::sleep_ms(HANDSHAKE_TIMEOUT_MS)),
        )
        .await;
        match first {
            Either::Left((Some(envelope), _)) => {
                let boot = protocol::expect_ready(envelope.message)?;
                process.startup_legs = boot.map(|b| b.legs(t0, envelope.arrived_ms));
            }
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
    /// [`FromWorker::Tick`] the worker sends meanwhile. `prepared_ms` is when the caller began
    /// preparing the request (its payloads), so that work counts as serialising.
    ///
    /// # Errors
    /// The worker failed or closed.
    pub async fn exchange(
        &mut self,
        request: &ToWorker,
        attachments: Attachments<'_>,
        prepared_ms: f64,
        on_tick: impl Fn(),
    ) -> Result<Exchange> {
        let posted = self.post(request, attachments)?;
        self.reply(posted, prepared_ms, on_tick).await
    }

    /// Posts one request (the first half of [`Process::exchange`]). Synchronous: once it
    /// returns, the attachments have been copied or moved out, and the caller may drop them
    /// before it awaits the reply — megabytes of payload need not stay alive meanwhile.
    ///
    /// # Errors
    /// `postMessage` failed.
    pub fn post(&mut self, request: &ToWorker, attachments: Attachments<'_>) -> Result<Posted> {
        let text = protocol::encode(request);
        let parts = js_sys::Array::of1(&JsValue::from_str(&text));
        let transfer = js_sys::Array::new();
        let mut bytes_out = text.len() as u64;
        let mut sources = Vec::new();
        match attachments {
            Attachments::None => {}
            Attachments::Serialized(bytes) => {
                parts.push(&js_sys::Uint8Array::from(bytes));
                bytes_out += bytes.len() as u64;
            }
            Attachments::Buffers {
                payloads,
                moved: true,
            } => {
                for payload in payloads {
                    // Out of this instance's memory into a buffer of its own, which then moves.
                    let array = js_sys::Uint8Array::from(payload.as_slice());
                    transfer.push(&array.buffer());
                    parts.push(&array);
                    sources.push(array);
                    bytes_out += payload.len() as u64;
                }
            }
            Attachments::Buffers {
                payloads,
                moved: false,
            } => {
                for array in stage(&mut self.staging, payloads) {
                    parts.push(array);
                }
                bytes_out += payloads.iter().map(|p| p.len() as u64).sum::<u64>();
            }
        }
        let posted = if parts.length() == 1 {
            self.worker.post_message(&JsValue::from_str(&text))
        } else {
            self.worker.post_message_with_transfer(&parts, &transfer)
        };
        posted.map_err(|e| Error::Runtime(format!("postMessage failed: {e:?}")))?;
        let staged: u64 = self.staging.iter().map(|a| u64::from(a.length())).sum();
        if staged > protocol::STAGING_KEPT_BYTES {
            self.staging.clear();
        }
        Ok(Posted {
            posted_ms: PerformanceClock.now_ms(),
            bytes_out,
            detached: (!sources.is_empty()).then(|| sources.iter().all(|a| a.byte_length() == 0)),
        })
    }

    /// Awaits the reply to a [`Process::post`]ed request (the second half of
    /// [`Process::exchange`]).
    ///
    /// # Errors
    /// The worker failed or closed.
    pub async fn reply(
        &mut self,
        posted: Posted,
        prepared_ms: f64,
        on_tick: impl Fn(),
    ) -> Result<Exchange> {
        let mut responded = Vec::new();
        let mut next = self.inbox.next().await;
        loop {
            match next {
                Some(Envelope {
                    message: FromWorker::Tick,
                    ..
                }) => on_tick(),
                Some(Envelope {
                    message: FromWorker::Responded { id },
                    arrived_ms,
                    ..
                }) => {
                    responded.push((id, arrived_ms));
                    on_tick();
                }
                _ => break,
            }
            next = self.inbox.next().await;
        }
        match next {
            Some(Envelope {
                message: FromWorker::Failed { message },
                ..
            }) => Err(Error::Runtime(message)),
            Some(envelope) => Ok(Exchange {
                reply: envelope.message,
                attachment: envelope.attachment,
                trip: RoundTrip {
                    sent_ms: prepared_ms,
                    posted_ms: posted.posted_ms,
                    arrived_ms: envelope.arrived_ms,
                    decoded_ms: envelope.decoded_ms,
                },
                bytes_out: posted.bytes_out,
                bytes_in: envelope.bytes,
                detached: posted.detached,
                responded,
            }),
            None => Err(Error::Runtime("worker closed".into())),
        }
    }

    /// Writes `payloads` straight into this worker's memory: reserves one buffer per payload
    /// there, then copies each into place through the memory's SharedArrayBuffer. Returns the
    /// slots for [`Payloads::Shared`].
    ///
    /// # Errors
    /// The worker failed, or sent no shared memory (the page is not cross-origin isolated).
    pub async fn write_shared(&mut self, payloads: &[Vec<u8>]) -> Result<(Vec<u32>, u64)> {
        let sizes = payloads.iter().map(|p| p.len() as u64).collect();
        let now = PerformanceClock.now_ms();
        let exchange = self
            .exchange(&ToWorker::Reserve { sizes }, Attachments::None, now, || ())
            .await?;
        let bytes = exchange.bytes_out + exchange.bytes_in;
        let (FromWorker::Reserved { slots }, Some(memory)) = (exchange.reply, exchange.attachment)
        else {
            return Err(Error::Protocol(
                "expected reserved buffers and the worker's memory".into(),
            ));
        };
        let memory: js_sys::SharedArrayBuffer = memory
            .dyn_into()
            .map_err(|_| Error::Unavailable(SHARED_NEEDS_ISOLATION.into()))?;
        let fits = |r: &protocol::Reservation, p: &Vec<u8>| {
            r.len == p.len() as u64 && r.ptr + r.len <= u64::from(memory.byte_length())
        };
        if slots.len() != payloads.len() || !slots.iter().zip(payloads).all(|(r, p)| fits(r, p)) {
            return Err(Error::Protocol(format!(
                "the worker reserved {slots:?} for payloads of {:?} bytes",
                payloads.iter().map(Vec::len).collect::<Vec<_>>()
            )));
        }
        for (reservation, payload) in slots.iter().zip(payloads) {
            let view = js_sys::Uint8Array::new_with_byte_offset_and_length(
                &memory,
                reservation.ptr as u32,
                reservation.len as u32,
            );
            view.copy_from(payload);
        }
        Ok((slots.iter().map(|r| r.slot).collect(), bytes))
    }

    /// Sends one request and awaits its reply.
    ///
    /// # Errors
    /// The worker failed or closed.
    pub async fn request(&mut self, request: &ToWorker) -> Result<FromWorker> {
        let now = PerformanceClock.now_ms();
        Ok(self
            .exchange(request, Attachments::None, now, || ())
            .await?
            .reply)
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

/// Why [`PayloadMode::Shared`] cannot run here.
const SHARED_NEEDS_ISOLATION: &str = "Shared-memory payloads need SharedArrayBuffer, which \
     browsers enable only on cross-origin isolated pages: use copy or transfer here.";

thread_local! {
    /// Forkserver-like start: the worker module, compiled once per page, by wasm URL.
    static COMPILED: RefCell<Option<(String, JsValue)>> = const { RefCell::new(None) };
    /// Warm start: workers kept from the last run, by bundle.
    static WARM: RefCell<Option<(WorkerBundle, Vec<Process>)>> = const { RefCell::new(None) };
}

/// The workers for a run and what starting them cost.
struct Started {
    processes: Vec<Process>,
    /// How many came warm from an earlier run.
    reused: u32,
    /// Forkserver-like: the page's one compile of the module, if this run did it (ms).
    compile_ms: Option<f64>,
}

/// Compiles `bundle`'s wasm in the page, once (the "fork server" is ready after this).
async fn compiled(bundle: &WorkerBundle) -> Result<(JsValue, Option<f64>)> {
    let url = bundle.wasm_url();
    if let Some(module) = COMPILED.with_borrow(|c| {
        c.as_ref()
            .filter(|(u, _)| *u == url)
            .map(|(_, m)| m.clone())
    }) {
        return Ok((module, None));
    }
    let t0 = PerformanceClock.now_ms();
    let module = io::compile_wasm(&url).await?;
    let compile_ms = PerformanceClock.now_ms() - t0;
    COMPILED.with_borrow_mut(|c| *c = Some((url, module.clone())));
    Ok((module, Some(compile_ms)))
}

/// Starts (or, warm, takes back) `workers` workers by `method`.
async fn start(
    bundle: &WorkerBundle,
    workers: u32,
    method: StartMethod,
    control: &RunControl,
) -> Result<Started> {
    let mut reused = Vec::new();
    if method == StartMethod::Warm {
        reused = WARM
            .with_borrow_mut(|w| w.take())
            .filter(|(b, _)| b == bundle)
            .map(|(_, p)| p)
            .unwrap_or_default();
        // Extra warm workers are terminated (dropped): the run asked for fewer.
        reused.truncate(workers as usize);
    }
    let missing = workers as usize - reused.len();
    let (module, compile_ms) = match method {
        StartMethod::Forkserver => {
            let (module, ms) = compiled(bundle).await?;
            (Some(module), ms)
        }
        _ => (None, None),
    };
    // Each worker that comes up is progress: the watchdog must not take a slow start (dozens of
    // workers on two cores) for a stall.
    let spawned = join_all((0..missing).map(|_| async {
        let process = bundle.spawn_with(module.as_ref()).await;
        control.tick();
        process
    }))
    .await;
    let count = reused.len() as u32;
    let mut processes = reused;
    for process in spawned {
        processes.push(process?);
    }
    Ok(Started {
        processes,
        reused: count,
        compile_ms,
    })
}

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
        let message = SHARED_NEEDS_ISOLATION.to_string();
        return ModelResult::failed(model, config, Status::Unavailable, message);
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
        Err(err) => return ModelResult::failed(model, config, Status::Error, err.to_string()),
    };
    let mut ipc = IpcReport {
        start_method: config.start,
        payload_mode: config.payload,
        chunksize: config.chunksize,
        reused_workers: reused,
        module_compile_ms: compile_ms,
        ..IpcReport::default()
    };
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
    }
    .await;
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
            result.message = Some(note);
            result.ipc = Some(ipc);
            result.stopped_by(control, config.tasks)
        }
        Err(err) => ModelResult::failed(model, config, Status::Error, err.to_string()),
    }
}

/// What the start method did, where a started worker's time went on average, and Python's
/// figure beside it.
fn start_note(
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
type ChunkReply = (Exchange, f64, f64, Vec<protocol::TaskDone>);

/// Sends one chunk of tasks to `process` with its payloads passed the run's way, and awaits the
/// reply; with `gil_threads` (a switch interval) the worker runs them as threads (the hybrid).
async fn send_chunk(
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

/// Splits a message into its JSON text and what came after it.
fn split(data: JsValue) -> (Option<String>, Vec<JsValue>) {
    match data.dyn_ref::<js_sys::Array>() {
        Some(parts) => (parts.get(0).as_string(), parts.iter().skip(1).collect()),
        None => (data.as_string(), Vec::new()),
    }
}

/// Puts a request's payloads where the worker's `io` reads them, copying them into this
/// instance's memory unless they are already there (shared).
fn unpack(request: &ToWorker, attachments: Vec<JsValue>) -> Result<VecDeque<Vec<u8>>> {
    let copy_in = |value: &JsValue| value.unchecked_ref::<js_sys::Uint8Array>().to_vec();
    let ToWorker::Run {
        tasks, payloads, ..
    } = request
    else {
        return Ok(VecDeque::new());
    };
    let expected: Vec<u64> = tasks
        .iter()
        .flat_map(|t| &t.steps)
        .filter_map(WorkloadSpec::payload_bytes)
        .collect();
    let payloads = match payloads {
        Payloads::None => Vec::new(),
        Payloads::Serialized => {
            let bytes = attachments
                .first()
                .map(copy_in)
                .ok_or_else(|| Error::Protocol("serialised payloads missing".into()))?;
            protocol::decode_payloads(&bytes)?
        }
        Payloads::Cloned | Payloads::Transferred => attachments.iter().map(copy_in).collect(),
        Payloads::Shared { slots } => worker::take_reserved(slots)?,
    };
    // The payloads are what the tasks compute on: each must be there, and of its step's size.
    let sizes: Vec<u64> = payloads.iter().map(|p| p.len() as u64).collect();
    if sizes != expected {
        return Err(Error::Protocol(format!(
            "payloads of {sizes:?} bytes for data steps of {expected:?}"
        )));
    }
    Ok(payloads.into())
}

/// The worker side: installs the protocol handler and posts the ready handshake. Called by
/// `process_boot.js` once this module's fresh instance is up.
#[wasm_bindgen]
pub fn cp_worker_main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let received_ms = PerformanceClock.now_ms();
        let (text, attachments) = split(event.data());
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
        // A thread of a hybrid chunk has written its response: post it now, not with the chunk.
        let respond_to = reply_to.clone();
        let responded = move |id: u32| {
            let message = protocol::encode(&FromWorker::Responded { id });
            let _ = respond_to.post_message(&JsValue::from_str(&message));
        };
        let request = text
            .ok_or_else(|| Error::Protocol("non-text message to worker".into()))
            .and_then(|text| protocol::decode::<ToWorker>(&text));
        let reply = request.and_then(|request| {
            let payloads = unpack(&request, attachments)?;
            let mut io = ThreadIo {
                base: io::page_base().into(),
                payloads,
            };
            Ok(worker::handle(
                request,
                received_ms,
                &PerformanceClock,
                &mut io,
                tick,
                responded,
            ))
        });
        let reply = reply.unwrap_or_else(|err| FromWorker::Failed {
            message: err.to_string(),
        });
        let text = JsValue::from_str(&protocol::encode(&reply));
        // Reserved buffers are written by the page through this instance's memory.
        let _ = match reply {
            FromWorker::Reserved { .. } => {
                let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
                reply_to.post_message(&js_sys::Array::of2(&text, &memory.buffer()))
            }
            _ => reply_to.post_message(&text),
        };
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives exactly as long as this worker's instance, which ends with the worker:
    // leaking it here is the lifetime we want, not a per-run leak.
    on_message.forget();
    // The boot script's times, if it left them (a test bundle's loader may not).
    let boot = js_sys::Reflect::get(&scope, &"cpBoot".into())
        .ok()
        .and_then(|times| js_sys::JSON::stringify(&times).ok())
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str(&text).ok());
    let ready = FromWorker::Ready {
        protocol: protocol::PROTOCOL_VERSION,
        boot,
    };
    let _ = scope.post_message(&JsValue::from_str(&protocol::encode(&ready)));
}
