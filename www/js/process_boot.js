// Boot script of one isolated worker (the "process" model).
//
// The page starts this as a module worker from a Blob URL (so the very same script boots the
// app's worker bundle and, in the browser tests, the test bundle), then posts
// { type: 'cp_boot', mainJS, wasm } naming the wasm-bindgen module to load and, optionally, its
// wasm: a URL, or an already compiled WebAssembly.Module (then the worker only instantiates). Calling init
// without a memory makes a fresh wasm instance with its *own* memory: nothing is shared with the
// page. Rust's `cp_worker_main` then installs the protocol handler and posts the `cp_ready`
// handshake (src/models/processes/protocol.rs); until then the page posts nothing else.
self.addEventListener('message', async function boot({ data }) {
  if (data == null || data.type !== 'cp_boot') return;
  self.removeEventListener('message', boot);
  self.cpBase = data.base; // this worker runs from a blob: URL; requests resolve against the page
  // The start-up's legs as this worker sees them, on the page's clock; `cp_worker_main` puts
  // them in the handshake.
  const now = () => performance.timeOrigin + performance.now();
  const times = { started_ms: now() };
  try {
    const pkg = await import(data.mainJS);
    times.imported_ms = now();
    await pkg.default(data.wasm ? { module_or_path: data.wasm } : undefined);
    times.instantiated_ms = now();
    self.cpBoot = times;
    pkg.cp_worker_main();
  } catch (e) {
    // Same shape as the Rust `FromWorker::Failed`, so the page decodes it like any reply.
    self.postMessage(JSON.stringify({ type: 'cp_failed', message: String((e && e.message) || e) }));
  }
});
