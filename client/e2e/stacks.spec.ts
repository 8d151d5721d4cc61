// Stacks need vectors, so this test runs its own backend with a real embedder
// (PHOTOSORT_E2E_AUTOMOVE_MODEL, default `auto`: offline it resolves to EfficientNet-Lite0)
// over a burst written with real EXIF capture times (backend/tests/bursts.py).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { AUTOMOVE_MODEL, datasetRoot, makeFolder, photosortBin, repoRoot, startServer } from './server';

const BURST = ['IMG_1_01.jpg', 'IMG_1_02.jpg', 'IMG_1_03.jpg', 'IMG_1_04.jpg'];

function writeBurst(folder: string): void {
  const photo = path.join(datasetRoot, 'birds', readdirSync(path.join(datasetRoot, 'birds')).sort()[6]);
  const script = 'import sys; from pathlib import Path; sys.path.insert(0, "backend/tests"); from bursts import make_burst; make_burst(Path(sys.argv[1]), Path(sys.argv[2]), "IMG_1", 4, step_s=0.3)';
  execFileSync(path.join(repoRoot, '.venv', 'bin', 'python'), ['-c', script, photo, folder], { cwd: repoRoot });
}

test('a burst shows as one item ×4, one keypress files every frame as one batch, ← refiles it whole, z brings them all back', async ({ page }) => {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');
  test.setTimeout(120_000);
  const folder = makeFolder({ seed: { birds: 3, coins: 3 }, loose: {} });
  writeBurst(folder);
  const server = await startServer({ folder, model: AUTOMOVE_MODEL });
  try {
    test.skip(!(await server.waitIndexed()), `the embedder (${AUTOMOVE_MODEL}) did not become ready:\n${server.log}`);
    expect(await openApp(page, server)).toBe('IMG_1_01.jpg');
    const stack = page.getByTestId('stack');
    await expect(page.getByTestId('stack-badge')).toHaveText('×4');
    await expect(stack.getByTestId('stack-frame')).toHaveCount(4);
    expect(await stack.getByTestId('stack-frame').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')))).toEqual(BURST);
    await page.screenshot({ path: path.join(test.info().outputDir, 'stack.png') });

    await page.keyboard.press('1'); // slot 1: birds
    await expect.poll(() => BURST.every((f) => server.exists('birds', f))).toBe(true);
    await expect.poll(() => BURST.some((f) => server.exists(f))).toBe(false);
    const assigns = server.journal().filter((l) => l.type === 'assign');
    expect(assigns).toHaveLength(4);
    expect(new Set(assigns.map((l) => l.batch)).size).toBe(1);
    expect(assigns.every((l) => (l as { mode?: string }).mode === 'stack')).toBe(true);
    await expect(page.getByText(/stack of 4 photos into birds/)).toBeVisible();

    // ← looks back at the stack; 2 refiles every frame into coins (undo, then one new batch)
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('2');
    // A move links the new name, then unlinks the old one: wait for both ends.
    await expect.poll(() => BURST.every((f) => server.exists('coins', f))).toBe(true);
    await expect.poll(() => BURST.some((f) => server.exists('birds', f) || server.exists(f))).toBe(false);

    await page.keyboard.press('z');
    await expect.poll(() => BURST.every((f) => server.exists(f))).toBe(true);
    await expect.poll(() => BURST.some((f) => server.exists('coins', f))).toBe(false);
    await expect(page.getByTestId('stack-badge')).toHaveText('×4');
    // Each undo (the refile's and z's) is one action of four moves: the batch's own lines are
    // not moves, and the stats count one undo each.
    await expect(page.getByText('Undid 1 action (4 moves)').last()).toBeVisible();
    const stats = (await (await fetch(`${server.url}/api/session`)).json()) as { stats: { undone: number } };
    expect(stats.stats.undone).toBe(2); // the refile's undo of the first batch, and this one
  } finally {
    await server.stop();
    server.remove();
  }
});

test('f: a grid shows the burst as one tile ×4; filing that tile files every frame as one batch', async ({ page }) => {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');
  test.setTimeout(120_000);
  const folder = makeFolder({ seed: { birds: 3, coins: 3 }, loose: { coins: 2, flowers: 2 } });
  writeBurst(folder);
  const server = await startServer({ folder, model: AUTOMOVE_MODEL });
  try {
    test.skip(!(await server.waitIndexed()), `the embedder (${AUTOMOVE_MODEL}) did not become ready:\n${server.log}`);
    await openApp(page, server);
    await page.keyboard.press('f'); // eight queued photos: more like this shows them all
    const grid = page.getByTestId('grid');
    const cells = grid.getByTestId('grid-cell');
    await expect.poll(() => cells.count()).toBeGreaterThan(1);
    const shown = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-item')));
    // one tile for the burst, wearing its frame count; no other frame has a tile of its own
    expect(shown.filter((i) => BURST.includes(i ?? ''))).toHaveLength(1);
    const tile = cells.filter({ has: page.getByTestId('grid-stack-count') });
    await expect(tile).toHaveCount(1);
    await expect(tile.getByTestId('grid-stack-count')).toHaveText('×4');
    await page.screenshot({ path: path.join(test.info().outputDir, 'grid-stack.png') });

    // untick every other tile, then file the burst's tile alone into birds
    for (const item of shown.filter((i) => !BURST.includes(i ?? ''))) await grid.locator(`[data-item="${item}"]`).click();
    await expect(grid.getByTestId('grid-count')).toContainText(`1 of ${shown.length}`);
    await page.keyboard.press('Enter');
    await page.getByTestId('grid-picker-input').pressSequentially('birds');
    await page.keyboard.press('Enter');
    await expect(grid).toHaveCount(0);
    await expect.poll(() => BURST.every((f) => server.exists('birds', f))).toBe(true);
    await expect.poll(() => BURST.some((f) => server.exists(f))).toBe(false);
    const assigns = server.journal().filter((l) => l.type === 'assign');
    expect(assigns.map((l) => l.item).sort()).toEqual(BURST);
    expect(new Set(assigns.map((l) => l.batch)).size).toBe(1);
  } finally {
    await server.stop();
    server.remove();
  }
});

test('k on a duplicated photo: keep the best, trash the rest as one batch; z brings it back', async ({ page }) => {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');
  test.setTimeout(120_000);
  const folder = makeFolder({ seed: { birds: 3, coins: 3 }, loose: {} });
  const photo = path.join(datasetRoot, 'coins', readdirSync(path.join(datasetRoot, 'coins')).sort()[6]);
  copyFileSync(photo, path.join(folder, 'a1.jpg'));
  copyFileSync(photo, path.join(folder, 'a2.jpg'));
  const server = await startServer({ folder, model: AUTOMOVE_MODEL });
  try {
    test.skip(!(await server.waitIndexed()), `the embedder (${AUTOMOVE_MODEL}) did not become ready:\n${server.log}`);
    await openApp(page, server);
    await expect(page.getByTestId('duplicate-badge')).toContainText('exact duplicate ×2');
    await page.keyboard.press('k');
    const dialog = page.getByTestId('duplicates');
    await expect(dialog.getByTestId('duplicate')).toHaveCount(2);
    await expect(page.getByTestId('keep-best')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect.poll(() => server.files('.clustering/trash')).toEqual(['a2.jpg']);
    expect(server.exists('a1.jpg')).toBe(true);
    expect(server.journal().filter((l) => l.type === 'delete').map((l) => l.item)).toEqual(['a2.jpg']);
    // The files move before the answer reaches the tab: `z` is the tab's once the dialog has
    // taken the answer (recorded the batch) and closed.
    await expect(dialog).toBeHidden();
    await page.keyboard.press('z');
    await expect.poll(() => server.exists('a2.jpg')).toBe(true);
    await expect.poll(() => server.files('.clustering/trash')).toEqual([]);
  } finally {
    await server.stop();
    server.remove();
  }
});
