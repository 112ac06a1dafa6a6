//! Threads in the browser: Web Workers that share this wasm instance's memory.
//!
//! [`spawn`] starts a worker from `www/js/threads.js`, which instantiates this very module with
//! the same `WebAssembly.Memory` and calls [`cp_thread_entry`] with a pointer to the closure to
//! run. That is all `std::thread::spawn` would do, had the browser one. The thread pool model
//! builds its rayon pools on it (`web::thread_pool`).

use js_sys::{JsString, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/www/js/threads.js")]
extern "C" {
    #[wasm_bindgen(js_name = spawnThread)]
    fn spawn_thread(main_js: &JsString, module: &JsValue, memory: &JsValue, ptr: u32) -> Promise;
}

/// A closure handed to a new thread through the shared memory.
type ThreadMain = Box<dyn FnOnce() + Send>;

/// Starts a thread running `f`. The promise resolves to the thread's `Worker` once it has joined
/// the instance (after it fetched nothing: the compiled module and the memory are posted to it).
pub fn spawn(f: impl FnOnce() + Send + 'static) -> Promise {
    #[wasm_bindgen]
    extern "C" {
        // The URL of this module's JS, so the thread imports the same module (the app's, or the
        // test bundle's). Same trick as wasm-bindgen-rayon's `mainJS`.
        #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
        static MAIN_JS: JsString;
    }
    let main: Box<ThreadMain> = Box::new(Box::new(f));
    let ptr = Box::into_raw(main) as usize as u32;
    MAIN_JS.with(|url| spawn_thread(url, &wasm_bindgen::module(), &wasm_bindgen::memory(), ptr))
}

/// Runs a closure made by [`spawn`]; called by `www/js/threads.js` on the new thread.
#[wasm_bindgen]
pub fn cp_thread_entry(ptr: u32) {
    // SAFETY: `ptr` came from `Box::into_raw` in `spawn`, and the JS side calls this exactly once.
    let main = unsafe { Box::from_raw(ptr as *mut ThreadMain) };
    main();
}
