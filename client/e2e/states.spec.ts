import { existsSync } from 'node:fs';
import { expect, openApp, stageItem, test } from './fixtures';
import { addBrokenPhoto, photosortBin, startServer } from './server';

test('a photo that cannot be decoded is badged and can still be trashed or skipped', async ({ page, server }) => {
  addBrokenPhoto(server.folder, '000-broken.jpg');
  await server.api('/api/health'); // the rescan picks the new file up within ~2 s
  await expect.poll(async () => server.queueHead(), { timeout: 15_000 }).toBe('000-broken.jpg');
  await openApp(page, server);
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', '000-broken.jpg');
  await expect(page.getByTestId('decode-error')).toContainText('Cannot decode');
  await page.keyboard.press('d');
  await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', '000-broken.jpg');
  await expect(page.getByTestId('decode-error')).toHaveCount(0);
  await expect.poll(() => server.exists('.clustering', 'trash', '000-broken.jpg')).toBe(true);
});

test('the backend going away shows "reconnecting…" and the UI recovers when it is back', async ({ page, server }) => {
  const a = await openApp(page, server);
  await server.stop();
  await expect(page.getByTestId('connection-banner')).toContainText('reconnecting');
  await server.start({ restart: true });
  await expect(page.getByTestId('connection-banner')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', a);
  await page.keyboard.press('1');
  await expect.poll(() => server.exists('birds', a)).toBe(true);
});

test.describe('empty and finished sessions', () => {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');

  test('an empty folder says so', async ({ page }) => {
    const server = await startServer({ layout: { seed: { birds: 2 }, loose: {} } });
    try {
      await page.goto(server.url);
      await expect(page.getByTestId('empty-folder')).toContainText('No photos to sort here');
    } finally {
      await server.stop();
      server.remove();
    }
  });

  test('the last photo filed shows "everything is sorted", and undo brings it back', async ({ page }) => {
    const server = await startServer({ layout: { seed: { coins: 2 }, loose: { coins: 1 } } });
    try {
      const only = await openApp(page, server);
      await page.keyboard.press('1');
      await expect(page.getByTestId('all-sorted')).toContainText('Everything is sorted');
      await page.keyboard.press('z');
      await expect(page.getByTestId('stage')).toHaveAttribute('data-item', only);
    } finally {
      await server.stop();
      server.remove();
    }
  });
});

test('the action log lists the journal with thumbnails, filters it and plays it back', async ({ page, server }) => {
  let item = await openApp(page, server);
  const filed: string[] = [];
  for (const key of ['1', 'd', '2']) {
    filed.push(item);
    await page.keyboard.press(key);
    await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', item);
    item = await stageItem(page);
  }
  await expect.poll(() => server.journal().length).toBeGreaterThanOrEqual(3);

  await page.keyboard.press('l');
  const list = page.getByTestId('log-list');
  await expect(list.getByRole('button')).toHaveCount(3);
  // Thumbnails resolve for a filed photo (dest) and a trashed one (trash root).
  for (const name of [`${filed[0]} → birds`, `${filed[1]} → trash`]) {
    const img = list.getByRole('img', { name });
    await expect(img).toBeVisible();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  }

  await page.getByTestId('filter-type').selectOption('delete');
  await expect(list.getByRole('button')).toHaveCount(1);
  await page.getByTestId('filter-by').selectOption('auto');
  await expect(list.getByRole('button')).toHaveCount(0);
  await page.getByTestId('filter-type').selectOption('all');
  await page.getByTestId('filter-by').selectOption('all');
  await page.getByTestId('filter-by').blur();

  const caption = page.getByTestId('player-caption');
  await page.keyboard.press('Home');
  await expect(caption).toContainText(`Step 1 of 3`);
  await expect(caption).toContainText(`${filed[0]} → birds`);
  await page.keyboard.press('ArrowRight');
  await expect(caption).toContainText(`${filed[1]} → trash`);
  await page.keyboard.press('Home');
  await page.keyboard.press(' ');
  await expect(caption).toContainText('Step 3 of 3', { timeout: 5000 });
  await expect(page.getByTestId('play')).toHaveText(/Play/);
  await page.keyboard.press('l');
  await expect(page.getByTestId('stage')).toBeVisible();
});
