//! One isolated worker: its handle, the boot script and the named handshake, the messages'
//! round trips, and the isolation probe.

use std::sync::atomic::Ordering;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::{Either, select};
use wasm_bindgen::prelude::*;
use web_sys::{
    Blob, BlobPropertyBag, ErrorEvent, MessageEvent, Url, Worker, WorkerOptions, WorkerType,
};

use super::payloads::*;
use crate::core::error::{Error, Result};
use crate::core::metrics::Clock;
use crate::models::processes::protocol::StartupLegs;
use crate::models::processes::protocol::{self, FromWorker, ISOLATION_CELL, ToWorker};
use crate::models::processes::records::{IsolationProbe, RoundTrip};
use crate::web::clock::{self, PerformanceClock};
use crate::web::io::{self};

/// The boot script, compiled in so no extra file has to be served next to the module.
pub(super) const BOOT_JS: &str = include_str!("../../../www/js/process_boot.js");

/// How long a worker may take to load, compile and instantiate before we give up on it.
pub(super) const HANDSHAKE_TIMEOUT_MS: i32 = 20_000;

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
pub(super) struct Envelope {
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
            // Refused only once the handle, the receiver, is gone: no run is waiting for it.
            let _ = messages.unbounded_send(envelope);
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            // As above: refused only when nobody listens any more.
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
    /// slots for [`Payloads::Shared`](crate::models::processes::protocol::Payloads::Shared).
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
