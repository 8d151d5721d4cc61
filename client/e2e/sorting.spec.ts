import { expect, openApp, pressAndNext, stageItem, test } from './fixtures';

test('sorts by keyboard only: files move on disk, the journal records it, undo restores', async ({ page, server }) => {
  const a = await openApp(page, server);
  const b = await pressAndNext(page, '1', a); // birds (slot 1)
  const c = await pressAndNext(page, '2', b); // coins (slot 2)
  const d = await pressAndNext(page, 'd', c); // trash
  await pressAndNext(page, 's', d); // skip

  await expect.poll(() => server.exists('birds', a)).toBe(true);
  await expect.poll(() => server.exists('coins', b)).toBe(true);
  await expect.poll(() => server.exists('.clustering', 'trash', c)).toBe(true);
  await expect.poll(() => server.exists(a)).toBe(false);
  expect(server.exists(d)).toBe(true);

  await expect.poll(() => server.journal().filter((l) => ['assign', 'delete', 'skip'].includes(l.type)).length).toBe(4);
  const lines = server.journal();
  expect(lines.find((l) => l.type === 'assign' && l.item === a)).toMatchObject({ cluster: 'birds', dst: `birds/${a}`, by: 'manual' });
  expect(lines.find((l) => l.type === 'assign' && l.item === b)).toMatchObject({ cluster: 'coins' });
  expect(lines.find((l) => l.type === 'delete' && l.item === c)).toBeTruthy();
  expect(lines.find((l) => l.type === 'skip' && l.item === d)).toBeTruthy();
  await expect(page.getByTestId('stat-processed')).toHaveText('3');

  // Undo walks back through this tab's own actions: skip, trash, then the coins filing.
  await page.keyboard.press('z');
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', d);
  await page.keyboard.press('z');
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', c);
  await expect.poll(() => server.exists(c)).toBe(true);
  await expect.poll(() => server.exists('.clustering', 'trash', c)).toBe(false);
  await page.keyboard.press('Backspace');
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', b);
  await expect.poll(() => server.exists(b)).toBe(true);
  await expect.poll(() => server.exists('coins', b)).toBe(false);
  expect(server.exists('birds', a)).toBe(true);
  await expect(page.getByTestId('stat-processed')).toHaveText('1');

  const undos = server.journal().filter((l) => l.type === 'undo');
  const seqOf = (type: string, item: string) => server.journal().find((l) => l.type === type && l.item === item)?.seq;
  expect(undos.map((u) => u.undoes)).toEqual([seqOf('skip', d), seqOf('delete', c), seqOf('assign', b)]);
});

test('Enter without suggestions explains what to do instead of failing silently', async ({ page, server }) => {
  const a = await openApp(page, server);
  await page.keyboard.press('Enter');
  await expect(page.getByText('No suggestion for this photo yet: file it with 1–9 or /')).toBeVisible();
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', a);
  await page.keyboard.press('9');
  await expect(page.getByText('Slot 9 is free')).toBeVisible();
});

test('the palette files into any cluster and creates a new one', async ({ page, server }) => {
  const a = await openApp(page, server);
  await page.keyboard.press('/');
  const input = page.getByTestId('palette-input');
  await expect(input).toBeFocused();
  await input.pressSequentially('sea creatures');
  await expect(page.getByRole('option', { name: /Create “sea creatures”/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', a);
  await expect.poll(() => server.exists('sea creatures', a)).toBe(true);
  await expect(page.getByTestId('clusters').getByRole('button', { name: /sea creatures \(1 photos\), key 4/ })).toBeVisible();
  expect(server.journal().some((l) => l.type === 'cluster-create' && l.cluster === 'sea creatures')).toBe(true);

  // Type to filter: "flo" + Enter files into flowers.
  const b = await stageItem(page);
  await page.keyboard.press('/');
  await page.getByTestId('palette-input').pressSequentially('flo');
  await page.keyboard.press('Enter');
  await expect.poll(() => server.exists('flowers', b)).toBe(true);

  // Escape closes without filing.
  const c = await stageItem(page);
  await page.keyboard.press('/');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('palette-input')).toHaveCount(0);
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', c);
});

test('← looks back at the previous photo and refiles it', async ({ page, server }) => {
  const a = await openApp(page, server);
  const b = await pressAndNext(page, '1', a);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('back-banner')).toContainText('filed into birds');
  await expect.poll(() => server.exists('birds', a)).toBe(true);
  await page.keyboard.press('2'); // refile into coins: undo + assign
  await expect.poll(() => server.exists('coins', a)).toBe(true);
  await expect.poll(() => server.exists('birds', a)).toBe(false);
  await expect(page.getByTestId('back-banner')).toHaveCount(0);
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', b);
  // → from the back view returns to the live head without skipping anything.
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('back-banner')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', b);
  expect(server.journal().some((l) => l.type === 'skip')).toBe(false);
});

test('keymap help, manual-only toggle and focus are keyboard-reachable', async ({ page, server }) => {
  await openApp(page, server);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  for (const what of ['Accept the top suggestion', 'Cluster palette', 'Undo', 'Move to trash', 'Skip', 'Previous photo', 'Auto-move panel', 'manual-only', 'Play / pause'])
    await expect(help).toContainText(new RegExp(what, 'i'));
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  await page.keyboard.press('m');
  await expect(page.getByRole('button', { name: /Manual only/ })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await server.api<{ manual_only: boolean }>('/api/settings')).manual_only).toBe(true);
  await page.keyboard.press('a');
  await expect(page.getByText(/Auto-move is off in manual-only mode/)).toBeVisible();
  await page.keyboard.press('m');
  await expect.poll(async () => (await server.api<{ manual_only: boolean }>('/api/settings')).manual_only).toBe(false);
});

test('reloading mid-session keeps the position and the stats', async ({ page, server }) => {
  const a = await openApp(page, server);
  const b = await pressAndNext(page, '1', a);
  const c = await pressAndNext(page, '3', b);
  await expect(page.getByTestId('stat-processed')).toHaveText('2');
  await expect.poll(() => server.queueHead()).toBe(c);
  await page.reload();
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', c);
  await expect(page.getByTestId('stat-processed')).toHaveText('2');
  // This tab's history survives the reload too: ← still knows the photo before.
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('back-banner')).toContainText(`${b} was filed into flowers`);
});
