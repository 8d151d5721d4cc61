// The offer to file the source's own folders as clusters (sessions sorted `--into DEST`):
// what the banner says, and whether it shows at all.
import { count } from './format';

export interface SourceFolder {
  folder: string;
  count: number;
}

/** Folders named in the banner before "and N more": the rest stays one keypress away too. */
const NAMED = 5;

/** "photos already has folders birds (12), coins (8)". */
export function offerText(source: string, folders: readonly SourceFolder[]): string {
  const named = folders.slice(0, NAMED).map((f) => `${f.folder} (${f.count.toLocaleString('en-US')})`);
  const more = folders.length > NAMED ? ` and ${count(folders.length - NAMED, 'more folder')}` : '';
  return `${baseName(source)} already has ${folders.length === 1 ? 'a folder' : 'folders'} ${named.join(', ')}${more}`;
}

/** Where a dismissal is kept: per destination, so another session still gets its offer. */
export function dismissKey(dest: string): string {
  return `photosort.sourceFolders.dismissed:${dest}`;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
