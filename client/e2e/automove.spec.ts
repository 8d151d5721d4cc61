// Auto-move needs suggestions, so this test runs its own backend with a real embedder
// (PHOTOSORT_E2E_AUTOMOVE_MODEL, default `auto`: offline it resolves to EfficientNet-Lite0).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { AUTOMOVE_MODEL, photosortBin, startServer } from './server';

const openapi = path.resolve(import.meta.dirname, '../openapi.json');
const hasAutoMove = existsSync(openapi) && '/api/auto-move' in (JSON.parse(readFileSync(openapi, 'utf8')) as { paths: object }).paths;

test('auto-move: histogram and estimate, dry run, run with progress, undo batch', async ({ page }) => {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');
  test.skip(!hasAutoMove, 'the backend has no /api/auto-move route yet (client/openapi.json)');
  test.setTimeout(120_000);
  const server = await startServer({
    model: AUTOMOVE_MODEL,
    layout: { seed: { birds: 5, coins: 5, flowers: 5 }, loose: { birds: 4, coins: 4, flowers: 3 } },
  });
  try {
    test.skip(!(await server.waitIndexed()), `the embedder (${AUTOMOVE_MODEL}) did not become ready:\n${server.log}`);
    const clustered = () => ['birds', 'coins', 'flowers'].reduce((n, c) => n + server.files(c).length, 0);
    const first = await openApp(page, server);
    await expect(page.getByTestId('embedder-badge')).toContainText('ready');
    await expect(page.getByTestId('suggestions').getByRole('button').first()).toBeVisible();

    // Enter in the palette files one photo, and only one: the next photo (which has a top
    // suggestion Enter would accept) must stay on screen.
    await page.keyboard.press('/');
    await page.getByTestId('palette-input').pressSequentially('coins');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', first);
    const second = await page.getByTestId('stage').getAttribute('data-item');
    await expect.poll(() => server.exists('coins', first)).toBe(true);
    await page.waitForTimeout(400);
    await expect(page.getByTestId('stage')).toHaveAttribute('data-item', second ?? '');
    expect(server.journal().filter((l) => l.type === 'assign')).toHaveLength(1);
    const before = clustered();

    await page.keyboard.press('a');
    const panel = page.getByTestId('automove');
    const slider = page.getByTestId('threshold-slider');
    await expect(slider).toBeFocused();
    await expect(panel.getByTestId('estimate')).toContainText('would move');
    // Lowest threshold: everything with a big-enough top cluster would move.
    await page.keyboard.press('Home');
    // A number, not 0 and not the '…' shown while the estimate for the new threshold loads.
    await expect(page.getByTestId('estimate-count')).toHaveText(/^[1-9]\d*$/);
    const estimated = Number(await page.getByTestId('estimate-count').textContent());
    // The dry run lists what a run would move as thumbnails (the photo on this tab's screen
    // stays put, so it may be one fewer than the estimate), and moves nothing.
    await expect(page.getByTestId('dry-run')).toHaveAttribute('data-settled', 'true');
    const count = Number((await page.getByTestId('dry-run-count').textContent())?.match(/\d+/)?.[0]);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeGreaterThanOrEqual(estimated - 1);
    await expect(page.getByTestId('dry-run').getByRole('img')).toHaveCount(count);
    await expect(page.getByTestId('run-automove')).toContainText(`Move ${count} photo`);
    // One reviewed decision guarantees nothing: the panel says so before the button.
    await expect(panel.getByTestId('automove-unproven')).toContainText('precision of this auto-move is unproven');
    expect(clustered()).toBe(before);

    // Enter runs; the batch ends with a toast and an undo button.
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('batch-done')).toContainText(`Moved ${count} photos`);
    await expect(page.getByText(`Auto-move done: ${count} photos filed`)).toBeVisible();
    expect(clustered()).toBe(before + count);
    const batchStart = server.journal().find((l) => l.type === 'auto-batch-start');
    expect(batchStart?.batch).toBeTruthy();
    expect(server.journal().filter((l) => l.type === 'assign' && l.by === 'auto' && l.batch === batchStart?.batch)).toHaveLength(count);
    expect(server.journal().some((l) => l.type === 'auto-batch-end')).toBe(true);

    await page.keyboard.press('u');
    await expect(page.getByTestId('batch-done')).toContainText('Batch undone');
    // One action, as many moves as photos: the batch's own lines are not moves.
    await expect(page.getByText(`Undid 1 action (${count} ${count === 1 ? 'move' : 'moves'})`)).toBeVisible();
    await expect.poll(clustered).toBe(before);
    expect(server.journal().filter((l) => l.type === 'undo' && l.batch === batchStart?.batch)).toHaveLength(count);
  } finally {
    await server.stop();
    server.remove();
  }
});
