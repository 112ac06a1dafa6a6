//! Browser glue in headless Chromium (wasm-bindgen-test). The runner serves the page with
//! COOP/COEP, so the page is cross-origin isolated and the thread pool can start.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test browser` (scripts/test.sh does).
#![cfg(target_arch = "wasm32")]
//!
//! One module per mechanism: `isolated` (the workers and their protocol), `pool` (threads, the
//! GIL, nested submits), `event_loop` (the async scheduler and I/O), `page` (the probe, cancel,
//! the time-sized step), on `support`'s helpers.

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod event_loop;
mod isolated;
mod page;
mod pool;
mod support;
