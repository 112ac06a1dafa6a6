// The browser half of the benchmarks (docs/BENCHMARKS.md): drives the release build in
// headless Chromium through the app itself — the figures are the ones a user sees in the page —
// plus independent probes in plain JS for the legs the page reports (start-up, transfer), so
// the two can be checked against each other.
//
//   node bench/browser.mjs --dist dist --native native.json --native-bin PATH --out browser.json
//     [--runs 5] [--quick] [--only B1,B2,…] [--quiet]
//
// `--native` names the native benchmark's JSON: the kernels run at exactly its sizes.
// `--native-bin` is that benchmark's executable: B1 and B2 time native Rust through it
// (`--serve`), taking turns with the page, so both sides of each ratio see the same machine.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { serve } from '../tests/e2e/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const QUICK = args.includes('--quick');
// `--quiet`: B2 also times its pools on quiet pages (a diagnosis; see launchQuiet).
const QUIET = args.includes('--quiet');
const RUNS = Number(arg('runs', QUICK ? 3 : 5));
const DIST = resolve(arg('dist', 'dist')) + '/';
const OUT = arg('out', 'browser.json');
const native = JSON.parse(readFileSync(arg('native'), 'utf8'));
// `--only B1,B4`: just those sections (for profiling one of them).
const ONLY = arg('only', 'B1,B2,B3,B4,B5,B6,B7').split(',');
const want = (section) => ONLY.includes(section);

const stats = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length / 2;
  const median = v.length % 2 ? v[Math.floor(mid)] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v.at(-1), n: v.length };
};
/** `stats` of each of `fields` over `rows`: `{ field: stats, … }`. */
const fieldStats = (rows, fields) => Object.fromEntries(fields.map((f) => [f, stats(rows.map((r) => r[f]))]));
const log = (...m) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...m);

/**
 * The pause before every timed run, native or in a page: the run before may still be finishing
 * behind its result (painting, a garbage collection on V8's helper threads), and on two cores
 * whatever it does comes out of the next run's threads. Both sides wait alike.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/**
 * Native Rust on call (benches/native.rs `--serve`): `time('kernel hash 1000000')` resolves to
 * one checked run's ms. The process runs only when asked, so it never competes with the page.
 */
function nativeSide(bin) {
  const child = spawn(bin, ['--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(Number(line)));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${bin} --serve exited with ${code}`));
  });
  const send = (request) => new Promise((resolve, reject) => {
    waiting.push({ resolve, reject });
    child.stdin.write(`${request}\n`);
  });
  return {
    // A pause first: the page may still be painting the run it has just reported.
    time: (request) => settle().then(() => send(request)),
    /** `time`, and the CPU each of the process's threads had meanwhile (`threadCpu`). */
    timed: async (request) => {
      await settle();
      const before = threadCpu([child.pid]);
      const ms = await send(request);
      return { ms, cpu: cpuSince(before, threadCpu([child.pid])) };
    },
    close: () => child.stdin.end(),
  };
}

/**
 * CPU time each thread has had so far, ms, keyed `pid/tid`, with the thread's name: Linux's
 * scheduler statistics (/proc/PID/task/TID/schedstat: ns on a CPU, exact, where /proc/…/stat
 * counts 10 ms ticks). `pids`: the processes to read; by default every Chromium process. Empty
 * where there is no /proc.
 */
function threadCpu(pids) {
  const out = new Map();
  let all = pids;
  if (!all) {
    try {
      all = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && readSafe(`/proc/${d}/comm`)?.startsWith('chrom'));
    } catch {
      return out;
    }
  }
  for (const pid of all) {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch { /* the process has ended */ }
    for (const tid of tids) {
      const ns = Number(readSafe(`/proc/${pid}/task/${tid}/schedstat`)?.split(' ')[0]);
      if (Number.isFinite(ns)) out.set(`${pid}/${tid}`, { name: readSafe(`/proc/${pid}/task/${tid}/comm`)?.trim() ?? '', ms: ns / 1e6 });
    }
  }
  return out;
}

function readSafe(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The machine's CPU time so far, ms, summed over its CPUs: busy, idle and stolen by the host. */
function machineCpu() {
  const fields = readSafe('/proc/stat')?.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  if (!fields) return undefined;
  const tick = 10; // USER_HZ is 100 on Linux
  const [idle, iowait, steal] = [fields[3], fields[4], fields[7] ?? 0];
  const all = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (all - idle - iowait - steal) * tick, idle: (idle + iowait) * tick, steal: steal * tick };
}

/**
 * For B2's diagnosis: one Run of `page`, with the machine's and every Chromium thread's CPU read
 * twice while it runs, from 15% to 75% of `expectMs` (the run's usual wall time), so the window
 * holds nothing but the run — no start, no drawing of its results. Shares are of the window's
 * two cores. Not part of any ratio: the readings themselves take a few ms of CPU from the run.
 */
async function midRun(page, expectMs) {
  const before = await clickRun(page);
  await new Promise((resolve) => setTimeout(resolve, 0.15 * expectMs));
  const [t0, m0, c0] = [performance.now(), machineCpu(), threadCpu()];
  await new Promise((resolve) => setTimeout(resolve, 0.6 * expectMs));
  const [c1, m1, t1] = [threadCpu(), machineCpu(), performance.now()];
  await runEnded(page, before, 600_000);
  const { doc } = await results(page);
  const cores = 2 * (t1 - t0);
  const byName = new Map();
  for (const t of cpuSince(c0, c1)) byName.set(t.name, (byName.get(t.name) ?? 0) + t.ms);
  return {
    wall_ms: model(doc, 'pool').wall_ms, window_ms: t1 - t0,
    threads: Object.fromEntries([...byName].map(([name, ms]) => [name, ms / cores])),
    machine: m0 && { busy: (m1.busy - m0.busy) / cores, idle: (m1.idle - m0.idle) / cores, steal: (m1.steal - m0.steal) / cores },
  };
}

/** Each thread's CPU between two `threadCpu` readings, ms, busiest first: `[{ name, ms }]`. */
const cpuSince = (before, after) => [...after]
  .map(([key, t]) => ({ name: t.name, ms: t.ms - (before.get(key)?.ms ?? 0) }))
  .filter((t) => t.ms > 0)
  .sort((a, b) => b.ms - a.ms);

/**
 * The share of `threads` cores that the `threads` busiest of `cpu` (named `prefix…`) had during
 * a run of `wallMs`: 1 when they ran all the time. Undefined without /proc.
 */
const cpuShare = (cpu, threads, wallMs, prefix = '') => {
  const busiest = cpu.filter((t) => t.name.startsWith(prefix)).slice(0, threads);
  return busiest.length ? busiest.reduce((a, t) => a + t.ms, 0) / (threads * wallMs) : undefined;
};
const side = want('B1') || want('B2') ? nativeSide(arg('native-bin')) : null;

const server = await serve(DIST, { isolated: true });
const context = await launch();
// Long tasks on the UI thread (> 50 ms, the Long Tasks API's threshold) and the moment the app
// first rendered its Run button, recorded from the very start of every page.
const instrument = (ctx) => ctx.addInitScript(() => {
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* not supported: the list stays empty */ }
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid="run"]')) {
      window.__firstRender = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
});
await instrument(context);

/**
 * For B2's diagnosis only, never a verdict: a browser whose pages do nothing on the UI thread
 * during a run that the app itself does not need. The heartbeat's 10 ms timer beats once a
 * second, the animation frames the app asks for come from a 0 ms timer instead (nothing is
 * painted for them), and the meter is hidden, so its figures change no pixel. The run, its
 * threads and its results are the app's own. Launched in B2 and closed after it, so no idle
 * browser sits beside the other measurements.
 */
async function launchQuiet() {
  const quiet = await launch();
  await quiet.addInitScript(() => {
    // The app's one `setInterval` is the heartbeat (web/clock.rs).
    const setInterval = window.setInterval.bind(window);
    window.setInterval = (f, ms, ...rest) => setInterval(f, Math.max(Number(ms) || 0, 1000), ...rest);
    window.requestAnimationFrame = (f) => setTimeout(() => f(performance.now()), 0);
    addEventListener('DOMContentLoaded', () => {
      document.head.append(Object.assign(document.createElement('style'), { textContent: '.ticker { display: none }' }));
    });
  });
  return quiet;
}

/** Opens the app with `query` and autorun; returns the page once its run is done. */
async function run(query, { timeout = 600_000, ctx = context } = {}) {
  const page = await ctx.newPage();
  await page.goto(`${server.url}?${query}&autorun=1`);
  return finish(page, timeout);
}

/**
 * Resolves once the page's run has ended (`data-run-state` done, error or cancelled) with
 * results other than `before`, when given. It listens for the attribute to change rather than
 * polling: Playwright's `waitForFunction` polls on every animation frame, and the frames a page
 * is asked for are made on the cores the threads are timed on (two plain wasm workers lost 6% of
 * their speed-up to a page asking for every frame: bench/NOTES.md, B2).
 */
async function runEnded(page, before, timeout) {
  await page.evaluate(({ before, timeout }) => new Promise((resolve, reject) => {
    const ended = () => ['done', 'error', 'cancelled'].includes(document.body.dataset.runState) &&
      (before === undefined || document.querySelector('#results-json')?.textContent !== before);
    const stop = () => {
      observer.disconnect();
      clearInterval(slowLook);
      clearTimeout(timer);
    };
    const look = () => {
      if (ended()) {
        stop();
        resolve();
      }
    };
    const observer = new MutationObserver(look);
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-run-state'] });
    // Should the flag go up before the results change (the app waits for them a hundred turns at
    // most), no attribute change would follow: look again once a second as well.
    const slowLook = setInterval(look, 1000);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the run did not end within ${timeout} ms`));
    }, timeout);
    look();
  }), { before, timeout });
}

async function finish(page, timeout = 600_000) {
  await runEnded(page, undefined, timeout);
  return results(page);
}

/** The page's results, every model checked ok. */
async function results(page) {
  const doc = JSON.parse(await page.textContent('#results-json'));
  for (const m of doc.models) {
    if (m.status !== 'ok' || !m.answer_ok) throw new Error(`${describe(doc)}: ${m.model} ${m.status} ${m.message ?? ''}`);
  }
  return { page, doc };
}

function describe(doc) {
  return `${doc.config.workload} n=${doc.config.n} × ${doc.config.tasks}`;
}

/**
 * Clicks `page`'s Run after the pause every timed run gets (`settle`), calling `justBefore`
 * right before the click; returns the results JSON the page showed before it (for `runEnded`).
 */
async function clickRun(page, justBefore = () => {}) {
  const before = await page.evaluate(() => document.querySelector('#results-json')?.textContent ?? null);
  await settle();
  justBefore();
  await page.click('[data-testid="run"]');
  return before;
}

/**
 * Clicks Run again on `page` and returns the new results; with `cpu`, also what each Chromium
 * thread had of the CPUs from the click to the done flag (`cpuSince`).
 */
async function again(page, { cpu = false } = {}) {
  let threadsBefore = null;
  const before = await clickRun(page, () => {
    if (cpu) threadsBefore = threadCpu();
  });
  await runEnded(page, before, 600_000);
  const threadsAfter = cpu ? threadCpu() : null;
  return { ...(await results(page)), cpu: cpu ? cpuSince(threadsBefore, threadsAfter) : undefined };
}

const model = (doc, id) => doc.models.find((m) => m.model === id);
const repeats = (m) => (m.repeats_ms?.length ? m.repeats_ms : [m.wall_ms]);
const out = { browser: '', runs: RUNS, quick: QUICK };

/**
 * Opens the app with `query` (warm-up on) and, once its first Run is done, unchecks warm-up:
 * the page is warm from then on, and each Run is one measured repeat.
 */
async function warmPage(query, ctx = context) {
  const opened = await run(`${query}&repeats=1&warmup=1`, { ctx });
  await opened.page.uncheck('[data-testid="warmup"]');
  return opened;
}

/** The median of the round-by-round ratios `a[i] / b[i]`: drift over the rounds cancels out. */
const pairedRatio = (a, b) => stats(a.map((x, i) => x / b[i])).median;
/** The middle half of the round-by-round ratios `a[i] / b[i]`: `[first quartile, third]`. */
const pairedSpread = (a, b) => {
  const v = a.map((x, i) => x / b[i]).sort((p, q) => p - q);
  const at = (q) => {
    const i = q * (v.length - 1);
    return v[Math.floor(i)] + (v[Math.ceil(i)] - v[Math.floor(i)]) * (i - Math.floor(i));
  };
  return [at(0.25), at(0.75)];
};

// B1 takes twice the usual rounds: the machine's speed swings by ±20% within seconds, and each
// round gives one ratio. B2 takes four times: each of its ratios comes from four runs (two
// speed-ups), each run's wall time the slower of two vCPUs, so a round's ratio swings by ±15%
// (bench/NOTES.md, B2).
const ROUNDS = 2 * RUNS;
const B2_ROUNDS = 4 * RUNS;
out.rounds = { B1: ROUNDS, B2: B2_ROUNDS };

if (want('B1')) {
  // B1: each kernel on the UI thread (one task) at the native benchmark's sizes, taking turns
  // with the same kernel natively: a Run in the page, a run in Rust, …
  log('B1 kernels');
  out.kernels = [];
  for (const k of native.kernels) {
    const request = `kernel ${k.kind} ${k.n}`;
    const { page, doc } = await warmPage(`workload=${k.kind}&n=${k.n}&tasks=1&models=blocking`);
    out.browser = doc.environment.user_agent;
    await side.time(request);
    const wasm = [];
    const rust = [];
    for (let i = 0; i < ROUNDS; i++) {
      wasm.push(model((await again(page)).doc, 'blocking').wall_ms);
      rust.push(await side.time(request));
    }
    out.kernels.push({ kind: k.kind, n: k.n, ms: stats(wasm), native_ms: stats(rust), ratio: pairedRatio(wasm, rust) });
    await page.close();
  }
}

/**
 * The share of `threads` lanes' time that a run's tasks were running, by its own trace (1 when
 * no thread ever waited for work): where `cpuShare` is lower, a thread had a task to run and no
 * CPU to run it on.
 */
const busyShare = (m, threads) => m.tasks
  .flatMap((t) => t.segments.filter((seg) => seg.state === 'run'))
  .reduce((a, seg) => a + seg.end_ms - seg.start_ms, 0) / (threads * m.wall_ms);

/**
 * B2's CPU accounting, where /proc has it: how much of their cores each side's threads got
 * (median shares; 1 = all the time), what Chromium's other threads took during a pool of 2's run
 * (from the click to the done flag, so the drawing of the results is in it), and the ratio once
 * each speed-up is divided by the share of two cores its threads got over the share one thread
 * got — whether the pool, given the CPU rayon gets, would keep up with rayon.
 */
function b2Cpu({ shareSeq, sharePar, rustShareSeq, rustSharePar, others, busyPar, speedups, rayonSpeedups }) {
  if ([shareSeq, sharePar, rustShareSeq, rustSharePar].some((v) => v.some((x) => x === undefined))) return undefined;
  const perCpu = (speedup, i, one, two) => speedup * (one[i] / two[i]);
  const pool = speedups.map((x, i) => perCpu(x, i, shareSeq, sharePar));
  const rayon = rayonSpeedups.map((x, i) => perCpu(x, i, rustShareSeq, rustSharePar));
  return {
    pool_share_one: stats(shareSeq).median, pool_share_two: stats(sharePar).median,
    rayon_share_one: stats(rustShareSeq).median, rayon_share_two: stats(rustSharePar).median,
    others_ms: stats(others), pool_busy_two: stats(busyPar).median,
    ratio_per_cpu: pairedRatio(pool, rayon), ratio_per_cpu_spread: pairedSpread(pool, rayon),
  };
}

/**
 * `midRun`'s readings summed up: median shares of the two cores for the machine (busy, idle,
 * stolen) and for the Chromium threads by name, the busiest first (DedicatedWorker is the pool,
 * `chromium` a process's main thread: the page's UI thread, the browser's).
 */
function midRunStats(inside) {
  const names = [...new Set(inside.flatMap((r) => Object.keys(r.threads)))];
  const threads = names
    .map((name) => ({ name, share: stats(inside.map((r) => r.threads[name] ?? 0)).median }))
    .filter((t) => t.share >= 0.005)
    .sort((a, b) => b.share - a.share);
  const machine = inside[0].machine && Object.fromEntries(['busy', 'idle', 'steal']
    .map((k) => [k, stats(inside.map((r) => r.machine[k])).median]));
  return { runs: inside.length, window_ms: stats(inside.map((r) => r.window_ms)).median, threads, machine };
}

if (want('B2')) {
  // B2: four tasks on a pool of two threads against the same four on a pool of one (the UI
  // thread's time beside them), and natively rayon's two threads against one thread — all
  // taking turns, round by round, each side's one-thread run beside the other's and its
  // two-thread run likewise (a vCPU's speed changes from one second to the next). A waiting
  // page is idle: its meter rests between runs. With `--quiet`, the same pools on quiet pages
  // (`launchQuiet`) take their turns too: what the live page's own work during a run
  // (heartbeat, meter) costs the threads, on a machine whose two cores they fill.
  log('B2 pool speed-up');
  const quiet = QUIET ? await launchQuiet() : null;
  out.pool2 = [];
  for (const k of native.kernels) {
    const query = `workload=${k.kind}&n=${k.n}&tasks=4`;
    const one = await warmPage(`${query}&workers=1&models=blocking,pool`);
    const two = await warmPage(`${query}&workers=2&models=pool`);
    const quietOne = quiet && await warmPage(`${query}&workers=1&models=pool`, quiet);
    const quietTwo = quiet && await warmPage(`${query}&workers=2&models=pool`, quiet);
    const [seqRequest, parRequest] = [`seq ${k.kind} ${k.n}`, `par ${k.kind} ${k.n}`];
    await side.time(seqRequest);
    await side.time(parRequest);
    const [ui, seq, par, quietSeq, quietPar, rustSeq, rustPar] = [[], [], [], [], [], [], []];
    // Each run's threads' share of their cores (`cpuShare`), and what every other Chromium
    // thread had during the pool of 2's run, ms.
    const [shareSeq, sharePar, rustShareSeq, rustSharePar, others, busyPar] = [[], [], [], [], [], []];
    for (let i = 0; i < B2_ROUNDS; i++) {
      const oneRun = await again(one.page, { cpu: true });
      ui.push(model(oneRun.doc, 'blocking').wall_ms);
      seq.push(model(oneRun.doc, 'pool').wall_ms);
      shareSeq.push(cpuShare(oneRun.cpu, 1, seq.at(-1), 'DedicatedWorker'));
      const rustOne = await side.timed(seqRequest);
      rustSeq.push(rustOne.ms);
      rustShareSeq.push(cpuShare(rustOne.cpu, 1, rustOne.ms));
      const twoRun = await again(two.page, { cpu: true });
      par.push(model(twoRun.doc, 'pool').wall_ms);
      sharePar.push(cpuShare(twoRun.cpu, 2, par.at(-1), 'DedicatedWorker'));
      busyPar.push(busyShare(model(twoRun.doc, 'pool'), 2));
      const pool = new Set(twoRun.cpu.filter((t) => t.name.startsWith('DedicatedWorker')).slice(0, 2));
      others.push(twoRun.cpu.filter((t) => !pool.has(t)).reduce((a, t) => a + t.ms, 0));
      const rustTwo = await side.timed(parRequest);
      rustPar.push(rustTwo.ms);
      rustSharePar.push(cpuShare(rustTwo.cpu, 2, rustTwo.ms));
      if (quiet) {
        quietSeq.push(model((await again(quietOne.page)).doc, 'pool').wall_ms);
        quietPar.push(model((await again(quietTwo.page)).doc, 'pool').wall_ms);
      }
    }
    const speedups = seq.map((x, i) => x / par[i]);
    const rayonSpeedups = rustSeq.map((x, i) => x / rustPar[i]);
    const quietSpeedups = quietSeq.map((x, i) => x / quietPar[i]);
    out.pool2.push({
      kind: k.kind, n: k.n, ui_thread_ms: stats(ui), seq_ms: stats(seq), par_ms: stats(par),
      speedup: stats(speedups).median, speedup_vs_ui_thread: pairedRatio(ui, par),
      rayon: { seq_ms: stats(rustSeq), par_ms: stats(rustPar), speedup: stats(rayonSpeedups).median },
      ratio: pairedRatio(speedups, rayonSpeedups), ratio_spread: pairedSpread(speedups, rayonSpeedups),
      cpu: b2Cpu({ shareSeq, sharePar, rustShareSeq, rustSharePar, others, busyPar, speedups, rayonSpeedups }),
      quiet: quiet && {
        seq_ms: stats(quietSeq), par_ms: stats(quietPar), speedup: stats(quietSpeedups).median,
        ratio: pairedRatio(quietSpeedups, rayonSpeedups), ratio_spread: pairedSpread(quietSpeedups, rayonSpeedups),
      },
    });
    // Then a few runs of the pool of 2 read from inside (`midRun`): who had the two cores.
    const inside = [];
    for (let i = 0; i < RUNS && process.platform === 'linux'; i++) inside.push(await midRun(two.page, stats(par).median));
    if (out.pool2.at(-1).cpu && inside.length) out.pool2.at(-1).cpu.mid_run = midRunStats(inside);
    for (const opened of [one, two, quietOne, quietTwo]) await opened?.page.close();
  }
  await quiet?.close();
}
side?.close();

if (want('B3')) {
  // B3: isolated worker start-up, per worker, as the page reports it (with its breakdown),
  // taking turns with the same start-up measured independently in plain JS: a module worker
  // from a Blob that imports the worker bundle, instantiates it (from its URL, or a module
  // compiled once) and posts the handshake — two at once, as the page's run starts its two
  // workers. Round by round: the page's spawn, the probe's, the page's forkserver, the probe's,
  // the page's warm start.
  log('B3 start methods');
  const methods = ['spawn', 'forkserver', 'warm'];
  const pages = {};
  for (const method of methods) {
    pages[method] = (await run(`workload=count&n=1000&tasks=2&workers=2&models=processes&start=${method}`)).page;
  }
  const probe = await context.newPage();
  await probe.goto(server.url);
  await probe.evaluate(async () => {
    const base = location.href;
    const boot = `self.onmessage = async ({ data }) => {
      const t = [performance.timeOrigin + performance.now()];
      const pkg = await import(data.js);
      t.push(performance.timeOrigin + performance.now());
      await pkg.default(data.wasm ? { module_or_path: data.wasm } : undefined);
      t.push(performance.timeOrigin + performance.now());
      self.postMessage(t);
    };`;
    const url = URL.createObjectURL(new Blob([boot], { type: 'text/javascript' }));
    const module = await WebAssembly.compileStreaming(fetch(new URL('worker_bg.wasm', base)));
    const one = async (wasm) => {
      const t0 = performance.timeOrigin + performance.now();
      const w = new Worker(url, { type: 'module' });
      const got = new Promise((r) => { w.onmessage = (e) => r(e.data); });
      w.postMessage({ js: new URL('worker.js', base).href, wasm });
      const [started, imported, instantiated] = await got;
      const t1 = performance.timeOrigin + performance.now();
      w.terminate();
      return { total_ms: t1 - t0, thread_ms: started - t0, import_ms: imported - started, instantiate_ms: instantiated - imported };
    };
    window.__startPair = (method) => {
      const wasm = method === 'forkserver' ? module : undefined;
      return Promise.all([one(wasm), one(wasm)]);
    };
    // Once each, to warm the HTTP cache: not counted.
    await window.__startPair('spawn');
    await window.__startPair('forkserver');
  });
  const rows = Object.fromEntries(methods.map((m) => [m, { perWorker: [], batchPerWorker: [], legs: [] }]));
  const probeRows = { spawn: [], forkserver: [] };
  // A pause before every start: back to back, the last run's workers are still being torn down
  // while the next ones start, and the start-ups take ~50% longer. Twice the usual rounds:
  // start-ups swing by ±25% here, and the page's figure is compared with the probe's within 20%.
  for (let i = 0; i < 2 * RUNS; i++) {
    for (const method of methods) {
      const page = pages[method];
      await page.waitForTimeout(1000);
      const m = model((await again(page)).doc, 'processes');
      const r = rows[method];
      r.perWorker.push(...(m.startup_ms.length ? m.startup_ms : [0]));
      // The batch's start-up (first spawn to last handshake) over its workers: CPython's
      // figure is the same (the pool's start over its two workers).
      const ups = (m.lanes ?? []).flatMap((l) => l.segments.filter((g) => g.state === 'startup'));
      r.batchPerWorker.push(ups.length ? (Math.max(...ups.map((g) => g.end_ms)) - Math.min(...ups.map((g) => g.start_ms))) / m.workers : 0);
      r.legs.push(...(m.ipc.startup_legs ?? []));
      if (method in probeRows) {
        await probe.waitForTimeout(1000);
        probeRows[method].push(...await probe.evaluate((m) => window.__startPair(m), method));
      }
    }
  }
  out.start = methods.map((method) => {
    const { perWorker, batchPerWorker, legs } = rows[method];
    const leg = (name) => stats(legs.map((l) => l[name]));
    return {
      method,
      per_worker_ms: stats(perWorker),
      batch_per_worker_ms: stats(batchPerWorker),
      legs: legs.length ? { thread_ms: leg('thread_ms'), import_ms: leg('import_ms'), instantiate_ms: leg('instantiate_ms'), handshake_ms: leg('handshake_ms') } : null,
    };
  });
  out.start_probe = Object.fromEntries(Object.entries(probeRows).map(([method, r]) => [method,
    fieldStats(r, ['total_ms', 'thread_ms', 'import_ms', 'instantiate_ms'])]));
  for (const page of [...Object.values(pages), probe]) await page.close();
}

if (want('B4')) {
  // B4: a payload of 1, 10 and 100 MB to one warm worker, each of the three ways; the request's
  // legs as the page reports them.
  log('B4 payloads');
  out.payloads = [];
  const sizes = QUICK ? [[1, 1024, 1], [10, 10240, 1]] : [[1, 1024, 1], [10, 10240, 1], [100, 51200, 2]];
  // The app's copy way for payloads of 1 MiB and more, rebuilt in plain JS to check the page's
  // legs, taking turns with the page's copy runs: the page copies each payload into a buffer it
  // keeps (up to 64 MiB) and posts it; the worker reads it (the clone is deserialised on first
  // access) and copies it into memory it keeps, as into its wasm memory (both memories shared,
  // as the app's are). Same payload shapes.
  const copyProbe = await context.newPage();
  await copyProbe.goto(server.url);
  await copyProbe.evaluate(() => {
    const src = `let kept = [];
      self.onmessage = (e) => {
        const received = performance.timeOrigin + performance.now();
        const parts = e.data;
        if (kept.length !== parts.length || kept.some((k, i) => k.length !== parts[i].length)) {
          kept = parts.map((p) => new Uint8Array(new SharedArrayBuffer(p.length)));
        }
        parts.forEach((p, i) => kept[i].set(p));
        self.postMessage([received, performance.timeOrigin + performance.now()]);
      };`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    const reply = () => new Promise((r) => { w.onmessage = (e) => r(e.data); });
    const shapes = new Map();
    /** One copy of `count` payloads of `kib` KiB; the first call for a shape is not timed. */
    window.__copyOnce = async (mb, kib, count) => {
      let shape = shapes.get(mb);
      if (!shape) {
        // Wasm memory is a SharedArrayBuffer on both sides (the app is built with threads).
        shape = { payloads: Array.from({ length: count }, () => new Uint8Array(new SharedArrayBuffer(kib * 1024)).fill(7)), staging: null };
        shapes.set(mb, shape);
        await window.__copyOnce(mb, kib, count);
      }
      const got = reply();
      const t0 = performance.timeOrigin + performance.now();
      if (!shape.staging || mb > 64) shape.staging = shape.payloads.map((p) => new Uint8Array(p.length));
      shape.staging.forEach((st, k) => st.set(shape.payloads[k]));
      w.postMessage(shape.staging);
      const posted = performance.timeOrigin + performance.now();
      const [received, copied] = await got;
      return { serialize_ms: posted - t0, transfer_ms: received - posted, deserialize_ms: copied - received, total_ms: copied - t0 };
    };
  });
  out.copy_probe = [];
  for (const [mb, kib, tasks] of sizes) {
    for (const mode of ['copy', 'transfer', 'shared']) {
      let { page, doc } = await run(`workload=data&n=${kib}&tasks=${tasks}&chunksize=${tasks}&workers=1&models=processes&start=warm&payload=${mode}&warmup=1`);
      const rows = [];
      const probeRows = [];
      // Twice the usual runs: a 1 MB request takes 2–3 ms, and the copy way's legs are compared
      // with the probe's within 20%.
      for (let i = 0; i < 2 * RUNS; i++) {
        if (mode === 'copy') probeRows.push(await copyProbe.evaluate(([m, k, c]) => window.__copyOnce(m, k, c), [mb, kib, tasks]));
        ({ doc } = await again(page));
        const first = model(doc, 'processes').tasks[0].segments;
        const before = first.slice(0, first.findIndex((s) => s.state === 'run'));
        const leg = (state) => before.filter((s) => s.state === state).reduce((a, s) => a + s.end_ms - s.start_ms, 0);
        rows.push({ serialize: leg('serialize'), transfer: leg('transfer'), deserialize: leg('deserialize') });
      }
      const pick = (f) => stats(rows.map((r) => r[f]));
      const total = stats(rows.map((r) => r.serialize + r.transfer + r.deserialize));
      out.payloads.push({ mb, mode, serialize_ms: pick('serialize'), transfer_ms: pick('transfer'), deserialize_ms: pick('deserialize'), total_ms: total, mb_per_s: mb / (total.median / 1000) });
      if (probeRows.length) {
        out.copy_probe.push({ mb, ...fieldStats(probeRows, ['serialize_ms', 'transfer_ms', 'deserialize_ms', 'total_ms']) });
      }
      await page.close();
    }
  }
  await copyProbe.close();
  // The transfer and the structured-clone copy, measured independently in plain JS: post the
  // bytes to a bare worker that notes when they arrived.
  {
    const page = await context.newPage();
    await page.goto(server.url);
    out.payload_probe = await page.evaluate(async ({ sizes, runs }) => {
      const src = `self.onmessage = (e) => self.postMessage(performance.timeOrigin + performance.now());`;
      const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      const arrive = () => new Promise((r) => { w.onmessage = (e) => r(e.data); });
      const rows = [];
      for (const mb of sizes) {
        for (const mode of ['transfer', 'clone']) {
          const times = [];
          for (let i = 0; i <= runs; i++) {
            const bytes = new Uint8Array(mb * 1024 * 1024).fill(7);
            const got = arrive();
            const t0 = performance.timeOrigin + performance.now();
            if (mode === 'transfer') w.postMessage(bytes, [bytes.buffer]); else w.postMessage(bytes);
            const posted = performance.timeOrigin + performance.now();
            const at = await got;
            if (i > 0) times.push({ post_ms: posted - t0, arrive_ms: at - t0 });
          }
          rows.push({ mb, mode, times });
        }
      }
      w.terminate();
      return rows;
    }, { sizes: sizes.map(([mb]) => mb), runs: RUNS });
    out.payload_probe = out.payload_probe.map((r) => ({ mb: r.mb, mode: r.mode, post_ms: stats(r.times.map((t) => t.post_ms)), arrive_ms: stats(r.times.map((t) => t.arrive_ms)) }));
    await page.close();
  }
}

if (want('B5')) {
  // B5: the cost of one more tiny task (a count of 1): the slope between batches of 256 and 1024
  // (the app's most), medians of 30 repeats each (3 Runs of 10 after a warm-up Run). A batch
  // also has fixed costs — waking the pool's threads, noticing the last result — which
  // CPython's figures spread over 20,000 tasks; the slope leaves them out on our side too. The
  // plain per-task figure at 1024 is kept.
  log('B5 dispatch');
  out.dispatch = [];
  const SIZES = [256, 1024];
  for (const [what, q] of [
    ['async scheduler', 'models=async'],
    ['thread pool (2)', 'models=pool&workers=2'],
    ['isolated workers, chunksize 1', 'models=processes&workers=2&start=warm&chunksize=1'],
    ['isolated workers, chunksize 256', 'models=processes&workers=2&start=warm&chunksize=256'],
  ]) {
    const walls = {};
    for (const tasks of SIZES) {
      // Steady state, as B1: the first Run is the warm-up (V8 tiers hot wasm functions up from
      // its baseline compiler while they run; a page's first runs took up to 5× as long).
      const { page } = await run(`workload=count&n=1&tasks=${tasks}&${q}&repeats=10&warmup=1`);
      const samples = [];
      for (let i = 0; i < 3; i++) {
        const { doc } = await again(page);
        samples.push(...repeats(doc.models[0]));
      }
      walls[tasks] = stats(samples);
      await page.close();
    }
    const [small, big] = SIZES.map((n) => walls[n]);
    const slope = (k) => ((big[k] - small[k]) * 1000) / (SIZES[1] - SIZES[0]);
    const perTask = (k) => (big[k] * 1000) / SIZES[1];
    out.dispatch.push({
      what,
      per_task_us: { median: slope('median'), min: slope('min'), max: slope('max') },
      per_task_at_1024_us: { median: perTask('median'), min: perTask('min'), max: perTask('max') },
      wall_ms: walls,
    });
    log(`  ${what}: ${slope('median').toFixed(2)} µs per extra task, ${perTask('median').toFixed(2)} µs per task at 1024`);
  }
}

if (want('B6')) {
  /** A page with `query`, left idle half a second after its first render. */
  const openIdle = async (query) => {
    const page = await context.newPage();
    await page.goto(`${server.url}?${query}`);
    await page.waitForSelector('[data-testid="run"]');
    await page.waitForTimeout(500);
    return page;
  };
  /** One Run of `page`'s models `ids`: the UI thread's long tasks until it ended, as row `label`. */
  const longTasksOfRun = async (page, ids, label) => {
    await page.evaluate(() => { window.__longtasks = []; });
    const { doc } = await again(page);
    // Observers report a long task a moment after it ends.
    await page.waitForTimeout(500);
    const longtasks = await page.evaluate(() => window.__longtasks.map((t) => t.ms));
    return {
      model: label,
      longest_task_ms: longtasks.length ? Math.max(...longtasks) : null,
      long_tasks: longtasks.length,
      heartbeat_longest_gap_ms: Math.max(...ids.map((id) => model(doc, id).heartbeat.longest_gap_ms)),
      wall_ms: ids.reduce((sum, id) => sum + model(doc, id).wall_ms, 0),
    };
  };
  // B6: the UI thread's longest task while each non-blocking model computes (count 1e8 × 4).
  log('B6 responsiveness');
  out.responsiveness = [];
  for (const id of ['async', 'pool_gil', 'pool', 'processes']) {
    const page = await openIdle(`workload=count&n=100000000&tasks=4&workers=2&models=${id}`);
    out.responsiveness.push(await longTasksOfRun(page, [id], id));
    await page.close();
  }
  // Many tiny tasks: 1024 on each of the three models, the page's first Run (its code still
  // cold) and the next, long tasks counted until the results are drawn — a run's results are
  // part of what the page does for it (they had been 134 + 75 ms long tasks: bench/NOTES.md).
  const ids = ['async', 'pool', 'processes'];
  const page = await openIdle(`workload=count&n=1&tasks=1024&workers=2&models=${ids.join(',')}`);
  for (const which of ['first Run', 'second Run']) {
    out.responsiveness.push(await longTasksOfRun(page, ids, `${ids.join(', ')}: 1024 tiny tasks each, results drawn (${which})`));
  }
  await page.close();
}

if (want('B7')) {
  // B7: release sizes and the first render (the Run button in the DOM), first visit and again.
  log('B7 size and first render');
  out.sizes = readdirSync(DIST).filter((f) => /\.(wasm|js)$/.test(f) && f !== 'coi-sw.js').map((f) => {
    const bytes = readFileSync(join(DIST, f));
    return {
      file: f.replace(/-[0-9a-f]{8,}/, ''),
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  {
    const renders = [];
    const firsts = [];
    // A fresh browser profile (empty HTTP cache) for each first visit, then the same one again.
    for (let profile = 0; profile < 3; profile++) {
      const fresh = await launch();
      await instrument(fresh);
      for (let i = 0; i <= (profile === 0 ? RUNS : 0); i++) {
        const page = await fresh.newPage();
        await page.goto(server.url);
        await page.waitForSelector('[data-testid="run"]');
        (i === 0 ? firsts : renders).push(await page.evaluate(() => window.__firstRender));
        await page.close();
      }
      await fresh.close();
    }
    out.first_render_ms = { first_visit: stats(firsts), repeat_visits: stats(renders) };
  }
}

await context.close();
await server.close();
writeFileSync(OUT, JSON.stringify(out, null, 2));
log(`wrote ${OUT}`);
