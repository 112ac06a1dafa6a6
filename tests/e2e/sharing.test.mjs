// End to end: the release build in Debian's Chromium, served with and without cross-origin
// isolation. Behaviour is asserted; timings are printed, never asserted against fixed numbers
// (machines are noisy, and their count loops differ tenfold in speed): work that stands for time
// is sized in `cpu` ms — n ms of the task's own computing on any machine — and a time is only
// compared with another measured in the same run. Iteration-sized kernels (`count` with an
// explicit n, primes, mandelbrot, hash) are left only where their exact answer, or their being
// tiny, is the point.
//
// Sharing a run: export and import, embed mode, the host-page API, a header-less host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, open, results, ARTIFACTS } from './browser.mjs';

const world = suite({ plain: true });

test('export and import: JSON re-renders the same views; CSV, Perfetto trace, SVG and PNG download, and a failed export says why', async () => {
  let { page, errors } = await open(world.context, `${world.isolated.url}?workload=cpu&n=70&tasks=3&models=blocking,pool_gil,processes&autorun=1`);
  const { doc } = await results(page);
  const saved = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testid}"]`)]);
    const path = `${ARTIFACTS}/${download.suggestedFilename()}`;
    await download.saveAs(path);
    return { path, text: (await import('node:fs')).readFileSync(path, 'utf8') };
  };
  const json = await saved('export-json');
  assert.deepEqual(JSON.parse(json.text), doc);
  const csv = (await saved('export-csv')).text.trim().split('\n');
  assert.equal(csv.length, 1 + 3 * doc.models.length, `${doc.models.map((m) => [m.model, m.status, m.tasks.length])}\n${csv.join("\n")}`);
  assert.match(csv[0], /^model,task,lane,enqueue_ms,start_ms,end_ms,latency_ms,answer,expected,ok,run_ms/);
  const trace = JSON.parse((await saved('export-trace')).text);
  const threads = trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => `${e.pid}/${e.args.name}`);
  assert.ok(threads.includes('2/GIL') && threads.includes('3/worker 0'), threads.join(' '));
  assert.ok(trace.traceEvents.some((e) => e.ph === 'X' && e.cat === 'waitgil'));
  const svg = (await saved('svg-timeline')).text;
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /\.state-run\{fill:#0072b2\}/);
  const png = (await import('node:fs')).readFileSync((await saved('png-timeline')).path);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  const bars = await page.$$eval('[data-testid="timeline-svg"] rect.bar', (els) => els.length);
  // An export that cannot be made says so in the page (here: no chart left to save).
  await page.$$eval('[data-testid="timeline"] svg', (els) => els.forEach((el) => el.remove()));
  await page.click('[data-testid="png-timeline"]');
  assert.match(await page.textContent('[data-testid="export-error-timeline"]'), /Could not save the timeline chart: it is not drawn/);
  await page.click('[data-testid="svg-timeline"]');
  assert.match(await page.textContent('[data-testid="export-error-timeline"]'), /Could not save the timeline chart/);
  await page.close();

  // A fresh page loads the file and draws the same run.
  ({ page, errors } = await open(world.context, world.isolated.url));
  await page.setInputFiles('[data-testid="import"]', json.path);
  await page.waitForSelector('#results-json', { state: 'attached' });
  assert.deepEqual(JSON.parse(await page.textContent('#results-json')), doc);
  assert.equal(await page.$$eval('[data-testid="timeline-svg"] rect.bar', (els) => els.length), bars);
  // Anything else is refused with a message.
  await page.setInputFiles('[data-testid="import"]', { name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"schema":"other"}') });
  assert.match(await page.textContent('[data-testid="import-error"]'), /x\.json: .*not a results file/);
  assert.deepEqual(errors, []);
});

test('embed mode in a 700 × 450 frame, click-to-load, and the host-page postMessage API', async () => {
  // Click-to-load: no WebAssembly until the reader asks.
  let { page, errors } = await open(world.context, `${world.isolated.url}embed.html?preset=asyncio-gather&quick=1`).catch(() => ({}));
  if (!page) {
    page = await world.context.newPage();
    errors = [];
    await page.goto(`${world.isolated.url}embed.html?preset=asyncio-gather&quick=1`);
  }
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  assert.match(await page.textContent('h1'), /asyncio-gather/);
  // The thing tested is that nothing happens by itself: no condition to wait for, so give a
  // stray load a moment to show up.
  await page.waitForTimeout(300);
  assert.deepEqual(wasm, [], 'nothing loaded before the click');
  await page.click('[data-testid="load"]');
  await page.waitForURL(/embed=1/);
  const { state, doc } = await results(page);
  assert.equal(state, 'done');
  assert.equal(doc.preset.name, 'asyncio-gather');
  assert.ok(wasm.length > 0);
  await page.close();

  // Embedded in a host page (not isolated): compact, a link to the full playground, and the
  // host drives it with messages.
  page = await world.context.newPage();
  await page.setViewportSize({ width: 760, height: 520 });
  await page.goto(`${world.plain.url}__host?src=${encodeURIComponent('embed=1&preset=recursive-submit-deadlock&quick=1&coi=0')}`);
  const frame = await (await page.waitForSelector('#embed')).contentFrame();
  await frame.waitForSelector('[data-testid="preset-info"]');
  await page.waitForFunction(() => window.got.some((m) => m.type === 'cp_embed_ready'));
  assert.equal(await frame.isHidden('[data-testid="controls"]'), true);
  assert.equal(await frame.isHidden('[data-testid="capabilities"]'), true);
  const full = await frame.getAttribute('[data-testid="open-full"]', 'href');
  assert.match(full, /preset=recursive-submit-deadlock/);
  assert.doesNotMatch(full, /embed=1/);
  // Not isolated here: the pools say so and offer a tab of their own.
  assert.match(await frame.getAttribute('[data-testid="open-isolated"]', 'href'), /preset=recursive-submit-deadlock/);
  const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `embed overflows by ${overflow} px`);
  await page.screenshot({ path: `${ARTIFACTS}/embed-700x450.png` });
  // The host picks another preset and runs it; the results come back as a message.
  await page.evaluate(() => {
    const w = document.getElementById('embed').contentWindow;
    w.postMessage({ type: 'cp_host_select_preset', preset: 'asyncio-gather' }, '*');
    w.postMessage({ type: 'cp_host_run' }, '*');
    w.postMessage({ type: 'cp_host_select_preset', preset: 'not-a-preset' }, '*');
  });
  await page.waitForFunction(() => window.got.some((m) => m.type === 'cp_embed_results'), null, { timeout: 60_000 });
  const got = await page.evaluate(() => window.got);
  const res = got.find((m) => m.type === 'cp_embed_results').results;
  assert.equal(res.schema, 'concurrency-playground/results');
  assert.equal(res.preset.name, 'asyncio-gather');
  assert.ok(got.some((m) => m.type === 'cp_embed_error' && /unknown preset/.test(m.message)));
  await page.close();
});

test('the documentation example (docs.html): an isolated embed driven by the host-page API, and a click-to-load one', async () => {
  const { page, errors } = await open(world.context, `${world.isolated.url}docs.html`, '#siege');
  // The first embed keeps the pools: the page says when it is ready, then runs it from outside.
  await page.waitForSelector('[data-testid="docs-run"]:not([disabled])', { timeout: 60_000 });
  const siege = await (await page.waitForSelector('#siege')).contentFrame();
  assert.equal(await siege.evaluate(() => crossOriginIsolated), true);
  await page.click('[data-testid="docs-run"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="docs-verdict"]').dataset.agrees !== undefined, null, { timeout: 240_000 });
  const verdict = await page.textContent('[data-testid="docs-verdict"]');
  assert.match(verdict, /^tornado-siege: Blocking: /);
  const doc = JSON.parse(await siege.textContent('#results-json'));
  assert.equal(doc.preset.name, 'tornado-siege');
  assert.ok(verdict.includes(doc.preset.verdict.text));
  console.log(`# docs.html: the siege embed ran from the host page, agrees=${doc.preset.verdict.agrees}`);
  // The second loads nothing until asked.
  const chunks = await (await page.waitForSelector('#chunks')).contentFrame();
  await chunks.click('[data-testid="load"]');
  await chunks.waitForURL(/embed=1/);
  await chunks.waitForFunction(() => document.body.dataset.runState === 'done', null, { timeout: 120_000 });
  assert.equal(JSON.parse(await chunks.textContent('#results-json')).preset.name, 'chunksize-sweep');
  await page.screenshot({ path: `${ARTIFACTS}/docs-example.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('an isolated host frames an isolated embed; a header-less static host is isolated by the service worker, reloading once', async () => {
  // A docs page on an isolated host, framing with allow="cross-origin-isolated": the pools run.
  let page = await world.context.newPage();
  await page.goto(`${world.isolated.url}__host?allow=cross-origin-isolated&src=${encodeURIComponent('embed=1&models=pool&workload=cpu&n=5&tasks=2&autorun=1')}`);
  let frame = await (await page.waitForSelector('#embed')).contentFrame();
  await frame.waitForFunction(() => document.body.dataset.runState === 'done', null, { timeout: 60_000 });
  assert.equal(await frame.evaluate(() => crossOriginIsolated), true);
  assert.equal(JSON.parse(await frame.textContent('#results-json')).models[0].status, 'ok');
  await page.close();

  // GitHub-Pages-like: no headers. The service worker adds them and the page reloads once.
  page = await world.context.newPage();
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto(`${world.plain.url}?models=pool&workload=cpu&n=5&tasks=2&autorun=1`);
  await page.waitForFunction(() => self.crossOriginIsolated === true, null, { timeout: 20_000 }).catch(async () => {
    await page.waitForLoadState('load');
    await page.waitForFunction(() => self.crossOriginIsolated === true, null, { timeout: 20_000 });
  });
  const { state, doc } = await results(page);
  assert.equal(state, 'done');
  assert.equal(doc.environment.cross_origin_isolated, true);
  assert.equal(doc.models[0].status, 'ok');
  // The thing tested is that no further reload follows: nothing to wait for but a while.
  await page.waitForTimeout(1000);
  assert.ok(loads <= 2, `reloaded ${loads - 1} times`);
  console.log(`# service worker: isolated after ${loads - 1} reload(s)`);
  await page.close();
});
