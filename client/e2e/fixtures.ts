import { test as base, expect, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { photosortBin, startServer, type PhotosortServer } from './server';

export const test = base.extend<{ server: PhotosortServer }>({
  server: async ({}, use) => {
    test.skip(!existsSync(photosortBin), `the backend virtualenv is missing (${photosortBin}): run make install`);
    const server = await startServer();
    await use(server);
    await server.stop();
    server.remove();
  },
});

export { expect };

/** The item shown on the stage (its data-item attribute), once one is shown. */
export async function stageItem(page: Page): Promise<string> {
  const stage = page.getByTestId('stage');
  await expect(stage).toHaveAttribute('data-item', /.+/);
  return (await stage.getAttribute('data-item')) as string;
}

export async function openApp(page: Page, server: PhotosortServer): Promise<string> {
  await page.goto(server.url);
  return stageItem(page);
}

/** Press a key and wait for the stage to move on from `before`; returns the new item. */
export async function pressAndNext(page: Page, key: string, before: string): Promise<string> {
  await page.keyboard.press(key);
  await expect(page.getByTestId('stage')).not.toHaveAttribute('data-item', before);
  return stageItem(page);
}
