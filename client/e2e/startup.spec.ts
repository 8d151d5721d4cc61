// Cold start: the first photo must paint while the model is still loading, and the
// suggestion panel must say what it waits for. The backend delays its model load through
// the PHOTOSORT_TEST_LOAD_DELAY_S test hook, so "before the embedder is ready" is certain.
import { existsSync } from 'node:fs';
import { expect, stageItem, test } from './fixtures';
import { photosortBin, startServer } from './server';

const LOAD_DELAY_S = 12;

test('the first photo paints before the embedder is ready, then suggestions arrive', async ({ page }) => {
  test.skip(!existsSync(photosortBin), 'the backend virtualenv is missing');
  test.setTimeout(120_000);
  const server = await startServer({
    model: 'efficientnet-lite0',
    env: { PHOTOSORT_TEST_LOAD_DELAY_S: String(LOAD_DELAY_S) },
  });
  try {
    await page.goto(server.url);
    const item = await stageItem(page);
    const stage = page.getByTestId('stage');
    await expect(stage).toHaveAttribute('data-state', 'ready');
    const painted = await stage.locator('.stage-host img').evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(painted).toBeGreaterThan(0);
    const session = await server.api<{ embedder: { status: string }; indexing: { phase: string } }>('/api/session');
    expect(session.embedder.status, 'the photo painted only after the model was ready').toBe('loading');
    expect(session.indexing.phase).toBe('loading');
    await expect(page.getByTestId('suggestions-note')).toContainText('Loading the model…');

    // Once the model is ready the same photo gets its suggestions without a reload.
    await expect(page.getByTestId('suggestions').getByRole('button').first()).toBeVisible({ timeout: 90_000 });
    await expect(stage).toHaveAttribute('data-item', item);
    await expect(page.getByTestId('embedder-badge')).toContainText('ready');
  } finally {
    await server.stop();
    server.remove();
  }
});
