// Live folders: a photo copied into the folder while the UI is open appears in
// the filmstrip over the event stream, without a reload, and one removed by another program
// leaves it.
import { copyFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { datasetRoot } from './server';
import { expect, openApp, test } from './fixtures';

test('a photo copied into the folder appears in the filmstrip without a reload', async ({ page, server }) => {
  const onScreen = await openApp(page, server);
  const film = page.getByRole('navigation', { name: /Filmstrip/ });
  await expect(film.getByRole('img', { name: 'zz-arrival.jpg' })).toHaveCount(0);
  // A marker on the page: a reload would wipe it.
  await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 7));

  copyFileSync(path.join(datasetRoot, 'fruit', 'banana.jpg'), path.join(server.folder, 'zz-arrival.jpg'));
  await expect(film.getByRole('img', { name: 'zz-arrival.jpg' })).toBeVisible({ timeout: 5000 });

  // Renamed away by another program (out of the folder): it leaves the filmstrip again.
  renameSync(path.join(server.folder, 'zz-arrival.jpg'), path.join(server.folder, '.zz-arrival.jpg'));
  await expect(film.getByRole('img', { name: 'zz-arrival.jpg' })).toHaveCount(0, { timeout: 5000 });

  expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(7);
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', onScreen);
});
