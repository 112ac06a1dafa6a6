// End to end: the release build in Debian's Chromium, served with and without cross-origin
// isolation. Behaviour is asserted; timings are printed, never asserted against fixed numbers
// (machines are noisy, and their count loops differ tenfold in speed): work that stands for time
// is sized in `cpu` ms — n ms of the task's own computing on any machine — and a time is only
// compared with another measured in the same run. Iteration-sized kernels (`count` with an
// explicit n, primes, mandelbrot, hash) are left only where their exact answer, or their being
// tiny, is the point.
//
// Every model from the controls and the URL: the kernels, I/O and fetches, step profiles, bad input, cancel, isolation, Python's settings, the deadlock, the watchdog, time-sized steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, open, results, runAgain, byModel, modelStarted, timeIn, near, saveArtifact, screenshot } from './browser.mjs';

const world = suite({ plain: true });

test('autorun with the defaults: all five models verify, the pools use two threads', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?autorun=1`);
  const { state, doc } = await results(page);
  await screenshot(page, 'isolated-autorun.png');
  saveArtifact('isolated-autorun.json', JSON.stringify(doc, null, 2));

  assert.equal(doc.schema, 'concurrency-playground/results');
  assert.equal(doc.version, 5);
  assert.equal(doc.environment.cross_origin_isolated, true);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.equal(state, 'done');
  // The default experiment is sized in time: each task computes for n ms of its own time.
  assert.equal(doc.config.workload, 'cpu');
  const m = byModel(doc);
  assert.deepEqual(Object.keys(m), ['blocking', 'async', 'pool_gil', 'pool', 'processes']);
  for (const r of doc.models) {
    assert.equal(r.status, 'ok', `${r.model}: ${r.message}`);
    assert.equal(r.answer_ok, true, r.model);
    assert.equal(r.tasks.length, doc.config.tasks, r.model);
    // A cpu task's iterations depend on the machine: each is checked against what its own
    // chunks asked for, and it computed for its budget (±10%) whatever waited around it.
    for (const t of r.tasks) {
      assert.ok(t.ok && t.answer > 0 && t.answer === t.expected, `${r.model} task ${t.task}: ${t.answer} vs ${t.expected}`);
      assert.equal(t.cpu.requested_ms, doc.config.n, `${r.model} task ${t.task}`);
      assert.ok(near(t.cpu.measured_ms, t.cpu.requested_ms, 0.1), `${r.model} task ${t.task}: ${JSON.stringify(t.cpu)}`);
    }
  }
  assert.ok(m.pool.threads_used.length >= 2, `pool lanes: ${m.pool.threads_used}`);
  assert.deepEqual(m.blocking.threads_used, ['main']);
  assert.deepEqual(m.async.threads_used, ['main']);
  assert.ok(m.async.task_switches > doc.config.tasks, `async switches: ${m.async.task_switches}`);
  assert.ok(m.processes.isolation.worker_reads[0] === m.processes.isolation.written);
  assert.ok(m.processes.isolation.worker_reads.slice(1).every((v) => v !== m.processes.isolation.written));
  assert.notEqual(m.processes.isolation.page_read, m.processes.isolation.written);
  // The trace: every task has segments on one clock; the workers show the IPC legs.
  for (const r of doc.models) {
    for (const t of r.tasks) {
      assert.ok(t.enqueue_ms <= t.start_ms && t.start_ms <= t.end_ms, `${r.model} task ${t.task}`);
      assert.ok(t.segments.some((s) => s.state === 'run'), `${r.model} task ${t.task} ran`);
    }
  }
  const legs = new Set(m.processes.tasks.flatMap((t) => t.segments.map((s) => s.state)));
  for (const state of ['serialize', 'transfer', 'deserialize', 'run']) assert.ok(legs.has(state), `processes ${state}`);
  assert.ok(m.processes.tasks.every((t) => t.bytes[0] > 0 && t.bytes[1] > 0));
  // One start-up per worker, however many workers this machine's cores gave.
  const startups = m.processes.lanes.map((l) => l.segments.filter((x) => x.state === 'startup').length);
  assert.deepEqual(startups, Array(m.processes.workers).fill(1), `start-ups per lane: ${startups}`);
  assert.ok(m.async.tasks.every((t) => t.segments.filter((s) => s.state === 'run').length > 1), 'async tasks ran in slices');
  assert.ok(m.pool.summary.speedup_vs_blocking > 0 && m.blocking.summary.speedup_vs_blocking === 1);
  assert.equal(m.pool.summary.busy_fraction.length, m.pool.threads_used.length);
  // Responsiveness is behaviour: the UI thread's timer cannot fire while a blocking task runs
  // (one freeze per task; the page gets a turn only between tasks), and does fire while the
  // pools, the workers and the async scheduler work. Measured against this run's own tasks:
  // the longest gap covers a whole task, and every task longer than a long task (50 ms,
  // src/core/metrics.rs LONG_TASK_MS) is one long gap.
  const LONG_TASK_MS = 50;
  const heartbeat = JSON.stringify(m.blocking.heartbeat);
  const shortestTask = Math.min(...m.blocking.tasks.map((t) => t.cpu.measured_ms));
  assert.ok(m.blocking.heartbeat.longest_gap_ms >= 0.5 * shortestTask, `${heartbeat} vs tasks of ${shortestTask.toFixed(0)} ms`);
  const longTasks = m.blocking.tasks.filter((t) => t.end_ms - t.start_ms > LONG_TASK_MS).length;
  assert.ok(m.blocking.heartbeat.long_gaps >= longTasks, `${heartbeat} vs ${longTasks} long tasks`);
  assert.ok(m.blocking.heartbeat.beats <= doc.config.tasks, heartbeat);
  for (const id of ['async', 'pool_gil', 'pool', 'processes']) {
    assert.ok(m[id].heartbeat.beats > 0, `${id} kept the page responsive`);
  }
  // With the GIL, at most one pool thread computes at any instant; free-threaded, they overlap.
  const runs = (r) => r.tasks.flatMap((t) => t.segments.filter((s) => s.state === 'run')).sort((a, b) => a.start_ms - b.start_ms);
  const gilRuns = runs(m.pool_gil);
  for (let i = 1; i < gilRuns.length; i++) assert.ok(gilRuns[i - 1].end_ms <= gilRuns[i].start_ms, 'one thread at a time under the GIL');
  assert.ok(m.pool_gil.gil.holds.length > doc.config.tasks, 'the lock changed hands every switch interval');
  assert.ok(m.pool_gil.tasks.some((t) => t.segments.some((s) => s.state === 'wait_gil')));
  const freeRuns = runs(m.pool);
  assert.ok(freeRuns.some((a, i) => freeRuns.slice(i + 1).some((b) => b.start_ms < a.end_ms)), 'free threads overlap');
  // The table shows the same thing a person reads.
  for (const id of ['blocking', 'async', 'pool_gil', 'pool', 'processes']) {
    assert.match(await page.textContent(`[data-testid="verified-${id}"]`), /verified/);
  }
  assert.deepEqual(errors, []);

  const wall = Object.fromEntries(doc.models.map((r) => [r.model, r.wall_ms.toFixed(1)]));
  console.log(`# wall ms (${doc.config.workload} n=${doc.config.n} × ${doc.config.tasks}):`, wall);
  console.log(`# speedup vs blocking: pool+GIL ${(m.blocking.wall_ms / m.pool_gil.wall_ms).toFixed(2)}×, pool ${(m.blocking.wall_ms / m.pool.wall_ms).toFixed(2)}×, ` +
    `processes ${(m.blocking.wall_ms / m.processes.wall_ms).toFixed(2)}× (startup ${m.processes.startup_ms.map((s) => s.toFixed(0)).join('/')} ms), ` +
    `async ${(m.blocking.wall_ms / m.async.wall_ms).toFixed(2)}×; longest UI freeze: blocking ${m.blocking.heartbeat.longest_gap_ms.toFixed(0)} ms, ` +
    `pool ${m.pool.heartbeat.longest_gap_ms.toFixed(0)} ms`);
});

test('the controls run the prime kernel under every model, by keyboard and mouse', async () => {
  const { page, errors } = await open(world.context, world.isolated.url);
  await page.selectOption('[data-testid="workload"]', 'primes');
  await page.fill('[data-testid="size"]', '1e6');
  await page.fill('[data-testid="tasks"]', '3');
  await page.waitForURL(/workload=primes&n=1000000&tasks=3&/); // the URL follows the controls
  await page.focus('[data-testid="size"]');
  await page.keyboard.press('Enter'); // submits the form
  const { state, doc } = await results(page);
  assert.equal(state, 'done');
  assert.equal(doc.config.workload, 'primes');
  for (const r of doc.models) {
    assert.equal(r.answer, 78_498, r.model);
    assert.equal(r.answer_ok, true, r.model);
  }
  for (const id of ['blocking', 'async', 'pool_gil', 'pool', 'processes']) {
    assert.equal(await page.textContent(`[data-testid="answer-${id}"]`), '78498');
  }
  assert.deepEqual(errors, []);
});

// The data kernel's answer, computed here independently: b → 3b + 1 of one byte in 64 of the
// pattern (31i + 7) mod 256, summed.
const dataSummary = (kib) => {
  let sum = 0;
  for (let i = 0; i < kib * 1024; i += 64) sum += (3 * ((31 * i + 7) & 255) + 1) & 255;
  return sum;
};

test('every kernel verifies under every model', async () => {
  for (const [workload, n, expected] of [['mandelbrot', 256, 3_123_776], ['hash', 10_000, 150_062_426_768_363], ['data', 4096, dataSummary(4096)]]) {
    const { page, errors } = await open(world.context, `${world.isolated.url}?workload=${workload}&n=${n}&tasks=3&autorun=1`);
    const { state, doc } = await results(page);
    assert.equal(state, 'done', workload);
    for (const r of doc.models) {
      assert.equal(r.answer_ok, true, `${workload} ${r.model}`);
      assert.equal(r.answer, expected, `${workload} ${r.model}`);
      assert.equal(await page.textContent(`[data-testid="answer-${r.model}"]`), String(expected));
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('an I/O-bound batch overlaps in the async, pool and worker models; the main thread waits in line', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=io&n=300&tasks=4&workers=4&autorun=1`);
  const { state, doc } = await results(page);
  assert.equal(state, 'done');
  const m = byModel(doc);
  for (const r of doc.models) {
    assert.equal(r.answer_ok, true, `${r.model}: ${JSON.stringify(r.tasks.map((t) => [t.answer, t.ok]))} ${r.message}`);
    assert.ok(r.tasks.every((t) => t.segments.some((s) => s.state === 'wait_io')), r.model);
  }
  const overlapping = (r) => {
    const waits = r.tasks.flatMap((t) => t.segments.filter((s) => s.state === 'wait_io'));
    return waits.some((a, i) => waits.slice(i + 1).some((b) => a.start_ms < b.end_ms && b.start_ms < a.end_ms));
  };
  assert.equal(overlapping(m.blocking), false);
  // While every task waits on its timer the one thread has nothing to do: the lane is idle.
  const idle = m.async.lanes[0].segments.filter((x) => x.state === 'idle').reduce((a, x) => a + x.end_ms - x.start_ms, 0);
  assert.ok(idle > m.async.wall_ms / 2, `async lane idle ${idle.toFixed(0)} of ${m.async.wall_ms.toFixed(0)} ms`);
  for (const id of ['async', 'pool', 'processes']) assert.ok(overlapping(m[id]), `${id} overlaps its waits`);
  console.log('# io 4 × 300 ms wall:', Object.fromEntries(doc.models.map((r) => [r.model, Math.round(r.wall_ms)])));
  assert.deepEqual(errors, []);
});

test('per-task step profiles: seed 001 gather of 2/3/1 waits (scaled), and mixed CPU + I/O tasks', async () => {
  // Tasks A, B, C wait 200, 300 and 100 ms: concurrently they end in the order C, A, B.
  let { page, errors } = await open(world.context, `${world.isolated.url}?steps=io:200;io:300;io:100&models=blocking,async,pool&workers=3&autorun=1`);
  let { state, doc } = await results(page);
  assert.equal(state, 'done');
  assert.equal(doc.config.tasks, 3);
  let m = byModel(doc);
  for (const r of doc.models) {
    assert.equal(r.answer_ok, true, r.model);
    assert.equal(r.expected, null, 'the tasks expect different answers');
    assert.deepEqual(r.tasks.map((t) => t.expected), [200, 300, 100]);
  }
  const finishOrder = (r) => [...r.tasks].sort((a, b) => a.end_ms - b.end_ms).map((t) => t.task);
  assert.deepEqual(finishOrder(m.async), [2, 0, 1]);
  assert.deepEqual(finishOrder(m.pool), [2, 0, 1]);
  assert.deepEqual(finishOrder(m.blocking), [0, 1, 2], 'one after another');
  console.log(`# gather 200/300/100 ms: blocking ${m.blocking.wall_ms.toFixed(0)} ms, async ${m.async.wall_ms.toFixed(0)} ms, pool ${m.pool.wall_ms.toFixed(0)} ms`);
  await page.close();

  // Fixed work on purpose: a task's answer is the sum of its steps', and the count loop's and
  // π(10⁶)'s are known exactly (no timing is asserted, so their speed does not matter).
  ({ page, errors } = await open(world.context, `${world.isolated.url}?steps=count:2e7,io:50,primes:1e6&tasks=3&autorun=1`));
  ({ state, doc } = await results(page));
  assert.match(await page.textContent('[data-testid="steps"]'), /count:20000000,io:50,primes:1000000/);
  assert.equal(state, 'done');
  for (const r of doc.models) {
    assert.equal(r.answer_ok, true, r.model);
    assert.equal(r.expected, 20_000_000 + 50 + 78_498, r.model);
    for (const t of r.tasks) {
      const states = new Set(t.segments.map((x) => x.state));
      assert.ok(states.has('run') && states.has('wait_io'), `${r.model} task ${t.task}: ${[...states]}`);
    }
  }
  await page.click('[data-testid="clear-steps"]');
  await page.waitForURL((url) => !url.search.includes('steps='));
  assert.equal(await page.isVisible('[data-testid="steps"]'), false);
  assert.deepEqual(errors, []);
});

test('a fetch-bound batch: real requests to the server, overlapped except on the main thread', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=fetch&n=10&tasks=4&workers=4&autorun=1`);
  const { state, doc } = await results(page);
  assert.equal(state, 'done', JSON.stringify(doc.models.map((r) => [r.model, r.status, r.message, r.answer])));
  const sample = 20_480;
  for (const r of doc.models) {
    assert.equal(r.expected, 10 * sample, r.model);
    assert.equal(r.answer_ok, true, `${r.model}: ${r.answer}`);
    assert.ok(r.tasks.every((t) => t.segments.some((s) => s.state === 'wait_io')), r.model);
  }
  console.log('# fetch 4 tasks × 10 requests wall:', Object.fromEntries(doc.models.map((r) => [r.model, Math.round(r.wall_ms)])));
  assert.deepEqual(errors, []);
});

test('a data-heavy batch: the isolated workers receive a copy of each payload', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=data&n=16384&tasks=2&models=blocking,pool,processes&autorun=1`);
  const { state, doc } = await results(page);
  assert.equal(state, 'done');
  const m = byModel(doc);
  for (const r of doc.models) assert.equal(r.answer_ok, true, r.model);
  const legs = (t, state) => t.segments.filter((s) => s.state === state).reduce((a, s) => a + s.end_ms - s.start_ms, 0);
  for (const t of m.processes.tasks) {
    assert.ok(t.bytes[0] >= 16 * 1024 * 1024, `the 16 MiB payload crossed: ${t.bytes[0]} bytes`);
    assert.ok(legs(t, 'serialize') > 0 && legs(t, 'deserialize') > 0);
  }
  const t0 = m.processes.tasks[0];
  console.log(`# data 2 × 16 MiB wall: blocking ${m.blocking.wall_ms.toFixed(0)} ms, pool ${m.pool.wall_ms.toFixed(0)} ms, processes ${m.processes.wall_ms.toFixed(0)} ms ` +
    `(task 0: serialize ${legs(t0, 'serialize').toFixed(1)} ms, transfer ${legs(t0, 'transfer').toFixed(1)} ms, deserialize ${legs(t0, 'deserialize').toFixed(1)} ms, run ${legs(t0, 'run').toFixed(1)} ms)`);
  assert.deepEqual(errors, []);
});

test('naive async CPU work holds the event loop; the async-mode control is in the URL', async () => {
  // 40 ms of computing per task: several beats of the page's 10 ms timer, on any machine.
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=40&models=async&tasks=3`);
  await page.selectOption('[data-testid="async-mode"]', 'naive');
  await page.waitForURL(/async=naive/);
  await page.click('[data-testid="run"]');
  const { doc } = await results(page);
  const r = doc.models[0];
  assert.equal(doc.config.async_mode, 'naive');
  assert.equal(r.task_switches, 2);
  assert.ok(r.tasks.every((t) => t.segments.filter((s) => s.state === 'run').length === 1));
  // While a naive task runs, not even the page's timer fires: the longest gap covers a task.
  const shortestRun = Math.min(...r.tasks.map((t) => t.segments.find((s) => s.state === 'run').end_ms - t.segments.find((s) => s.state === 'run').start_ms));
  assert.ok(r.heartbeat.longest_gap_ms >= shortestRun, `${r.heartbeat.longest_gap_ms} < ${shortestRun}`);
  assert.deepEqual(errors, []);
});

test('server mode on the event loop: GET / between cooperative handlers, after naive ones; the checkbox is in the URL', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=60&models=async&tasks=4`);
  await page.check('[data-testid="server"]');
  await page.waitForURL(/server=1/);
  await page.click('[data-testid="run"]');
  let { doc } = await results(page);
  const lastEnd = (r) => Math.max(...r.tasks.map((t) => t.end_ms));
  const served = (r) => {
    assert.ok(r.index && r.index.bytes === 12 && r.index.steps === 5, JSON.stringify(r.index));
    return r.index.answered_ms - r.index.arrived_ms;
  };
  // Cooperative: each of its steps queues behind the handlers' slices, and it is done long
  // before they are.
  const coop = doc.models[0];
  assert.ok(coop.answer_ok);
  assert.ok(coop.index.answered_ms < 0.5 * lastEnd(coop), `cooperative: ${JSON.stringify(coop.index)} of ${lastEnd(coop)}`);
  assert.match(await page.locator('[data-testid="siege-async"] pre').innerText(), /GET {2}\/async\//);
  // Naive: the handlers never await, so GET / waits for all of them (asyncio runs every ready
  // callback before it polls for I/O).
  await page.selectOption('[data-testid="async-mode"]', 'naive');
  await page.waitForURL(/async=naive/);
  ({ doc } = await runAgain(page));
  const naive = doc.models[0];
  assert.ok(naive.index.answered_ms >= lastEnd(naive), `naive: ${JSON.stringify(naive.index)} before ${lastEnd(naive)}`);
  console.log(`# server mode, async: GET / in ${served(coop).toFixed(1)} ms cooperative, ${served(naive).toFixed(0)} ms naive (load ${lastEnd(naive).toFixed(0)} ms)`);
  assert.deepEqual(errors, []);
});

test('bad input shows clear messages, falls back to defaults, and the page still runs', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=primes&n=12345&tasks=abc&bogus=1&models=async,threads`);
  const notices = await page.textContent('[data-testid="notices"]');
  assert.match(notices, /power of ten/);
  assert.match(notices, /Malformed value `abc` for `tasks`/);
  assert.match(notices, /Unknown URL parameter `bogus`/);
  assert.match(notices, /Unknown model `threads`/);
  assert.equal(await page.inputValue('[data-testid="size"]'), '100000000');
  // Typing nonsense into a field explains itself and disables Run, without changing the settings.
  await page.fill('[data-testid="size"]', 'lots');
  assert.match(await page.textContent('[data-testid="input-error"]'), /not a size/);
  assert.equal(await page.isDisabled('[data-testid="run"]'), true);
  await page.fill('[data-testid="size"]', '1e5');
  await page.click('[data-testid="run"]');
  const { doc } = await results(page);
  assert.deepEqual(doc.models.map((r) => [r.model, r.answer, r.answer_ok]), [['async', 9592, true]]);
  assert.equal(doc.notices.length, 4);
  assert.deepEqual(errors, []);
});

test('a long run shows progress, and Escape or the Cancel button stops it', async () => {
  // Sized in time, so no machine finishes before the cancel: 60 tasks of 150 ms of computing
  // on 2 workers take ~4.5 s, and the cancel comes a few tasks in.
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=150&tasks=60&workers=2&models=processes`);
  await page.click('[data-testid="run"]');
  // Progress counts finished tasks while the workers compute (the page stays live).
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="progress"]')?.value) >= 2);
  assert.match(await page.textContent('[data-testid="run-status"]'), /Isolated workers.*of 60 tasks done/);
  // Isolated workers cannot see a flag in the page's memory: cancelling terminates them.
  let pressed = Date.now();
  await page.keyboard.press('Escape');
  let { state, doc } = await results(page);
  console.log(`# cancel (Escape) → processes stopped ${doc.cancel_ms.toFixed(0)} ms after the key (in-page clock); run state cancelled after ${Date.now() - pressed} ms incl. the driver's round trips and rendering`);
  assert.equal(state, 'cancelled');
  assert.equal(doc.models[0].status, 'cancelled');
  assert.ok(doc.models[0].tasks.length >= 2 && doc.models[0].tasks.length < 60, `${doc.models[0].tasks.length} tasks`);
  assert.match(await page.textContent('[data-testid="run-status"]'), /^Cancelled: the running model stopped \d+ ms after the request\.$/);

  // The async tasks stop at their next slice; later models never start. Each task computes
  // for 4 s, so neither can finish before the click, which comes once the model is computing.
  await page.check('[data-testid="model-async"]');
  await page.fill('[data-testid="size"]', '4000');
  await page.fill('[data-testid="tasks"]', '2');
  await page.click('[data-testid="run"]');
  await modelStarted(page, 'Async scheduler');
  pressed = Date.now();
  await page.click('[data-testid="cancel"]');
  ({ state, doc } = await results(page));
  console.log(`# cancel (button) → async stopped ${doc.cancel_ms.toFixed(0)} ms after the click (in-page clock); run state cancelled after ${Date.now() - pressed} ms incl. the driver's round trips and rendering`);
  assert.equal(state, 'cancelled');
  assert.deepEqual(doc.models.map((r) => [r.model, r.status, r.tasks.length]), [['async', 'cancelled', 0]]);

  // The blocking model gives the page a turn between tasks: the click lands there, after the
  // task that was running (never inside it: that is the lesson). 40 tasks of 100 ms: 4 s, and
  // the click is sent once the first task has started, so at least one finishes.
  await page.uncheck('[data-testid="model-async"]');
  await page.check('[data-testid="model-blocking"]');
  await page.uncheck('[data-testid="model-processes"]');
  await page.fill('[data-testid="size"]', '100');
  await page.fill('[data-testid="tasks"]', '40');
  await page.click('[data-testid="run"]');
  await modelStarted(page, 'Main thread, blocking');
  await page.click('[data-testid="cancel"]');
  ({ state, doc } = await results(page));
  assert.equal(state, 'cancelled');
  const blocking = doc.models[0];
  assert.equal(blocking.status, 'cancelled');
  assert.ok(blocking.tasks.length >= 1 && blocking.tasks.length < 40, `${blocking.tasks.length} tasks`);
  const longestTask = Math.max(...blocking.tasks.map((t) => t.end_ms - t.start_ms));
  console.log(`# cancel (button) → blocking stopped ${doc.cancel_ms.toFixed(0)} ms after the click, after the running task (tasks here take ≤ ${longestTask.toFixed(0)} ms)`);
  assert.deepEqual(errors, []);
});

test('without cross-origin isolation the pool is disabled with the reason; the others run', async () => {
  const { page, errors } = await open(world.context, `${world.plain.url}?autorun=1&workload=cpu&n=70&tasks=2&coi=0`);
  const { state, doc } = await results(page);
  await screenshot(page, 'not-isolated.png');
  saveArtifact('not-isolated.json', JSON.stringify(doc, null, 2));
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.equal(doc.environment.cross_origin_isolated, false);
  assert.match(await page.textContent('[data-testid="pool-unavailable"]'), /SharedArrayBuffer.*Cross-Origin-Opener-Policy/s);
  for (const id of ['pool', 'pool_gil']) {
    assert.equal(await page.isDisabled(`[data-testid="model-${id}"]`), true);
  }
  // Shared-memory payloads need SharedArrayBuffer too.
  assert.equal(await page.isDisabled('[data-testid="payload"] option[value="shared"]'), true);
  const m = byModel(doc);
  for (const id of ['pool', 'pool_gil']) {
    assert.equal(m[id].status, 'unavailable');
    assert.match(m[id].message, /cross-origin isolated/);
  }
  for (const id of ['blocking', 'async', 'processes']) {
    assert.equal(m[id].status, 'ok', `${id}: ${m[id].message}`);
    assert.equal(m[id].answer_ok, true, id);
  }
  assert.equal(state, 'done');
  assert.deepEqual(errors, []);
});

test('Python semantics from the controls: payload, chunksize and start method reach the workers', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=data&n=1024&tasks=8&workers=2&models=blocking,processes`);
  await page.selectOption('[data-testid="payload"]', 'transfer');
  await page.selectOption('[data-testid="start"]', 'forkserver');
  await page.fill('[data-testid="chunksize"]', '4');
  await page.waitForURL(/chunksize=4&payload=transfer&start=forkserver/);
  await page.fill('[data-testid="switch"]', 'x');
  assert.match(await page.textContent('[data-testid="input-error"]'), /not a whole number of ms/);
  assert.equal(await page.isDisabled('[data-testid="run"]'), true);
  await page.fill('[data-testid="switch"]', '5');
  const { state, doc } = await runAgain(page);
  assert.equal(state, 'done');
  const m = byModel(doc);
  assert.equal(m.processes.answer_ok, true);
  assert.deepEqual(
    [m.processes.ipc.payload_mode, m.processes.ipc.start_method, m.processes.ipc.chunksize, m.processes.ipc.messages],
    ['transfer', 'forkserver', 4, 2]);
  assert.equal(m.processes.ipc.source_detached, true);
  assert.match(await page.textContent('[data-testid="result-processes"]'), /2 messages \(chunksize 4\).*detached/s);
  console.log(`# data 8 × 1 MiB, transfer, chunksize 4: processes ${m.processes.wall_ms.toFixed(0)} ms vs blocking ${m.blocking.wall_ms.toFixed(0)} ms; ` +
    `startup ${m.processes.startup_ms.map((s) => s.toFixed(0)).join('/')} ms; ${m.processes.message}`);
  assert.deepEqual(errors, []);
});

test('the recursive-submit deadlock is detected, explained, and a separate pool completes', async () => {
  // The deadlock is structural (every worker blocked on a queued sub-task): a little work will do.
  const { page, errors } = await open(world.context, `${world.isolated.url}?models=pool_gil,pool&nested=same&workers=2&tasks=2&workload=cpu&n=5&autorun=1`);
  let { state, doc } = await results(page);
  assert.equal(state, 'done', 'a detected deadlock is the experiment\'s outcome, not a broken page');
  // Both pools deadlock: the first one's deadlock does not stop the next model.
  assert.deepEqual(doc.models.map((r) => [r.model, r.status]), [['pool_gil', 'deadlocked'], ['pool', 'deadlocked']]);
  assert.match(await page.textContent('[data-testid="result-pool"]'), /Deadlock: every worker.*separate pool/s);
  await page.selectOption('[data-testid="nested"]', 'separate');
  ({ state, doc } = await runAgain(page));
  assert.equal(state, 'done');
  for (const r of doc.models) {
    assert.equal(r.status, 'ok', r.model);
    assert.equal(r.answer_ok, true, r.model);
    assert.ok(r.tasks.every((t) => t.segments.some((s) => s.state === 'blocked')), r.model);
  }
  assert.deepEqual(errors, []);
});

test('a run that stops making progress (a server that never answers) is stopped by the watchdog', async () => {
  world.isolated.hold(true);
  try {
    const { page, errors } = await open(world.context, `${world.isolated.url}?workload=fetch&n=2&tasks=2&models=async,processes&stall=1&autorun=1`);
    const started = Date.now();
    const { state, doc } = await results(page, 30_000);
    console.log(`# watchdog (stall=1 s): run state ${state} after ${Date.now() - started} ms incl. page load`);
    assert.equal(state, 'error');
    // The first model stalls and is stopped and reported; the run ends there, the page usable.
    assert.equal(doc.models[0].status, 'error');
    assert.match(doc.models[0].message, /watchdog: no progress/);
    assert.match(await page.textContent('[data-testid="run-status"]'), /watchdog|error/i);
    assert.equal(await page.isDisabled('[data-testid="run"]'), false);
    // The held requests show up as failed fetches once released; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => !/\/io\//.test(e)), []);
  } finally {
    world.isolated.hold(false);
  }
});

test('cpu:n steps compute for n ms of their own time; chunksize batches tiny tasks per message', async () => {
  // Every model and mode: the six models, then naive async and sub-tasks (nested) in the pools.
  let { page, errors } = await open(world.context, `${world.isolated.url}?steps=cpu:50;cpu:100&models=blocking,async,pool_gil,pool,processes,hybrid&autorun=1`);
  let { state, doc } = await results(page);
  assert.equal(state, 'done');
  for (const query of ['models=async&async=naive', 'models=pool_gil,pool&nested=separate&workers=2']) {
    const other = await open(world.context, `${world.isolated.url}?steps=cpu:50;cpu:100&${query}&autorun=1`);
    const got = await results(other.page);
    assert.equal(got.state, 'done', query);
    for (const r of got.doc.models) {
      assert.equal(r.answer_ok, true, `${query}: ${r.model}`);
      for (const t of r.tasks) {
        assert.equal(t.cpu.requested_ms, [50, 100][t.task], `${query}: ${r.model} task ${t.task}`);
        assert.ok(near(t.cpu.measured_ms, t.cpu.requested_ms, 0.1), `${query}: ${r.model} task ${t.task}: ${JSON.stringify(t.cpu)}`);
      }
    }
    assert.deepEqual(other.errors, [], query);
    await other.page.close();
  }
  // The speed is measured and shown; it sizes nothing (a cpu step times itself).
  const rate = doc.environment.count_per_ms;
  assert.ok(rate > 0, 'the page measured its count-loop speed');
  assert.match(await page.textContent('[data-testid="cap-speed"]'), /M iterations\/s/);
  const m = byModel(doc);
  for (const r of doc.models) {
    assert.equal(r.answer_ok, true, r.model);
    for (const t of r.tasks) {
      const requested = [50, 100][t.task];
      // Every chunk verified, and the budget computed: the kernel's own count, ±10%.
      assert.ok(t.ok && t.answer > 0 && t.answer === t.expected, `${r.model} task ${t.task}: ${t.answer} vs ${t.expected}`);
      assert.equal(t.cpu.requested_ms, requested, `${r.model} task ${t.task}`);
      assert.ok(near(t.cpu.measured_ms, requested, 0.1), `${r.model} task ${t.task}: ${JSON.stringify(t.cpu)}`);
    }
  }
  // The trace agrees where a task has its thread to itself: its time in `run` is what the step
  // counted plus what it left out as interruptions (the OS giving the core to the browser's other
  // threads: 1–40 ms here on a fresh page, when V8's optimising compiler runs beside it).
  // Within 10%: a chunk slowed less than GAP_FACTOR times (the other core's load, a frequency
  // step) counts as computing — 5.6 ms of a 58 ms run once, on an AMD EPYC (family 25).
  for (const id of ['blocking', 'pool', 'processes']) {
    for (const t of m[id].tasks) {
      const run = timeIn(t, 'run');
      const counted = t.cpu.measured_ms + t.cpu.interrupted_ms;
      assert.ok(Math.abs(run - counted) <= 2 + 0.1 * run, `${id} task ${t.task}: run ${run.toFixed(1)} ms, counted ${t.cpu.measured_ms.toFixed(1)} + interrupted ${t.cpu.interrupted_ms.toFixed(1)}`);
    }
  }
  // Under the GIL the two take turns, and waiting for the lock is not computing: together they
  // take at least both budgets, where a clock that counted the waits would stop them early.
  const budgets = m.pool_gil.tasks.reduce((a, t) => a + t.cpu.measured_ms, 0);
  assert.ok(m.pool_gil.wall_ms >= budgets, `pool_gil ${m.pool_gil.wall_ms.toFixed(0)} ms for ${budgets.toFixed(0)} ms of computing`);
  const runs = (id) => m[id].tasks.map((t) => `${timeIn(t, 'run').toFixed(0)} (${t.cpu.interrupted_ms.toFixed(1)} interrupted)`).join(' / ');
  console.log(`# cpu:50 / cpu:100 (the loop runs ${rate} iterations/ms here) ran ${runs('blocking')} ms on the main thread, ` +
    `${runs('pool')} ms on the pool, ${runs('processes')} ms in workers; pool_gil wall ${m.pool_gil.wall_ms.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
  await page.close();

  // More free threads than cores: each computes its own n ms, so they share the cores and take
  // about twice as long, as CPython threads doing fixed work do (a clock that counted the time
  // the OS gave its core to another thread would end them all after n ms, with half the work).
  const cores = doc.environment.hardware_concurrency;
  ({ page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=100&tasks=${2 * cores}&workers=${2 * cores}&models=pool&autorun=1`));
  ({ state, doc } = await results(page));
  assert.equal(state, 'done');
  const over = doc.models[0];
  assert.equal(over.answer_ok, true);
  assert.equal(over.threads_used.length, 2 * cores);
  assert.ok(over.wall_ms >= 1.6 * 100, `${2 * cores} threads on ${cores} cores: ${over.wall_ms.toFixed(0)} ms for 100 ms each`);
  console.log(`# ${2 * cores} free threads × cpu:100 on ${cores} cores: ${over.wall_ms.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
  await page.close();

  // Tiny fixed work on purpose (1000 iterations: µs on any machine), so messages dominate.
  const sweep = [];
  for (const k of [1, 16, 256]) {
    ({ page, errors } = await open(world.context, `${world.isolated.url}?workload=count&n=1000&tasks=256&workers=2&models=processes&chunksize=${k}&autorun=1`));
    ({ state, doc } = await results(page));
    const r = doc.models[0];
    assert.equal(state, 'done');
    assert.equal(r.answer_ok, true);
    assert.equal(r.ipc.messages, Math.ceil(256 / k));
    if (k === 256) assert.equal(r.threads_used.length, 1, 'one chunk: one worker does everything (tail imbalance)');
    const startup = Math.max(...r.startup_ms);
    sweep.push(`k=${k}: ${r.ipc.messages} messages, ${((r.wall_ms - startup) * 1000 / 256).toFixed(0)} µs/task after start-up`);
    assert.deepEqual(errors, []);
    await page.close();
  }
  console.log(`# chunksize sweep, 256 tiny tasks on 2 workers: ${sweep.join('; ')}`);
});
