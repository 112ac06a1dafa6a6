//! The page's side of the host-page API: what an embedded playground posts to the page that
//! frames it.

use wasm_bindgen::prelude::*;

use crate::report::Results;

/// The `cp_embed_results` message for a host page, as JSON text. Written out, not built as a
/// `serde_json::Value`: a second serialiser for the whole results document would cost the page
/// kilobytes of wasm.
pub(super) fn results_message(results: &Results) -> String {
    let results = serde_json::to_string(results).unwrap_or_else(|_| "null".into());
    format!(r#"{{"type":"cp_embed_results","results":{results}}}"#)
}

/// Posts `message` (JSON text, sent as a plain object) to a window, restricted to `origin`.
pub(super) fn post_to(target: &js_sys::Object, origin: &str, message: &str) {
    let Ok(value) = js_sys::JSON::parse(message) else {
        return;
    };
    let post = js_sys::Reflect::get(target, &"postMessage".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    // An opaque origin ("null": a sandboxed or data: page) cannot be named as a target.
    let origin = if origin == "null" { "*" } else { origin };
    if let Some(post) = post {
        // A host that has navigated away cannot be told anything, and nobody else is waiting.
        let _ = post.call2(target, &value, &origin.into());
    }
}
