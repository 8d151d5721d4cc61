import { expect, openApp, stageItem, test } from './fixtures';

test('a second tab sees the first tab’s actions live', async ({ browser, server }) => {
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  try {
    const pageA = await ctxA.newPage();
    const pageB = await ctxB.newPage();
    const x = await openApp(pageA, server);
    expect(await openApp(pageB, server)).toBe(x);

    await pageA.keyboard.press('1');
    // B was looking at the same photo: it says so and moves on by itself.
    await expect(pageB.getByText(new RegExp(`${x} was just filed into birds by another reviewer`))).toBeVisible();
    await expect(pageB.getByTestId('stage')).not.toHaveAttribute('data-item', x);
    await expect(pageB.getByTestId('stat-processed')).toHaveText('1');

    const y = await stageItem(pageB);
    expect(await stageItem(pageA)).toBe(y);
    await pageB.keyboard.press('d');
    await expect(pageA.getByTestId('stage')).not.toHaveAttribute('data-item', y);
    await expect(pageA.getByTestId('stat-processed')).toHaveText('2');
    await expect(pageA.getByText(new RegExp(`${y} was just moved to the trash by another reviewer`))).toBeVisible();
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
});

test('filing a photo another tab already filed shows a clear conflict message', async ({ browser, server }) => {
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  try {
    const pageA = await ctxA.newPage();
    const pageB = await ctxB.newPage();
    // B hears nothing live (its event stream hangs), as when an event is still on its way.
    await pageB.route('**/api/events', () => undefined);
    const x = await openApp(pageA, server);
    expect(await openApp(pageB, server)).toBe(x);

    await pageA.keyboard.press('1');
    await expect.poll(() => server.exists('birds', x)).toBe(true);
    await pageB.keyboard.press('2');
    await expect(pageB.getByText(`Another reviewer already filed ${x}`)).toBeVisible();
    await expect(pageB.getByTestId('stage')).not.toHaveAttribute('data-item', x);
    expect(server.exists('coins', x)).toBe(false);
    // B carries on normally with the next photo.
    const next = await stageItem(pageB);
    await pageB.keyboard.press('3');
    await expect.poll(() => server.exists('flowers', next)).toBe(true);
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
});
