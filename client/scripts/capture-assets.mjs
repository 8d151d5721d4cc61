// Real screenshots of the real UI for the README: starts the backend on a temp copy of
// sample/ (real photos, two seeded clusters), drives headless Chromium through a sorting run
// like a reviewer would (keyboard only, using sample/.manifest.json as the reviewer's eye),
// and writes
//   assets/main-view.png    the main view mid-session (suggestions, clusters, filmstrip)
//   assets/auto-move.png    the auto-move panel (histogram, estimate, dry run)
//   assets/action-log.png   the action log with playback
//   assets/sorting.gif      an animated sorting run
//
//   node scripts/capture-assets.mjs [--model auto|none|...] [--steps 14]
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gifenc from 'gifenc';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

const { GIFEncoder, quantize, applyPalette } = gifenc;
const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(client, '..');
const assets = path.join(root, 'assets');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const MODEL = opt('model', 'auto');
const STEPS = Number(opt('steps', '14'));
const CHROMIUM = process.env.PHOTOSORT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function copySample() {
  const src = path.join(root, 'sample');
  const dst = mkdtempSync(path.join(os.tmpdir(), 'photosort-assets-'));
  cpSync(src, dst, { recursive: true, filter: (p) => !p.includes(`${path.sep}.clustering`) });
  return dst;
}

async function startBackend(folder) {
  const port = await freePort();
  const proc = spawn(path.join(root, '.venv/bin/photosort'), ['serve', folder, '--port', String(port), '--model', MODEL], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HF_HUB_OFFLINE: '1' },
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`backend exited:\n${log}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet: ask again after the pause
    }
    await sleep(100);
  }
  // Wait for the embedder and the indexer, so suggestions are on screen from the start.
  for (let i = 0; i < 600; i++) {
    const s = await (await fetch(`${url}/api/session`)).json();
    if (s.embedder.status !== 'loading' && !s.indexing.running && s.indexing.done >= s.indexing.total) {
      console.log(`embedder: ${s.embedder.kind} (${s.embedder.status}) — ${s.embedder.reason}`);
      break;
    }
    await sleep(250);
  }
  return { url, proc, log: () => log };
}

function groupsFromManifest() {
  const manifest = JSON.parse(readFileSync(path.join(root, 'sample/.manifest.json'), 'utf8'));
  return new Map(manifest.files.map((f) => [path.basename(f.path), f.group]));
}

/** One reviewer decision, the way a person at the keyboard would make it. */
async function decide(page, groups) {
  const item = await page.getByTestId('stage').getAttribute('data-item');
  const group = groups.get(path.basename(item ?? '')) ?? null;
  const top = await page
    .getByTestId('suggestions')
    .locator('.sugg-top .sugg-name')
    .first()
    .textContent({ timeout: 500 })
    .catch(() => null);
  if (!group || group === 'raw') return { key: 's', item };
  if (top && top.startsWith(group)) return { key: 'Enter', item };
  const slotBtn = page.getByTestId('clusters').getByRole('button', { name: new RegExp(`^File into ${group} \\(.*key (\\d)`) });
  if ((await slotBtn.count()) > 0) {
    const label = await slotBtn.first().getAttribute('aria-label');
    return { key: label.match(/key (\d)/)[1], item };
  }
  return { palette: group, item };
}

async function act(page, d) {
  if (d.palette) {
    await page.keyboard.press('/');
    await page.getByTestId('palette-input').pressSequentially(d.palette, { delay: 40 });
    await sleep(250);
    await page.keyboard.press('Enter');
  } else {
    await page.keyboard.press(d.key);
  }
}

function pngToRgba(buf) {
  const png = PNG.sync.read(buf);
  return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set PHOTOSORT_CHROMIUM)`);
  mkdirSync(assets, { recursive: true });
  const folder = copySample();
  const backend = await startBackend(folder);
  const userData = mkdtempSync(path.join(os.tmpdir(), 'photosort-chromium-'));
  const browser = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  const groups = groupsFromManifest();
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(backend.url);
    await page.getByTestId('stage').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=stage]')?.getAttribute('data-state') === 'ready');
    await sleep(800);

    // The animated run is captured at a smaller size so the GIF stays light.
    await page.setViewportSize({ width: 1200, height: 750 });
    await sleep(300);
    const gif = GIFEncoder();
    const frame = async (delay) => {
      const { data, width, height } = pngToRgba(await page.screenshot());
      const palette = quantize(data, 256, { format: 'rgb444' });
      gif.writeFrame(applyPalette(data, palette, 'rgb444'), width, height, { palette, delay });
    };
    await frame(900);
    for (let i = 0; i < STEPS; i++) {
      const d = await decide(page, groups);
      if (d.palette) {
        await page.keyboard.press('/');
        await frame(300);
        for (const ch of d.palette) {
          await page.keyboard.type(ch);
          await sleep(60);
        }
        await frame(700);
        await page.keyboard.press('Enter');
      } else {
        await page.keyboard.press(d.key);
      }
      await page.waitForFunction((prev) => document.querySelector('[data-testid=stage]')?.getAttribute('data-item') !== prev, d.item, { timeout: 5000 }).catch(() => undefined);
      await sleep(180);
      await frame(i === STEPS - 1 ? 1500 : 650);
    }
    gif.finish();
    writeFileSync(path.join(assets, 'sorting.gif'), gif.bytes());
    console.log(`wrote assets/sorting.gif (${STEPS} decisions)`);

    // Main view at full size, a few decisions in: history on the left of the filmstrip.
    await page.setViewportSize({ width: 1440, height: 900 });
    for (let i = 0; i < 2; i++) {
      const d = await decide(page, groups);
      await act(page, d);
      await page.waitForFunction((prev) => document.querySelector('[data-testid=stage]')?.getAttribute('data-item') !== prev, d.item, { timeout: 5000 }).catch(() => undefined);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid=stage]')?.getAttribute('data-state') === 'ready');
    await sleep(1200);
    await page.screenshot({ path: path.join(assets, 'main-view.png') });
    console.log('wrote assets/main-view.png');

    await page.keyboard.press('a');
    await page.getByTestId('automove').waitFor();
    const settled = page.locator('[data-testid=dry-run][data-settled=true]');
    await settled.waitFor({ timeout: 15000 }).catch(() => undefined);
    // Show a threshold that moves something, so the dry-run list has thumbnails.
    // Step down slowly (the estimate is debounced) until a handful of photos would move.
    for (let i = 0; i < 40; i++) {
      const n = Number((await page.getByTestId('estimate-count').textContent().catch(() => '0')) || '0');
      if (n >= 8) break;
      await page.keyboard.press('ArrowLeft');
      await sleep(300);
    }
    await sleep(500);
    await settled.waitFor({ timeout: 15000 }).catch(() => undefined);
    await sleep(1000);
    await page.screenshot({ path: path.join(assets, 'auto-move.png') });
    console.log('wrote assets/auto-move.png');
    await page.keyboard.press('Escape');

    await page.keyboard.press('l');
    await page.getByTestId('log-list').waitFor();
    await sleep(600);
    await page.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await sleep(1200);
    await page.screenshot({ path: path.join(assets, 'action-log.png') });
    console.log('wrote assets/action-log.png');
  } finally {
    await browser.close();
    backend.proc.kill('SIGTERM');
    setTimeout(() => backend.proc.kill('SIGKILL'), 1000).unref();
    rmSync(userData, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
