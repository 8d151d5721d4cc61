// The UI teaches a new user its way out: a weak suggestion says so and offers a new cluster,
// the confidence says what it is waiting for, thumbnails show whole photos, the keymap fits
// the window, and a trashed photo keeps its thumbnail.
import { expect, test, openApp, stageItem } from './fixtures';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { makeFolder, sampleRaw, startServer, type PhotosortServer } from './server';

const MODEL = 'efficientnet-lite0'; // offline and deterministic: the weak/strong verdicts need a model

interface Sugg {
  top: Array<{ cluster: string; score: number }>;
  weak: boolean;
  confidence: number | null;
  decisions: number;
  decisions_needed: number;
}

async function suggestionsOf(server: PhotosortServer, item: string): Promise<Sugg | null> {
  const detail = await server.api<{ suggestions: Sugg | null }>(`/api/items/${encodeURIComponent(item)}`);
  return detail.suggestions;
}

test('a weak top suggestion says so and offers a new cluster right there', async ({ page }) => {
  // Birds and flowers have clusters; coins do not: the coins' best guess is a poor fit.
  const server = await startServer({ layout: { seed: { birds: 3, flowers: 3 }, loose: { coins: 3, birds: 2 } }, model: MODEL });
  try {
    expect(await server.waitIndexed()).toBe(true);
    await openApp(page, server);
    // The filmstrip marks a weak guess too, so coins are not silently labelled "birds".
    const queue = await server.api<{ items: Array<{ name: string; suggestions: Sugg | null }> }>('/api/queue?limit=3');
    for (const q of queue.items.slice(1)) {
      const top = q.suggestions!.top[0].cluster;
      const tile = page.locator('.film-next', { has: page.locator(`img[alt="${q.name}"]`) });
      await expect(tile.locator('.film-tag')).toHaveText(q.suggestions!.weak ? `${top}?` : top);
    }
    const verdicts: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const item = await stageItem(page);
      const sugg = await suggestionsOf(server, item);
      expect(sugg).not.toBeNull();
      verdicts.push(sugg!.weak);
      // The UI shows the note exactly when the server calls the suggestion weak.
      await expect(page.getByTestId('suggestions')).toContainText(sugg!.top[0].cluster);
      await expect(page.getByTestId('weak-note')).toHaveCount(sugg!.weak ? 1 : 0);
      if (sugg!.weak) break;
      await page.keyboard.press('s');
      await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', item);
    }
    expect(verdicts.at(-1)).toBe(true); // a coin was called weak
    const coin = await stageItem(page);
    await expect(page.getByTestId('weak-note')).toContainText(/Weak match: .* no cluster may fit this photo yet/);
    await page.getByTestId('weak-new-cluster').click();
    const input = page.getByTestId('palette-input');
    await expect(input).toBeFocused();
    await input.pressSequentially('coins');
    await page.keyboard.press('Enter');
    await expect.poll(() => server.exists('coins', coin)).toBe(true);
    expect(server.journal().some((l) => l.type === 'cluster-create' && l.cluster === 'coins')).toBe(true);
  } finally {
    await server.stop();
    server.remove();
  }
});

test('confidence says it is learning from your decisions, n of what the server needs', async ({ page }) => {
  const server = await startServer({ layout: { seed: { birds: 3, coins: 3 }, loose: { birds: 3, coins: 3 } }, model: MODEL });
  try {
    expect(await server.waitIndexed()).toBe(true);
    const first = await openApp(page, server);
    const before = (await suggestionsOf(server, first))!;
    expect(before.confidence).toBeNull();
    expect(before.decisions_needed).toBeGreaterThan(1);
    const label = page.getByTestId('confidence');
    await expect(label).toHaveText(`learning from your decisions (0 of ${before.decisions_needed})`);
    await page.keyboard.press('Enter'); // accept: a decision taken with suggestions on screen
    await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', first);
    await expect.poll(() => server.journal().some((l) => l.type === 'assign' && l.item === first)).toBe(true);
    const second = (await suggestionsOf(server, await stageItem(page)))!;
    expect(second.decisions).toBe(1);
    await expect(label).toHaveText(`learning from your decisions (1 of ${second.decisions_needed})`);
    await expect(label).not.toContainText('—');
  } finally {
    await server.stop();
    server.remove();
  }
});

test('thumbnails show the whole photo, letterboxed', async ({ page }) => {
  const folder = makeFolder();
  copyFileSync(sampleRaw(), path.join(folder, 'IMG_5952.CR2')); // a 3:2 landscape among squares
  const server = await startServer({ folder });
  try {
    await openApp(page, server);
    // The backend's thumb keeps the photo's shape: no square crop.
    const shape = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      return { w: img.naturalWidth, h: img.naturalHeight };
    }, `${server.url}/api/image/IMG_5952.CR2?size=thumb`);
    expect(Math.max(shape.w, shape.h)).toBe(256);
    expect(shape.w / shape.h).toBeCloseTo(1.5, 1);
    // The filmstrip tiles letterbox it instead of cropping the middle.
    const tile = page.locator('.film img[alt="IMG_5952.CR2"]');
    await expect(tile).toBeVisible();
    expect(await tile.evaluate((el) => getComputedStyle(el).objectFit)).toBe('contain');
    const skipped = await stageItem(page);
    await page.keyboard.press('s');
    await expect.poll(() => server.journal().some((l) => l.type === 'skip' && l.item === skipped)).toBe(true);
    await page.keyboard.press('l');
    const logThumb = page.getByTestId('log-view').locator('img.log-thumb').first();
    await expect(logThumb).toBeVisible();
    expect(await logThumb.evaluate((el) => getComputedStyle(el).objectFit)).toBe('contain');
  } finally {
    await server.stop();
    server.remove();
  }
});

test('the keymap dialog fits a 900 px tall window without scrolling', async ({ page, server }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openApp(page, server);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  const box = await help.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight, bottom: el.getBoundingClientRect().bottom }));
  expect(box.scroll).toBeLessThanOrEqual(box.client);
  expect(box.bottom).toBeLessThanOrEqual(900);
  await expect(help.getByText('Action log and playback')).toBeInViewport();
});

test('a trashed photo keeps its thumbnail: from the trash, no 404 in the browser', async ({ page, server }) => {
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404 && r.url().includes('/api/image/')) missing.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /404/.test(m.text())) missing.push(m.text());
  });
  // Trashed by key, and one skipped first and trashed later (its skip line names the source).
  const trashed = await openApp(page, server);
  await page.keyboard.press('d');
  await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', trashed);
  const skipped = await stageItem(page);
  await page.keyboard.press('s');
  await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', skipped);
  // The UI moves on at once and saves behind; the other reviewer trashes it after the skip landed.
  await expect.poll(() => server.journal().some((l) => l.type === 'skip' && l.item === skipped)).toBe(true);
  await server.api('/api/delete', { method: 'POST', body: JSON.stringify({ item: skipped }) });
  for (const item of [trashed, skipped]) await expect.poll(() => server.exists('.clustering', 'trash', item)).toBe(true);

  await page.keyboard.press('l');
  const log = page.getByTestId('log-view');
  await expect(log).toBeVisible();
  const thumbs = log.locator('img.log-thumb');
  await expect(thumbs).toHaveCount(3); // delete, skip, delete
  for (const img of await thumbs.all()) {
    await expect(img).toHaveAttribute('src', /root=trash/);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }
  await expect(log).not.toContainText('photo moved on since');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(500);
  expect(missing).toEqual([]);
});
