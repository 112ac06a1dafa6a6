// Starts a Web Worker that joins this wasm instance as one more thread: it loads the same
// wasm-bindgen module, instantiates it with the *same* shared memory, and runs one Rust closure,
// passed as a pointer into that memory (src/web/threads.rs).
//
// This is the technique of wasm-bindgen-rayon's startWorkers, one thread at a time, so a pool of
// any size can be built and torn down while the page lives (wasm-bindgen-rayon only builds the
// one global pool: its issues #20 and #29).
//
// Threads and isolated workers ("processes", process_boot.js) boot differently on purpose, as
// threads and processes do: a thread joins the page's instance (the same module and shared
// memory, one closure pointer to run, ready or failed and nothing more), while a process makes
// an instance of its own and speaks the typed protocol (the cp_ready handshake with its
// start-up legs). One script for both would make each carry the other's branches.
const THREAD_SRC = `
self.addEventListener('message', async function start({ data }) {
  if (data == null || data.type !== 'cp_thread_start') return;
  self.removeEventListener('message', start);
  try {
    const pkg = await import(data.mainJS);
    const wasm = await pkg.default({ module_or_path: data.module, memory: data.memory });
    postMessage({ type: 'cp_thread_ready' });
    pkg.cp_thread_entry(data.ptr); // returns when the pool lets this thread go
    wasm.__wbindgen_thread_destroy?.(); // free this thread's stack and TLS in the shared memory
  } catch (e) {
    postMessage({ type: 'cp_thread_failed', message: String((e && e.message) || e) });
  }
  close();
});
`;

let threadUrl;

/** Spawns one thread; resolves to its Worker once it has joined the instance. */
export function spawnThread(mainJS, module, memory, ptr) {
  threadUrl ??= URL.createObjectURL(new Blob([THREAD_SRC], { type: 'text/javascript' }));
  const worker = new Worker(threadUrl, { type: 'module' });
  return new Promise((resolve, reject) => {
    // A thread that failed to start is terminated here: nothing else holds it, and a worker that
    // failed to load would otherwise live on beside the pool that gave up on it.
    const fail = (message) => {
      worker.terminate();
      reject(new Error(message));
    };
    worker.addEventListener('message', function started({ data }) {
      if (data?.type === 'cp_thread_ready') {
        worker.removeEventListener('message', started);
        resolve(worker);
      } else if (data?.type === 'cp_thread_failed') {
        fail(data.message);
      }
    });
    worker.addEventListener('error', (e) => fail(e.message || 'thread worker failed to load'));
    worker.postMessage({ type: 'cp_thread_start', mainJS, module, memory, ptr });
  });
}
