// URLs of photo renditions. Item paths may hold any Unicode and `#`, `?` or `%`: each path
// segment is escaped on its own so the `/` separators stay as the route expects.
//
// A file name that is not UTF-8 (a Latin-1 `caf\xe9.jpg`) reaches the UI as lone surrogates
// U+DC80-U+DCFF, one per undecodable byte (Python's surrogateescape). They go back as that raw
// byte (`%E9`), so the server finds the same file; encodeURIComponent would throw on them.

export type ImageSize = 'thumb' | 'preview' | 'original';
export type ImageRoot = 'source' | 'dest' | 'trash';

function encodeSegment(segment: string): string {
  let out = '';
  let run = '';
  for (const ch of segment) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xdc80 && code <= 0xdcff) {
      out += encodeURIComponent(run) + '%' + (code - 0xdc00).toString(16).toUpperCase();
      run = '';
    } else {
      run += ch;
    }
  }
  return out + encodeURIComponent(run);
}

export function encodeItem(item: string): string {
  return item.split('/').map(encodeSegment).join('/');
}

export function imageUrl(item: string, size: ImageSize, root?: ImageRoot): string {
  const q = root ? `?size=${size}&root=${root}` : `?size=${size}`;
  return `/api/image/${encodeItem(item)}${q}`;
}

/** Every `{item}` the client fills is a string; a number (never sent today) prints as itself. */
function pathParam(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** openapi-fetch's path serializer: `{item}` parameters are item strings (see above). */
export function serializePath(pathname: string, params: Record<string, unknown>): string {
  return pathname.replace(/\{(\w+)\}/g, (_, key: string) => encodeItem(pathParam(params[key])));
}
