// A source that already holds folders, sorted `--into DEST` (a DEST that does not exist yet):
// the first screen offers the folders as clusters, `o` files them all as one batch, `z` takes
// it back whole, and "Not now" keeps the offer away for this DEST.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { makeFolder, startServer, type JournalLine, type PhotosortServer } from './server';

let server: PhotosortServer;
let root: string;
let dest: string;

const photos = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.jpg')).sort() : []);

test.beforeEach(async () => {
  // birds/ (3) and coins/ (2) inside the source, two loose photos beside them.
  const source = makeFolder({ seed: { birds: 3, coins: 2 }, loose: { flowers: 2 } });
  root = mkdtempSync(path.join(os.tmpdir(), 'photosort-e2e-into-'));
  dest = path.join(root, 'Sorted');
  server = await startServer({ folder: source, args: ['--into', dest] });
});

test.afterEach(async () => {
  await server.stop();
  server.remove();
  rmSync(root, { recursive: true, force: true });
});

test('o files the source folders as clusters in one batch; z undoes it whole', async ({ page }) => {
  expect(server.log).toContain(`created ${dest}`);
  const birds = photos(path.join(server.folder, 'birds'));
  const coins = photos(path.join(server.folder, 'coins'));
  await openApp(page, server);
  const banner = page.getByTestId('source-folders-banner');
  await expect(banner).toContainText('already has folders birds (3), coins (2)');
  await expect(banner).toContainText('press o to file them as clusters');

  await page.keyboard.press('o');
  await expect(banner).toBeHidden();
  await expect.poll(() => photos(path.join(dest, 'birds'))).toEqual(birds);
  expect(photos(path.join(dest, 'coins'))).toEqual(coins);
  expect(photos(path.join(server.folder, 'birds'))).toEqual([]);
  await expect(page.getByText(/Filed 5 photos from 2 folders into clusters/)).toBeVisible();
  const journal = readFileSync(path.join(dest, '.clustering', 'actions.jsonl'), 'utf8').trim().split('\n');
  const batch = journal.map((l) => JSON.parse(l) as JournalLine).filter((l) => l.type === 'assign');
  expect(batch).toHaveLength(5);
  expect(new Set(batch.map((l) => l.batch)).size).toBe(1);

  await page.keyboard.press('z');
  // One undo moves the photos back first and removes the folders it made last: wait for the
  // end of it, not for its first files.
  await expect.poll(() => existsSync(path.join(dest, 'coins'))).toBe(false);
  expect(photos(path.join(server.folder, 'birds'))).toEqual(birds);
  expect(photos(path.join(server.folder, 'coins'))).toEqual(coins);
  await expect(banner).toContainText('birds (3), coins (2)'); // the offer is back with its photos
});

test('Not now dismisses the offer, also after a reload', async ({ page }) => {
  await openApp(page, server);
  const banner = page.getByTestId('source-folders-banner');
  await expect(banner).toBeVisible();
  await page.getByTestId('source-folders-dismiss').click();
  await expect(banner).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', /.+/);
  await page.waitForTimeout(500); // time enough for the offer to have come back, had it wanted to
  await expect(banner).toBeHidden();
  await page.keyboard.press('o');
  expect(photos(path.join(server.folder, 'birds'))).toHaveLength(3); // nothing filed
});
