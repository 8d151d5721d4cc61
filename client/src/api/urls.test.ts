import { describe, expect, it } from 'vitest';
import { encodeItem, imageUrl, serializePath } from './urls';

describe('urls', () => {
  it('escapes each segment and keeps the separators', () => {
    expect(encodeItem('DCIM/a b#1?.jpg')).toBe('DCIM/a%20b%231%3F.jpg');
    expect(imageUrl('birds/é.jpg', 'thumb', 'dest')).toBe('/api/image/birds/%C3%A9.jpg?size=thumb&root=dest');
  });

  it('sends a name that is not UTF-8 back as its raw bytes', () => {
    // "caf\udce9.jpg" is how the server spells the Latin-1 bytes caf\xe9.jpg
    expect(encodeItem('caf\udce9.jpg')).toBe('caf%E9.jpg');
    expect(encodeItem('x/\udcff\udcfe😀')).toBe('x/%FF%FE%F0%9F%98%80');
  });

  it('keeps newlines and emoji', () => {
    expect(encodeItem('new\nline.jpg')).toBe('new%0Aline.jpg');
    expect(serializePath('/api/items/{item}', { item: 'a/caf\udce9.jpg' })).toBe('/api/items/a/caf%E9.jpg');
  });
});
