// A photo is a group of files: the RAW+JPEG+XMP shot shows its badge on the stage
// and in the filmstrip, and one keypress files every file of it.
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, openApp, test } from './fixtures';
import { datasetRoot, makeFolder, sampleRaw, startServer, type PhotosortServer } from './server';

const XMP = `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="4"/>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>
`;

let server: PhotosortServer;

test.beforeEach(async () => {
  const folder = makeFolder({ seed: { birds: 3, coins: 3 }, loose: {} });
  const jpgs = readdirSync(path.join(datasetRoot, 'flowers')).sort();
  copyFileSync(sampleRaw(), path.join(folder, 'AAA_0001.CR2'));
  copyFileSync(path.join(datasetRoot, 'flowers', jpgs[0]), path.join(folder, 'AAA_0001.JPG'));
  writeFileSync(path.join(folder, 'AAA_0001.xmp'), XMP);
  copyFileSync(path.join(datasetRoot, 'flowers', jpgs[1]), path.join(folder, 'AAA_0002.JPG'));
  writeFileSync(path.join(folder, 'AAA_0002.JPG.xmp'), XMP);
  writeFileSync(path.join(folder, 'ZZZ_lone.xmp'), XMP); // no photo of its own: never queued
  server = await startServer({ folder });
});

test.afterEach(async () => {
  await server.stop();
  server.remove();
});

test('a RAW+JPEG+XMP group shows its badge and files whole with one key', async ({ page }) => {
  const head = await openApp(page, server);
  expect(head).toBe('AAA_0001.JPG');
  await expect(page.getByTestId('group-badge')).toHaveText('RAW+JPEG · XMP');
  await expect(page.getByTestId('film-group-badge')).toHaveText('XMP'); // AAA_0002, up next
  await page.keyboard.press('1'); // birds
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', 'AAA_0002.JPG');
  for (const name of ['AAA_0001.JPG', 'AAA_0001.CR2', 'AAA_0001.xmp']) {
    await expect.poll(() => server.exists('birds', name)).toBe(true);
    await expect.poll(() => server.exists(name)).toBe(false);
  }
  const line = server.journal().find((l) => l.type === 'assign' && l.item === 'AAA_0001.JPG');
  expect(line?.companions).toHaveLength(2);
  expect(server.exists('ZZZ_lone.xmp')).toBe(true);
  await page.keyboard.press('z'); // undo brings the whole group back
  await expect(page.getByTestId('stage')).toHaveAttribute('data-item', 'AAA_0001.JPG');
  for (const name of ['AAA_0001.JPG', 'AAA_0001.CR2', 'AAA_0001.xmp']) await expect.poll(() => server.exists(name)).toBe(true);
});
