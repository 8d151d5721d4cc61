// Layout at the window sizes reviewers use: nothing the reviewer needs is cut off or hidden
// under something else. Boxes are measured in the real Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { startServer } from './server';

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`${locator.toString()} has no box`);
  return b;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Every child of the stats line ends inside the line: nothing cut off at its right edge. */
async function clippedStats(page: Page): Promise<string[]> {
  return page.getByTestId('stats').evaluate((stats) =>
    Array.from(stats.querySelectorAll<HTMLElement>('.stats-line > *'))
      .filter((el) => el.getBoundingClientRect().right > (el.parentElement?.getBoundingClientRect().right ?? 0) + 0.5)
      .map((el) => el.textContent ?? ''),
  );
}

test('1440 wide with the copy-mode badge: the stats fit beside the badge and the buttons', async ({ page }) => {
  const dest = mkdtempSync(path.join(os.tmpdir(), 'photosort-e2e-dest-'));
  const server = await startServer({ layout: { seed: {}, loose: { birds: 2, coins: 2 } }, args: ['--into', dest, '--copy'] });
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openApp(page, server);
    await expect(page.getByTestId('copy-mode')).toBeVisible();
    const stats = await box(page.getByTestId('stats'));
    expect(stats.x).toBeGreaterThanOrEqual(0);
    expect(stats.x + stats.width).toBeLessThanOrEqual(1440);
    expect(stats.y + stats.height).toBeLessThanOrEqual(900);
    for (const other of [page.locator('.brand'), page.locator('.topbar-right')]) {
      expect(overlap(stats, await box(other)), `stats overlap ${await other.getAttribute('class')}`).toBe(false);
    }
    expect(await clippedStats(page)).toEqual([]);
    await page.screenshot({ path: test.info().outputPath('topbar-1440.png') });
  } finally {
    await server.stop();
    server.remove();
    rmSync(dest, { recursive: true, force: true });
  }
});

test('1024 wide: a toast does not cover the cluster list', async ({ page, server }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page, server);
  await page.keyboard.press('g'); // no suggestions (--model none): answered with a toast
  const toast = page.locator('.toast').first();
  await expect(toast).toBeVisible();
  const clusters = await box(page.getByTestId('clusters'));
  expect(overlap(await box(toast), clusters)).toBe(false);
  await page.screenshot({ path: test.info().outputPath('toast-1024.png') });
});
