import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { makeFolder, startServer } from './server';
import { makeVideo } from './video';

// VP8 in Matroska plays in every Chromium build (h264 plays in Debian's 156 too, but not in
// builds without proprietary codecs); no Chromium plays MPEG-4 Part 2 (old cameras' .mov/.avi).
test('a video shows its poster and duration; Space plays it in place and pauses it', async ({ page }) => {
  const folder = makeFolder({ seed: { birds: 2 }, loose: {} });
  makeVideo(path.join(folder, 'clip.mkv'), { frames: 100 }); // 4 s
  const server = await startServer({ folder });
  try {
    expect(await openApp(page, server)).toBe('clip.mkv');
    const stage = page.getByTestId('stage');
    // The poster frame, a decoded JPEG from the server, is the stage's picture.
    await expect(stage).toHaveAttribute('data-state', 'ready');
    const poster = stage.locator('.stage-host img');
    await expect(poster).toHaveAttribute('src', /\/api\/image\/clip\.mkv\?size=preview/);
    expect(await poster.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
    await expect(stage.getByTestId('video-duration')).toHaveText(/0:04/);
    await expect(page.getByTestId('film-current').getByTestId('video-duration')).toHaveText(/0:04/);
    await expect(page.getByTestId('stage-video')).toHaveCount(0);

    await page.keyboard.press(' ');
    const video = page.getByTestId('stage-video');
    await expect(video).toHaveAttribute('src', '/api/video/clip.mkv');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => !v.paused && v.currentTime > 0.2), { timeout: 10_000 }).toBe(true);
    await expect(page.getByTestId('video-error')).toHaveCount(0);

    await page.keyboard.press(' ');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    const at = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.waitForTimeout(300);
    expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBe(at);

    // Filed like a photo: the file really moves, and the player leaves with it.
    await page.keyboard.press('1');
    await expect.poll(() => server.exists('birds', 'clip.mkv')).toBe(true);
    await expect.poll(() => server.exists('clip.mkv')).toBe(false);
    await expect(page.getByTestId('stage-video')).toHaveCount(0);
  } finally {
    await server.stop();
    server.remove();
  }
});

test('a video the browser cannot play keeps its poster and says why', async ({ page }) => {
  const folder = makeFolder({ seed: { birds: 2 }, loose: {} });
  makeVideo(path.join(folder, 'old-camera.mov'), { frames: 50 }); // MPEG-4 Part 2
  const server = await startServer({ folder });
  try {
    await openApp(page, server);
    await expect(page.getByTestId('stage')).toHaveAttribute('data-state', 'ready');
    await page.keyboard.press(' ');
    await expect(page.getByTestId('video-error')).toContainText('cannot play this video’s format');
    await expect(page.getByTestId('stage-video')).toHaveCount(0);
    await expect(page.locator('.stage-host img')).toBeVisible(); // the poster frame stays
    await page.keyboard.press('1'); // and it is filed like any other
    await expect.poll(() => server.exists('birds', 'old-camera.mov')).toBe(true);
  } finally {
    await server.stop();
    server.remove();
  }
});

test('Space on a photo says it plays videos only', async ({ page, server }) => {
  await openApp(page, server);
  await page.keyboard.press(' ');
  await expect(page.getByText('Space plays a video: this one is a photo')).toBeVisible();
});
