// Copy mode: a read-only source is served in copy mode, the top bar says so, and a
// keypress files a copy while the source keeps its photo.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { datasetRoot, makeFolder, startServer, type PhotosortServer } from './server';

let server: PhotosortServer;
let dest: string;

test.beforeEach(async () => {
  const source = makeFolder({ seed: {}, loose: { birds: 2, coins: 2 } });
  dest = mkdtempSync(path.join(os.tmpdir(), 'photosort-e2e-dest-'));
  mkdirSync(path.join(dest, 'birds'));
  const bird = readdirSync(path.join(datasetRoot, 'birds')).sort().at(-1) as string;
  copyFileSync(path.join(datasetRoot, 'birds', bird), path.join(dest, 'birds', bird));
  chmodSync(source, 0o555); // a locked memory card
  server = await startServer({ folder: source, args: ['--into', dest] });
});

test.afterEach(async () => {
  await server.stop();
  chmodSync(server.folder, 0o755);
  server.remove();
  rmSync(dest, { recursive: true, force: true });
});

test('a read-only source opens in copy mode: the top bar says so and filing copies', async ({ page }) => {
  const item = await openApp(page, server);
  await expect(page.getByTestId('copy-mode')).toHaveText('Copy mode');
  await expect(page.getByTestId('copy-mode')).toHaveAttribute('title', /the source folder is read-only/);
  const original = readFileSync(path.join(server.folder, item));
  await page.keyboard.press('1'); // birds
  await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', item);
  await expect.poll(() => existsSync(path.join(dest, 'birds', item))).toBe(true);
  expect(readFileSync(path.join(dest, 'birds', item)).equals(original)).toBe(true);
  expect(readFileSync(path.join(server.folder, item)).equals(original)).toBe(true); // never moved
});
