// Grids need suggestions, so these tests run their own backend with a real embedder
// (PHOTOSORT_E2E_AUTOMOVE_MODEL, default `auto`: offline it resolves to EfficientNet-Lite0).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { AUTOMOVE_MODEL, datasetRoot, photosortBin, startServer, type PhotosortServer } from './server';

const LAYOUT = { seed: { birds: 5, coins: 5, flowers: 5 }, loose: { birds: 6, coins: 5, flowers: 4 } };

async function withServer(run: (server: PhotosortServer) => Promise<void>): Promise<void> {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');
  test.setTimeout(120_000);
  const server = await startServer({ model: AUTOMOVE_MODEL, layout: LAYOUT });
  try {
    test.skip(!(await server.waitIndexed()), `the embedder (${AUTOMOVE_MODEL}) did not become ready:\n${server.log}`);
    await run(server);
  } finally {
    await server.stop();
    server.remove();
  }
}

test('g: a cluster grid, untick two, Enter files the rest as one batch and leaves two queued', async ({ page }) => {
  await withServer(async (server) => {
    await openApp(page, server);
    await expect(page.getByTestId('suggestions').getByRole('button').first()).toBeVisible();
    await page.keyboard.press('g');
    const grid = page.getByTestId('grid');
    const cells = grid.getByTestId('grid-cell');
    await expect(grid).toHaveAttribute('data-cluster', /.+/);
    // no decision yet: the tool cannot tell how often it is right, so the grid leaves every
    // photo for one by one and says so; the reviewer may still ask for them
    await expect(grid.getByTestId('grid-left')).toContainText(/left for one by one/);
    await expect(cells).toHaveCount(0);
    await grid.getByTestId('grid-show-left').click();
    await grid.getByTestId('grid-cells').focus();
    await expect.poll(() => cells.count()).toBeGreaterThanOrEqual(3);
    const cluster = (await grid.getAttribute('data-cluster')) as string;
    const items = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-item') as string));
    await expect(grid.getByTestId('grid-cells')).toBeFocused();
    await expect(grid.locator('[aria-checked=true]')).toHaveCount(items.length);
    // untick the first with the keyboard, the third with a click
    await page.keyboard.press('x');
    await cells.nth(2).click();
    await expect(grid.locator('[aria-checked=false]')).toHaveCount(2);
    await expect(grid.getByTestId('grid-count')).toContainText(`${items.length - 2} of ${items.length}`);
    await page.screenshot({ path: path.join(test.info().outputDir, 'grid.png') });
    await page.keyboard.press('Enter');
    await expect(grid).toHaveCount(0);

    const unticked = [items[0], items[2]];
    const ticked = items.filter((i) => !unticked.includes(i));
    await expect.poll(() => ticked.every((i) => server.exists(cluster, i))).toBe(true);
    for (const i of unticked) expect(server.exists(i)).toBe(true); // still queued, in the folder
    const assigns = server.journal().filter((l) => l.type === 'assign');
    expect(assigns).toHaveLength(ticked.length);
    expect(new Set(assigns.map((l) => l.batch)).size).toBe(1);
    expect(assigns.every((l) => l.by === 'manual' && (l as { mode?: string }).mode === 'grid')).toBe(true);
    await expect(page.getByText(/as one batch/)).toBeVisible();

    // z undoes the grid as one unit
    await page.keyboard.press('z');
    await expect.poll(() => ticked.every((i) => server.exists(i))).toBe(true);
  });
});

test('f: more like this files a neighbour into the cluster the reviewer picks', async ({ page }) => {
  await withServer(async (server) => {
    await openApp(page, server);
    await expect(page.getByTestId('suggestions').getByRole('button').first()).toBeVisible();
    await page.keyboard.press('f');
    const grid = page.getByTestId('grid');
    await expect(grid).toHaveAttribute('data-mode', 'similar');
    const cells = grid.getByTestId('grid-cell');
    await expect.poll(() => cells.count()).toBeGreaterThanOrEqual(2);
    const neighbour = (await cells.nth(1).getAttribute('data-item')) as string;
    await page.keyboard.press('t'); // untick all
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('x'); // tick the nearest neighbour only
    await expect(grid.locator('[aria-checked=true]')).toHaveCount(1);
    await page.keyboard.press('Enter');
    await page.getByTestId('grid-picker-input').pressSequentially('coins');
    await page.keyboard.press('Enter');
    await expect(grid).toHaveCount(0);
    await expect.poll(() => server.exists('coins', neighbour)).toBe(true);
    const lines = server.journal().filter((l) => l.type === 'assign');
    expect(lines).toHaveLength(1);
    expect((lines[0] as { mode?: string }).mode).toBe('similar');
  });
});

test('t: offline, text search "bird" finds the birds first by the classifier', async ({ page }) => {
  await withServer(async (server) => {
    test.skip(AUTOMOVE_MODEL !== 'auto' && AUTOMOVE_MODEL !== 'efficientnet-lite0', 'the offline classifier is EfficientNet-Lite0');
    await openApp(page, server);
    await expect(page.getByTestId('suggestions').getByRole('button').first()).toBeVisible();
    await page.keyboard.press('t');
    const grid = page.getByTestId('grid');
    await expect(grid).toHaveAttribute('data-mode', 'search');
    await page.getByTestId('search-input').fill('bird');
    await page.keyboard.press('Enter');
    const cells = grid.getByTestId('grid-cell');
    await expect.poll(() => cells.count()).toBeGreaterThanOrEqual(3);
    await expect(grid.getByTestId('grid-intro')).toContainText(/closest to the text|classifier/);
    const items = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-item') as string));
    // the loose photos keep their dataset names: the first three are birds
    for (const item of items.slice(0, 3)) expect(existsSync(path.join(datasetRoot, 'birds', item))).toBe(true);
  });
});

test('n: a folder with no clusters opens with proposed groups, left for one by one until shown; naming one creates the cluster', async ({ page }) => {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');
  test.setTimeout(120_000);
  const server = await startServer({ model: AUTOMOVE_MODEL, layout: { seed: {}, loose: { birds: 5, coins: 5, flowers: 4 } } });
  try {
    test.skip(!(await server.waitIndexed()), `the embedder (${AUTOMOVE_MODEL}) did not become ready:\n${server.log}`);
    // the queue is fully indexed once the server proposes groups
    await expect
      .poll(async () => (await server.api<{ groups: unknown[] }>('/api/discover?everything=true')).groups.length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    await page.goto(server.url);
    // the cold start: the groups open by themselves once the queue is indexed
    const dialog = page.getByTestId('discovery');
    await expect(dialog).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('discovery-intro')).toContainText('No clusters yet');
    // no decision to learn from yet: no photo is likely enough to belong, so every group is
    // left for one by one, and the dialog says how many photos that is
    const cells = dialog.getByTestId('grid-cell');
    await expect(page.getByTestId('discovery-left')).toContainText(/\d+ photos left for one by one/);
    await expect(cells).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await page.keyboard.press('n');
    await expect(dialog).toBeVisible();
    await page.getByTestId('discovery-show-left').click();
    await expect(page.getByTestId('discovery-left')).toHaveCount(0);
    await expect.poll(() => cells.count()).toBeGreaterThanOrEqual(2);
    const items = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-item') as string));
    await expect(page.getByTestId('group-name')).toBeFocused();
    // the whole placeholder shows: the box is as wide as its text in its own font
    const room = await page.getByTestId('group-name').evaluate((el) => {
      const input = el as HTMLInputElement;
      const css = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d');
      if (!ctx) throw new Error('no 2d canvas');
      ctx.font = `${css.fontStyle} ${css.fontWeight} ${css.fontSize} ${css.fontFamily}`;
      const inner = input.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
      return { text: ctx.measureText(input.placeholder).width, inner };
    });
    expect(room.text).toBeLessThanOrEqual(room.inner);
    // offline, the classifier proposes a name (selected, so typing replaces it)
    await expect(page.getByTestId('group-name')).toHaveValue(/\S/);
    await page.keyboard.type('first-group');
    await expect(page.getByTestId('group-name')).toHaveValue('first-group');
    await page.keyboard.press('Enter');
    await expect.poll(() => items.every((i) => server.exists('first-group', i))).toBe(true);
    const lines = server.journal();
    expect(lines.some((l) => l.type === 'cluster-create' && l.cluster === 'first-group')).toBe(true);
    expect(lines.filter((l) => l.type === 'assign')).toHaveLength(items.length);
    await expect(page.getByText(/Created first-group/)).toBeVisible();
  } finally {
    await server.stop();
    server.remove();
  }
});

test('g: filing into a folder that cannot be written says which photos failed and why', async ({ page }) => {
  await withServer(async (server) => {
    await openApp(page, server);
    await expect(page.getByTestId('suggestions').getByRole('button').first()).toBeVisible();
    await page.keyboard.press('g');
    const grid = page.getByTestId('grid');
    const cells = grid.getByTestId('grid-cell');
    await expect(grid).toHaveAttribute('data-cluster', /.+/);
    // before any decision every photo is left for one by one: ask for them
    await grid.getByTestId('grid-show-left').click();
    await grid.getByTestId('grid-cells').focus();
    await expect.poll(() => cells.count()).toBeGreaterThanOrEqual(2);
    const cluster = (await grid.getAttribute('data-cluster')) as string;
    const items = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-item') as string));
    // Immutable: root cannot write there either (a chmod would not stop root).
    const folder = path.join(server.folder, cluster);
    const marked = spawnSync('chattr', ['+i', folder]).status === 0;
    test.skip(!marked, 'chattr +i is not available here');
    try {
      await page.keyboard.press('Enter');
      await expect(page.getByText(`Could not move ${items.length} photos (they stay in the queue)`)).toBeVisible();
      await expect(page.getByText(/Operation not permitted/).first()).toBeVisible();
      await expect(grid).toBeVisible(); // nothing filed: the grid stays open with the reason
      for (const i of items) expect(server.exists(i)).toBe(true);
      expect(server.journal().filter((l) => l.type === 'assign')).toHaveLength(items.length); // each one, then its abort
      expect(server.journal().filter((l) => l.type === 'abort')).toHaveLength(items.length);
    } finally {
      spawnSync('chattr', ['-i', folder]);
    }
  });
});
