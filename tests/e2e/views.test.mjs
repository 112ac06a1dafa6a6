// End to end: the release build in Debian's Chromium, served with and without cross-origin
// isolation. Behaviour is asserted; timings are printed, never asserted against fixed numbers
// (machines are noisy, and their count loops differ tenfold in speed): work that stands for time
// is sized in `cpu` ms — n ms of the task's own computing on any machine — and a time is only
// compared with another measured in the same run. Iteration-sized kernels (`count` with an
// explicit n, primes, mandelbrot, hash) are left only where their exact answer, or their being
// tiny, is the point.
//
// The views read the results: timeline, wall time, latency, Python mapping, decision table, the scaling sweep; keyboard, dark theme and a narrow screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, open, results, screenshot, ARTIFACTS } from './browser.mjs';

const world = suite();

/** Lanes and bars the timeline should draw for one model, from the results JSON. */
function expectedTimeline(r) {
  const lanes = new Set([...r.tasks.map((t) => t.lane), ...r.lanes.map((l) => l.lane)]);
  const bars = r.tasks.reduce((n, t) => n + t.segments.filter((s) => s.state !== 'ready' && s.end_ms > s.start_ms).length, 0) +
    r.lanes.reduce((n, l) => n + l.segments.filter((s) => s.state !== 'idle' && s.end_ms > s.start_ms).length, 0);
  return { lanes: [...lanes].sort(), bars };
}

test('the views: timeline, wall time, latency, Python mapping and decision table match the results', async () => {
  // 100 ms tasks: 20 GIL switch intervals each, so the GIL pool waits for its lock on any machine.
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=100&tasks=4&workers=2&repeats=2&autorun=1`);
  const { state, doc } = await results(page);
  assert.equal(state, 'done');
  for (const r of doc.models) {
    const id = r.model;
    const want = expectedTimeline(r);
    const lanes = await page.$$eval(`[data-testid="lane"][data-model="${id}"]`, (els) => els.map((e) => e.dataset.lane).sort());
    assert.deepEqual(lanes, want.lanes, `${id} lanes`);
    const bars = await page.$$eval(`[data-testid="timeline-svg"] rect.bar[data-model="${id}"]`, (els) => els.length);
    assert.equal(bars, want.bars, `${id} bars`);
    assert.equal(r.repeats_ms.length, 2, `${id} repeats`);
  }
  // The states drawn are the states recorded.
  const drawn = new Set(await page.$$eval('[data-testid="timeline-svg"] rect.bar', (els) => els.map((e) => e.dataset.state)));
  for (const s of ['run', 'wait_gil', 'startup', 'serialize']) assert.ok(drawn.has(s), `timeline shows ${s}`);
  // Focus a bar: its details appear.
  await page.focus('[data-testid="timeline-svg"] rect.bar[data-model="pool_gil"][data-state="wait_gil"]');
  assert.match(await page.textContent('[data-testid="timeline-detail"]'), /Thread pool \+ GIL · thread \d · task \d: .* from [\d.]+ ms for [\d.]+ ms/);
  // Zoom in by keyboard, then back to the whole run.
  const before = await page.textContent('[data-testid="timeline-window"]');
  await page.focus('[data-testid="timeline-svg"]');
  await page.keyboard.press('+');
  assert.notEqual(await page.textContent('[data-testid="timeline-window"]'), before);
  await page.click('[data-testid="zoom-reset"]');
  assert.equal(await page.textContent('[data-testid="timeline-window"]'), before);
  // The chart is one tab stop: ↓ ↑ walk its bars, each described as it is reached, and Tab leaves.
  const focused = () => page.evaluate(() => document.activeElement?.dataset.i ?? null);
  await page.focus('[data-testid="timeline-svg"]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), '0');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), '1');
  assert.equal(await page.textContent('[data-testid="timeline-detail"]'),
    await page.getAttribute('[data-testid="timeline-svg"] rect.bar[data-i="1"]', 'aria-label'));
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(), '0');
  // Zooming from a bar redraws the bars; the chart keeps the focus, and its keys keep working.
  await page.keyboard.press('+');
  assert.notEqual(await page.textContent('[data-testid="timeline-window"]'), before);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'timeline-svg');
  await page.keyboard.press('0');
  assert.equal(await page.textContent('[data-testid="timeline-window"]'), before);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="timeline-svg"]'))), false);
  // Wall time: one bar per model, whiskers for the two repeats.
  assert.equal(await page.$$eval('[data-testid="comparison-bar"]', (els) => els.length), doc.models.length);
  assert.equal(await page.$$eval('[data-testid="comparison-bar"] line.whisker', (els) => els.length), doc.models.length);
  // Latency: one column per task of the model picked.
  await page.selectOption('[data-testid="latency-model"]', 'blocking');
  assert.equal(await page.$$eval('[data-testid="latency-bar"]', (els) => els.length), doc.config.tasks);
  // Python mapping and the explanation, per model.
  for (const r of doc.models) {
    assert.ok((await page.textContent(`[data-testid="explain-${r.model}"]`)).length > 40, r.model);
  }
  assert.match(await page.textContent('[data-testid="python-processes"]'), /ProcessPoolExecutor\(max_workers=2/);
  assert.match(await page.textContent('[data-testid="python-async"]'), /asyncio\.gather/);
  // The decision table has a row for this CPU-bound run.
  assert.match(await page.textContent('[data-testid="decision-table"]'), /CPU-bound/);
  await screenshot(page, 'views.png');
  for (const [id, name] of [['timeline', 'view-timeline.png'], ['comparison', 'view-comparison.png'], ['latency', 'view-latency.png'], ['decision', 'view-decision.png']]) {
    await (await page.$(`[data-testid="${id}"]`)).screenshot({ path: `${ARTIFACTS}/${name}` });
  }
  assert.deepEqual(errors, []);
});

test('a scaling sweep charts speedup against workers with the ideal line and an Amdahl fit', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=100&tasks=4&workers=2&models=blocking,pool_gil,pool,processes&sweep=1&autorun=1`);
  const { state, doc } = await results(page);
  assert.equal(state, 'done');
  assert.deepEqual(doc.scaling.map((p) => [p.model, p.workers]),
    [['pool_gil', 1], ['pool_gil', 2], ['pool', 1], ['pool', 2], ['processes', 1], ['processes', 2]]);
  assert.equal(await page.$$eval('[data-testid="scaling-series"]', (els) => els.length), 3);
  assert.equal(await page.$$eval('[data-testid="scaling-table"] tbody tr', (els) => els.length), 6);
  const speedup = (m) => doc.scaling.find((p) => p.model === m && p.workers === 1).wall_ms / doc.scaling.find((p) => p.model === m && p.workers === 2).wall_ms;
  console.log(`# sweep 1→2 workers, cpu 100 ms × 4: pool+GIL ${speedup('pool_gil').toFixed(2)}×, pool ${speedup('pool').toFixed(2)}×, processes ${speedup('processes').toFixed(2)}×`);
  await (await page.$('[data-testid="scaling"]')).screenshot({ path: `${ARTIFACTS}/view-scaling.png` });
  assert.deepEqual(errors, []);
});

test('keyboard only, dark theme, and a 360 px screen without horizontal scrolling', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=40&tasks=2&models=blocking,async,processes`);
  // Tab to the Run button and press Enter: no mouse.
  let onRun = false;
  for (let i = 0; i < 60 && !onRun; i++) {
    await page.keyboard.press('Tab');
    onRun = await page.evaluate(() => document.activeElement?.dataset?.testid === 'run');
  }
  assert.ok(onRun, 'the Run button is reachable by Tab');
  await page.keyboard.press('Enter');
  const { state } = await results(page);
  assert.equal(state, 'done');
  // The theme toggle cycles auto → light → dark, and the page's colours follow.
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.click('[data-testid="theme"]');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  const light = await bg();
  await page.click('[data-testid="theme"]');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.notEqual(await bg(), light);
  await screenshot(page, 'dark.png');
  // Narrow phone: the page never scrolls sideways (wide charts scroll inside their box).
  await page.setViewportSize({ width: 360, height: 800 });
  await page.waitForFunction(() => window.innerWidth === 360); // the layout is CSS only: reading scrollWidth lays it out
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow} px at 360 px`);
  await screenshot(page, 'narrow-360.png');
  await page.click('[data-testid="theme"]'); // back to auto for the other tests
  assert.deepEqual(errors, []);
});
