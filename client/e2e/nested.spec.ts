// A photographer's archive is sorted into as it stands: every folder that holds photos is a
// cluster named by its path (`Trips/2023/Paris`), shown as a tree, reachable from the palette
// by any part of its path, and a new nested cluster is made by typing its path.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { datasetRoot, makeFolder, startServer, type PhotosortServer } from './server';

let server: PhotosortServer;

function seed(folder: string, rel: string, cls: string, index: number): void {
  const name = readdirSync(path.join(datasetRoot, cls)).sort()[index];
  mkdirSync(path.join(folder, rel), { recursive: true });
  copyFileSync(path.join(datasetRoot, cls, name), path.join(folder, rel, name));
}

test.beforeEach(async () => {
  const folder = makeFolder({ seed: { birds: 2 }, loose: { coins: 3, flowers: 1 } });
  seed(folder, 'Trips/2023/Paris', 'flowers', 5);
  seed(folder, 'Trips/2024/Rome', 'mammals', 0);
  seed(folder, 'birds/owls', 'birds', 6);
  seed(folder, 'Exports/web', 'mammals', 1);
  writeFileSync(path.join(folder, '.photosortignore'), 'Exports/\n');
  server = await startServer({ folder });
});

test.afterEach(async () => {
  await server.stop();
  server.remove();
});

test('files into a nested cluster from the palette, creates one by path, and shows the tree', async ({ page }) => {
  const a = await openApp(page, server);
  const clusters = page.getByTestId('clusters');

  // The tree: Trips is a heading (no photos of its own), birds is a cluster with owls below.
  await expect(clusters.getByTestId('cluster-heading').filter({ hasText: 'Trips' })).toBeVisible();
  await expect(clusters.getByRole('button', { name: /^File into Trips\/2023\/Paris \(1 photos\)/ })).toBeVisible();
  await expect(clusters.getByRole('button', { name: /^File into birds\/owls \(1 photos\)/ })).toBeVisible();
  await expect(clusters.getByRole('button', { name: /^File into Trips \(/ })).toHaveCount(0);
  await expect(clusters.getByRole('button', { name: /Exports/ })).toHaveCount(0); // .photosortignore

  // Folding a parent hides what is inside it.
  await clusters.getByRole('button', { name: 'Fold Trips', exact: true }).click();
  await expect(clusters.getByRole('button', { name: /^File into Trips\/2023\/Paris/ })).toHaveCount(0);
  await clusters.getByRole('button', { name: 'Unfold Trips', exact: true }).click();

  // "paris" matches the last folder of the path.
  await page.keyboard.press('/');
  await page.getByTestId('palette-input').pressSequentially('paris');
  await expect(page.getByRole('listbox', { name: 'Clusters' }).getByRole('option').first()).toContainText('Paris');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', a);
  await expect.poll(() => server.exists('Trips', '2023', 'Paris', a)).toBe(true);
  await expect.poll(() => server.exists(a)).toBe(false);
  const line = server.journal().find((l) => l.type === 'assign' && l.item === a);
  expect(line).toMatchObject({ cluster: 'Trips/2023/Paris', dst: `Trips/2023/Paris/${a}` });
  await expect(clusters.getByRole('button', { name: /^File into Trips\/2023\/Paris \(2 photos\)/ })).toBeVisible();

  // Undo brings it back to the queue.
  await page.keyboard.press('z');
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', a);
  await expect.poll(() => server.exists(a)).toBe(true);
  await expect.poll(() => server.exists('Trips', '2023', 'Paris', a)).toBe(false);

  // A new nested cluster, typed as a path.
  await page.keyboard.press('/');
  await page.getByTestId('palette-input').pressSequentially('Trips/2025/Oslo');
  await expect(page.getByRole('option', { name: /Create “Trips\/2025\/Oslo”/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect.poll(() => server.exists('Trips', '2025', 'Oslo', a)).toBe(true);
  expect(server.journal().some((l) => l.type === 'cluster-create' && l.cluster === 'Trips/2025/Oslo')).toBe(true);
  const oslo = clusters.locator('[data-path="Trips/2025/Oslo"]');
  await expect(oslo.getByRole('button', { name: /^File into Trips\/2025\/Oslo \(1 photos\)/ })).toBeVisible();
  await expect(oslo).toContainText('2025/Oslo');
  await expect(clusters.locator('[data-path="Trips"]').getByTestId('cluster-heading').first()).toHaveText('Trips');
});

test('the reviewer moves a cluster to another hotkey and the keys keep it after a restart', async ({ page }) => {
  const a = await openApp(page, server);
  const clusters = page.getByTestId('clusters');
  // By path: Trips/2023/Paris 1, Trips/2024/Rome 2, birds 3, birds/owls 4.
  await expect(clusters.getByRole('button', { name: /^File into birds\/owls .*key 4$/ })).toBeVisible();
  await clusters.getByRole('combobox', { name: 'Hotkey for birds/owls' }).selectOption('1');
  await expect(clusters.getByRole('button', { name: /^File into birds\/owls .*key 1$/ })).toBeVisible();
  await expect(clusters.getByRole('button', { name: /^File into Trips\/2023\/Paris .*key 4$/ })).toBeVisible();
  await expect.poll(async () => (await server.api<{ slots: unknown[] }>('/api/settings')).slots[0]).toBe('birds/owls');

  await server.stop();
  await server.start({ restart: true });
  await page.reload();
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', a);
  await page.keyboard.press('1');
  await expect.poll(() => server.exists('birds', 'owls', a)).toBe(true);
});
