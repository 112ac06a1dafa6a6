//! The codec comparison of docs/BENCHMARKS.md (B4): which way of turning a request's data
//! payloads into something `postMessage` can copy, and back, is fastest in wasm, for each shape
//! of payload. Each candidate's round trip is checked byte for byte; its timings are printed as
//! one `CODEC {json}` line per shape and candidate for `bench/browser.mjs`.
//!
//! Run (bench.sh does, release build, the app's opt-levels):
//! `cargo test --release --target wasm32-unknown-unknown --test codecs -- --nocapture`
//!
//! Every candidate goes through the same legs, the copy way's legs in the page:
//! - **encode**: from the payloads in wasm memory to a JS value (the page's serialise leg, less
//!   the post);
//! - **decode**: from that value to payloads in wasm memory again (the worker's deserialise
//!   leg), straight after the encode. The pair is timed as the benchmark times `pickle.dumps`
//!   and `pickle.loads`: back to back, after a pair just like it (pickle's loop runs them again
//!   and again), so that the codec's legs and pickle's meet the same caches;
//! - **the copy way**: an encode, `structuredClone` of the encoded value (what `postMessage`
//!   does to it, minus the hop) and a decode from the clone, in the order the page and the
//!   worker do them, timed first, candidate after candidate.
//!
//! In the copy way's order, an encode meets the caches a clone has just emptied: at 1 MiB the
//! app's encode took 0.37 ms there, 0.14 ms timed as pickle's legs are (docs/BENCHMARKS.md, B4).
#![cfg(target_arch = "wasm32")]

use playground::core::metrics::Clock;
use playground::models::processes::protocol::{self, Payloads};
use playground::web::clock::PerformanceClock;
use playground::web::processes;
use playground::workloads::data;
use serde_bytes::{ByteBuf, Bytes};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = structuredClone, catch)]
    fn structured_clone(value: &JsValue) -> Result<JsValue, JsValue>;
}

type Encode = fn(&[Vec<u8>]) -> JsValue;
type Decode = fn(&JsValue) -> Vec<Vec<u8>>;

fn borrowed(payloads: &[Vec<u8>]) -> Vec<&Bytes> {
    payloads.iter().map(|p| Bytes::new(p)).collect()
}

/// The app's codec (`protocol::encode_payloads`): postcard into one byte string.
fn postcard_encode(payloads: &[Vec<u8>]) -> JsValue {
    js_sys::Uint8Array::from(protocol::encode_payloads(payloads).as_slice()).into()
}

fn postcard_decode(value: &JsValue) -> Vec<Vec<u8>> {
    let bytes = value.unchecked_ref::<js_sys::Uint8Array>().to_vec();
    protocol::decode_payloads(&bytes).expect("postcard decodes")
}

/// bincode 1 into one byte string.
fn bincode_encode(payloads: &[Vec<u8>]) -> JsValue {
    let bytes = bincode::serialize(&borrowed(payloads)).expect("bincode encodes");
    js_sys::Uint8Array::from(bytes.as_slice()).into()
}

fn bincode_decode(value: &JsValue) -> Vec<Vec<u8>> {
    let bytes = value.unchecked_ref::<js_sys::Uint8Array>().to_vec();
    let back: Vec<&Bytes> = bincode::deserialize(&bytes).expect("bincode decodes");
    back.into_iter().map(|b| b.to_vec()).collect()
}

/// serde-wasm-bindgen: serde straight to JS values (an array of `Uint8Array`s).
fn swb_encode(payloads: &[Vec<u8>]) -> JsValue {
    serde_wasm_bindgen::to_value(&borrowed(payloads)).expect("serde-wasm-bindgen encodes")
}

fn swb_decode(value: &JsValue) -> Vec<Vec<u8>> {
    let back: Vec<ByteBuf> =
        serde_wasm_bindgen::from_value(value.clone()).expect("serde-wasm-bindgen decodes");
    back.into_iter().map(ByteBuf::into_vec).collect()
}

/// No codec: each payload copied out as a `Uint8Array`, the structured clone is the codec.
fn clone_encode(payloads: &[Vec<u8>]) -> JsValue {
    payloads
        .iter()
        .map(|p| JsValue::from(js_sys::Uint8Array::from(p.as_slice())))
        .collect::<js_sys::Array>()
        .into()
}

fn clone_decode(value: &JsValue) -> Vec<Vec<u8>> {
    value
        .unchecked_ref::<js_sys::Array>()
        .iter()
        .map(|a| a.unchecked_ref::<js_sys::Uint8Array>().to_vec())
        .collect()
}

thread_local! {
    /// `reused_encode`'s buffers, kept from one request to the next.
    static STAGING: std::cell::RefCell<Vec<js_sys::Uint8Array>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// As `clone_encode`, but into buffers kept from the previous request when the sizes match:
/// the app's own staging (`web::processes::stage`), which it uses for up to
/// `protocol::STAGING_KEPT_BYTES`.
fn reused_encode(payloads: &[Vec<u8>]) -> JsValue {
    STAGING.with_borrow_mut(|staging| {
        processes::stage(staging, payloads)
            .iter()
            .map(JsValue::from)
            .collect::<js_sys::Array>()
            .into()
    })
}

const CANDIDATES: [(&str, Encode, Decode); 5] = [
    (
        "structured clone, reused buffers",
        reused_encode,
        clone_decode,
    ),
    ("postcard", postcard_encode, postcard_decode),
    ("bincode", bincode_encode, bincode_decode),
    ("serde-wasm-bindgen", swb_encode, swb_decode),
    ("structured clone", clone_encode, clone_decode),
];

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Times every candidate on `count` payloads of `kib` KiB: a warm-up, then `runs` runs, the
/// candidates taking turns so that the machine's drift touches them alike.
fn compare(count: usize, kib: u64, runs: usize) {
    let payloads: Vec<Vec<u8>> = (0..count).map(|_| data::payload(kib)).collect();
    let mut times = vec![<[Vec<f64>; 5]>::default(); CANDIDATES.len()];
    for run in 0..=runs {
        for (times, (name, encode, decode)) in times.iter_mut().zip(CANDIDATES) {
            // The copy way, in the page's order: encode, clone, decode from the clone.
            let t0 = PerformanceClock.now_ms();
            let encoded = encode(&payloads);
            let t1 = PerformanceClock.now_ms();
            let cloned = structured_clone(&encoded).expect("clones");
            drop(encoded);
            let t2 = PerformanceClock.now_ms();
            let back = decode(&cloned);
            let t3 = PerformanceClock.now_ms();
            assert!(
                back == payloads,
                "{name}: the copy way changed the payloads"
            );
            drop((back, cloned));
            // The codec's two legs as pickle's are timed: back to back, after a pair like them.
            drop(decode(&encode(&payloads)));
            let t4 = PerformanceClock.now_ms();
            let encoded = encode(&payloads);
            let t5 = PerformanceClock.now_ms();
            let back = decode(&encoded);
            let t6 = PerformanceClock.now_ms();
            assert!(
                back == payloads,
                "{name}: encode and decode changed the payloads"
            );
            if run > 0 {
                let legs = [t5 - t4, t6 - t5, t1 - t0, t2 - t1, t3 - t2];
                for (leg, ms) in times.iter_mut().zip(legs) {
                    leg.push(ms);
                }
            }
        }
    }
    let mb = (count as f64) * (kib as f64) / 1024.0;
    // The candidate the app uses for this shape.
    let total = (count as u64) * kib * 1024;
    let chosen = match protocol::copy_way(payloads.iter().map(|p| p.len() as u64)) {
        Payloads::Cloned if total <= protocol::STAGING_KEPT_BYTES => {
            "structured clone, reused buffers"
        }
        Payloads::Cloned => "structured clone",
        _ => "postcard",
    };
    for (times, (name, ..)) in times.into_iter().zip(CANDIDATES) {
        let [encode, decode, copy_encode, clone, decode_cloned] = times.map(median);
        let codec_ms = encode + decode;
        web_sys::console::log_1(
            &format!(
                "CODEC {{\"codec\":\"{name}\",\"app\":{},\"count\":{count},\"kib\":{kib},\"mb\":{mb},\
                 \"runs\":{runs},\"encode_ms\":{encode:.4},\"decode_ms\":{decode:.4},\
                 \"copy_way_encode_ms\":{copy_encode:.4},\"clone_ms\":{clone:.4},\
                 \"decode_after_clone_ms\":{decode_cloned:.4},\
                 \"codec_mb_per_s\":{:.1},\"total_mb_per_s\":{:.1}}}",
                name == chosen,
                mb / (codec_ms / 1e3),
                mb / ((copy_encode + clone + decode_cloned) / 1e3),
            )
            .into(),
        );
    }
}

#[wasm_bindgen_test]
fn one_large_payload() {
    for (mb, runs) in [(1, 9), (10, 7), (100, 5)] {
        compare(1, mb * 1024, runs);
    }
}

#[wasm_bindgen_test]
fn many_small_payloads() {
    // A chunk of 256 tasks with 1 KiB each (chunksize 256), and 64 of 64 KiB.
    compare(256, 1, 9);
    compare(64, 64, 9);
}
