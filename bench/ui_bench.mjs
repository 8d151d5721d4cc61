// Keypress-to-paint in the real UI, driven by headless Chromium (see bench/ui.py).
//
//   node bench/ui_bench.mjs --url http://127.0.0.1:PORT --prefetch 1 --decisions 100 --think 300
//
// Prints one JSON object: the app's own samples (window.__photosortPaint, documented in
// client/src/perf/paint.ts): for each decision, ms from the key event's timestamp to just
// after the frame that first shows the next photo's decoded preview.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// playwright-core is a dev dependency of the client; resolve it from there.
const require = createRequire(path.join(here, '..', 'client', 'package.json'));
const { chromium } = require('playwright-core');

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const url = opt('url', 'http://127.0.0.1:8000');
const prefetch = opt('prefetch', '1');
const decisions = Number(opt('decisions', '100'));
const think = Number(opt('think', '300'));
const executablePath = process.env.PHOTOSORT_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const userData = mkdtempSync(path.join(os.tmpdir(), 'photosort-uibench-'));
const ctx = await chromium.launchPersistentContext(userData, {
  executablePath,
  headless: true,
  args: ARGS,
  viewport: { width: 1440, height: 900 },
});
const result = { prefetch: prefetch !== '0', decisions, think_ms: think, samples: [], timeouts: 0 };
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(`${url}/?prefetch=${prefetch}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=stage]')?.getAttribute('data-state') === 'ready', null, { timeout: 60_000 });
  await sleep(1000);
  const count = () => page.evaluate(() => window.__photosortPaint?.samples.length ?? 0);
  for (let i = 0; i < decisions; i++) {
    // A reviewer looks at the photo before deciding: the time prefetching has to work with.
    await sleep(think);
    const before = await count();
    await page.keyboard.press(i % 2 ? '2' : '1');
    try {
      await page.waitForFunction((n) => (window.__photosortPaint?.samples.length ?? 0) > n, before, { timeout: 15_000, polling: 'raf' });
    } catch {
      result.timeouts += 1;
    }
  }
  result.samples = await page.evaluate(() => window.__photosortPaint?.samples ?? []);
} finally {
  await ctx.close();
  rmSync(userData, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(result)}\n`);
