//! How a request's data payloads travel: what goes after its JSON, the staging buffers the
//! structured clone copies, and the worker side's unpacking.

use std::collections::VecDeque;

use wasm_bindgen::prelude::*;

use crate::core::error::{Error, Result};
use crate::models::processes::protocol::{self, Payloads, ToWorker};
use crate::models::processes::worker;
use crate::workloads::WorkloadSpec;

/// Why [`PayloadMode::Shared`] cannot run here.
pub(super) const SHARED_NEEDS_ISOLATION: &str = "Shared-memory payloads need SharedArrayBuffer, which \
     browsers enable only on cross-origin isolated pages: use copy or transfer here.";

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
/// 1 MiB into a new one took 0.8 ms, into a reused one 0.2 ms (benches/codecs.rs measures this
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

/// Splits a message into its JSON text and what came after it.
pub(super) fn split(data: JsValue) -> (Option<String>, Vec<JsValue>) {
    match data.dyn_ref::<js_sys::Array>() {
        Some(parts) => (parts.get(0).as_string(), parts.iter().skip(1).collect()),
        None => (data.as_string(), Vec::new()),
    }
}

/// Puts a request's payloads where the worker's `io` reads them, copying them into this
/// instance's memory unless they are already there (shared).
pub(super) fn unpack(request: &ToWorker, attachments: Vec<JsValue>) -> Result<VecDeque<Vec<u8>>> {
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
