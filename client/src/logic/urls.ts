// URLs of photo renditions. Item paths may hold any Unicode and `#`, `?` or `%`: each path
// segment is escaped on its own so the `/` separators stay as the route expects.

export type ImageSize = 'thumb' | 'preview' | 'original';
export type ImageRoot = 'source' | 'dest' | 'trash';

export function encodeItem(item: string): string {
  return item.split('/').map(encodeURIComponent).join('/');
}

export function imageUrl(item: string, size: ImageSize, root?: ImageRoot): string {
  const q = root ? `?size=${size}&root=${root}` : `?size=${size}`;
  return `/api/image/${encodeItem(item)}${q}`;
}
