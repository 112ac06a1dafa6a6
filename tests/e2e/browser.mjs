// Page objects and the Chromium launch shared by the E2E tests.
import { before, after, afterEach } from 'node:test';
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/**
 * One test file's world, filled in before its first test: the release build served with the
 * isolation headers (`isolated`) and, with `plain`, without them; one Chromium (`context`).
 * Each test's pages go when it ends: a page left open keeps its meter painting, its warm
 * workers and its pools, and steals the CPU the next tests measure with (on 2 cores a preset
 * run late in the file had its processes run 2× slower).
 */
export function suite({ plain = false } = {}) {
  const world = { isolated: null, plain: null, context: null };
  before(async () => {
    world.isolated = await serve(DIST, { isolated: true });
    if (plain) world.plain = await serve(DIST, { isolated: false });
    world.context = await launch();
  });
  afterEach(async () => {
    for (const page of world.context?.pages() ?? []) await page.close();
  });
  after(async () => {
    await world.context?.close();
    await world.isolated?.close();
    await world.plain?.close();
  });
  return world;
}

/** Launches Debian's Chromium headless with a fresh profile (never a downloaded browser). */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens `url` and collects console errors and uncaught exceptions. */
export async function open(context, url, ready = '[data-testid="run"]') {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`); });
  await page.goto(url);
  await page.waitForSelector(ready);
  return { page, errors };
}

/** Waits for the run to end (body[data-run-state] = done | error | cancelled); returns the results JSON. */
export async function results(page, timeout = 180_000) {
  await page.waitForFunction(() => ['done', 'error', 'cancelled'].includes(document.body.dataset.runState), null, { timeout });
  const text = await page.textContent('#results-json');
  return { state: await page.evaluate(() => document.body.dataset.runState), doc: JSON.parse(text) };
}

/** Clicks `selector` (a Run button) and waits for that run's results, not the previous run's. */
export async function runAgain(page, selector = '[data-testid="run"]', timeout = 180_000) {
  const before = await page.evaluate(() => document.querySelector('#results-json')?.textContent ?? null);
  await page.click(selector);
  await page.waitForFunction(
    (previous) => ['done', 'error', 'cancelled'].includes(document.body.dataset.runState) &&
      document.querySelector('#results-json')?.textContent !== previous,
    before, { timeout });
  return results(page);
}

/**
 * Waits until `label`'s model (as the status names it, e.g. `Main thread, blocking`) has
 * started: the page names the running model, waits two animation frames so that is painted
 * (src/web/clock.rs `next_paint`), then starts it — two frames after the name, it is under way
 * (for the blocking model: its first task holds the thread, so these frames come after it).
 */
export async function modelStarted(page, label) {
  await page.waitForFunction((label) => document.body.dataset.runState === 'running' &&
    (document.querySelector('[data-testid="run-status"]')?.textContent ?? '').startsWith(`Running: ${label}`), label);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Time `task` spent in `state` (`run`, `wait_gil`, …), ms: the sum of its segments in it. */
export function timeIn(task, state) {
  return task.segments.filter((s) => s.state === state).reduce((a, s) => a + s.end_ms - s.start_ms, 0);
}

/** Whether `actual` is within `fraction` of `expected` (both from the same run). */
export function near(actual, expected, fraction) {
  return Math.abs(actual - expected) <= fraction * expected;
}

export function byModel(doc) {
  return Object.fromEntries(doc.models.map((m) => [m.model, m]));
}

export function saveArtifact(name, content) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), content);
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}
