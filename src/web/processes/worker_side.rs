//! The worker side: the entry point the boot script calls in a fresh instance.

use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::payloads::*;
use crate::core::error::Error;
use crate::core::metrics::Clock;
use crate::models::processes::protocol::{self, FromWorker, ToWorker};
use crate::models::processes::worker;
use crate::web::clock::PerformanceClock;
use crate::web::io::{self, ThreadIo};

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
                // A string always clones; a lost tick only delays the page's liveness check.
                let _ =
                    tick_to.post_message(&JsValue::from_str(&protocol::encode(&FromWorker::Tick)));
            }
        };
        // A thread of a hybrid chunk has written its response: post it now, not with the chunk.
        let respond_to = reply_to.clone();
        let responded = move |id: u32| {
            let message = protocol::encode(&FromWorker::Responded { id });
            // Early news only: the chunk's reply carries every task's outcome again.
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
        let posted = match reply {
            FromWorker::Reserved { .. } => {
                let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
                reply_to.post_message(&js_sys::Array::of2(&text, &memory.buffer()))
            }
            _ => reply_to.post_message(&text),
        };
        // A reply that would not clone must not leave the page waiting for it: say why, as text.
        if let Err(err) = posted {
            let failed = FromWorker::Failed {
                message: format!("the worker could not post its reply: {err:?}"),
            };
            // Text always clones; if even this fails the worker is gone, and the page sees that.
            let _ = reply_to.post_message(&JsValue::from_str(&protocol::encode(&failed)));
        }
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
    // Text always clones; were it lost, the page's handshake timeout would say so.
    let _ = scope.post_message(&JsValue::from_str(&protocol::encode(&ready)));
}
