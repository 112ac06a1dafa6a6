//! Real I/O for the models: how each one sleeps and fetches (`workloads::io`'s seams).
//!
//! | model | sleep | fetch |
//! |---|---|---|
//! | main thread | spin: the main thread may not `Atomics.wait` | synchronous XHR: the page freezes |
//! | pool thread, isolated worker | `std::thread::sleep` (`Atomics.wait`: the core is free) | synchronous XHR: only this thread waits |
//! | async scheduler | a timer | `fetch()`, awaited as an external wait |
//!
//! Every request asks for the same small file with a fresh query string, so it really reaches
//! the server instead of the HTTP cache.

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCache, RequestInit, Response, XmlHttpRequest};

use crate::core::metrics::Clock;
use crate::models::event_loop::Handle;
use crate::web::clock::PerformanceClock;
use crate::workloads::io::{AsyncIo, BlockingIo};

thread_local! {
    /// Distinguishes requests, so none is answered from the cache.
    static REQUESTS: Cell<u64> = const { Cell::new(0) };
}

/// The page's directory URL (what [`ThreadIo::base`] needs).
pub fn page_base() -> String {
    page_url("./")
}

/// The absolute URL of `path` next to the page. Workers run from `blob:` URLs, so the page's
/// base is handed to them (the isolated workers' boot message, the pool threads' closures).
pub fn page_url(path: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .or_else(|| {
            js_sys::Reflect::get(&js_sys::global(), &"cpBase".into())
                .ok()
                .and_then(|v| v.as_string())
        })
        .unwrap_or_default();
    resolve(path, &base)
}

/// `path` resolved against `base` (as given if that fails, so the request reports the error).
fn resolve(path: &str, base: &str) -> String {
    web_sys::Url::new_with_base(path, base).map_or_else(|_| path.to_string(), |u| u.href())
}

fn fresh(url: &str) -> String {
    let n = REQUESTS.with(|r| {
        r.set(r.get() + 1);
        r.get()
    });
    format!("{url}?r={n}")
}

/// A synchronous GET: blocks this thread until the body is in; returns its length.
fn get_sync(url: &str) -> Result<u64, String> {
    let xhr = XmlHttpRequest::new().map_err(|e| format!("{e:?}"))?;
    xhr.open_with_async("GET", &fresh(url), false)
        .map_err(|e| format!("{e:?}"))?;
    xhr.send().map_err(|e| format!("request failed: {e:?}"))?;
    match xhr.status() {
        Ok(200) => Ok(xhr.response_text().ok().flatten().unwrap_or_default().len() as u64),
        status => Err(format!("HTTP status {status:?}")),
    }
}

/// I/O for a pool thread or an isolated worker: these may block.
#[derive(Debug, Clone, Default)]
pub struct ThreadIo {
    /// The page's directory URL, to resolve request paths against: a worker's own location is
    /// a `blob:` URL. Shared: a pool job makes one of these per task.
    pub base: std::sync::Arc<str>,
    /// Payloads that came with the request (an isolated worker), in the order of its data steps.
    pub payloads: VecDeque<Vec<u8>>,
}

impl BlockingIo for ThreadIo {
    fn sleep(&mut self, ms: f64) {
        std::thread::sleep(std::time::Duration::from_secs_f64(ms.max(0.0) / 1e3));
    }

    fn fetch(&mut self, path: &str) -> Result<u64, String> {
        get_sync(&resolve(path, &self.base))
    }

    /// The payload that came with the request, in order (an isolated worker: the copy, moved
    /// or shared buffer the page sent); a pool thread gets none and makes it here, in the
    /// memory it shares with the page.
    fn payload(&mut self, kib: u64) -> Vec<u8> {
        self.payloads
            .pop_front()
            .unwrap_or_else(|| crate::workloads::data::payload(kib))
    }
}

/// I/O on the main thread, which may not sleep: it spins, and requests synchronously.
#[derive(Debug, Clone, Copy, Default)]
pub struct MainThreadIo;

impl BlockingIo for MainThreadIo {
    fn sleep(&mut self, ms: f64) {
        let until = PerformanceClock.now_ms() + ms;
        while PerformanceClock.now_ms() < until {}
    }

    fn fetch(&mut self, path: &str) -> Result<u64, String> {
        get_sync(&page_url(path))
    }
}

/// I/O for a task on the async scheduler: timers, and `fetch()` as an external wait.
#[derive(Debug, Clone)]
pub struct EventLoopIo {
    /// The scheduler's handle.
    pub handle: Handle,
}

async fn fetch_len(url: String) -> Result<u64, String> {
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoStore);
    let request = Request::new_with_str_and_init(&url, &init).map_err(|e| format!("{e:?}"))?;
    let window = web_sys::window().ok_or("fetch needs the page")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| format!("fetch failed: {e:?}"))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("HTTP status {}", response.status()));
    }
    let body = JsFuture::from(response.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(body.unchecked_into::<js_sys::ArrayBuffer>().byte_length() as u64)
}

/// Fetches and compiles a wasm module in the page, for workers to instantiate without compiling
/// (the forkserver-like start).
///
/// # Errors
/// The fetch or the compile failed.
pub async fn compile_wasm(url: &str) -> crate::Result<wasm_bindgen::JsValue> {
    let failed =
        |e: wasm_bindgen::JsValue| crate::Error::Runtime(format!("cannot compile {url}: {e:?}"));
    let window = web_sys::window().ok_or_else(|| failed("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(failed(format!("HTTP status {}", response.status()).into()));
    }
    let bytes = JsFuture::from(response.array_buffer().map_err(failed)?)
        .await
        .map_err(failed)?;
    JsFuture::from(js_sys::WebAssembly::compile(&bytes))
        .await
        .map_err(failed)
}

impl AsyncIo for EventLoopIo {
    fn sleep(&self, ms: f64) -> impl Future<Output = ()> {
        self.handle.sleep_until(PerformanceClock.now_ms() + ms)
    }

    fn fetch(&self, path: &str) -> impl Future<Output = Result<u64, String>> {
        self.handle.external(fetch_len(fresh(&page_url(path))))
    }
}
