// Pre-decoded previews. The next photos are fetched and decoded off-screen (new Image() +
// decode()), and the stage inserts that very element, so showing the next photo costs a DOM
// swap and a paint, never a network round trip or a JPEG decode on the keypress.

export type EntryStatus = 'loading' | 'ready' | 'error';

export interface CacheEntry {
  url: string;
  img: HTMLImageElement;
  status: EntryStatus;
  ready: Promise<void>;
  /** Loaded ahead of need (by prefetch), not on demand when it was shown. */
  prefetched: boolean;
}

export class ImageCache {
  private entries = new Map<string, CacheEntry>();

  constructor(private readonly capacity = 12) {}

  get(url: string): CacheEntry | undefined {
    return this.entries.get(url);
  }

  /** The entry for `url`, starting its download and decode if needed. */
  load(url: string, { prefetch = false, priority = 'auto' }: { prefetch?: boolean; priority?: 'high' | 'low' | 'auto' } = {}): CacheEntry {
    const existing = this.entries.get(url);
    if (existing && existing.status !== 'error') {
      // Refresh recency: Map keeps insertion order, which eviction reads as LRU.
      this.entries.delete(url);
      this.entries.set(url, existing);
      return existing;
    }
    const img = new Image();
    img.decoding = 'async';
    img.fetchPriority = priority;
    img.alt = '';
    img.draggable = false;
    img.className = 'stage-img';
    img.src = url;
    const entry: CacheEntry = { url, img, status: 'loading', prefetched: prefetch, ready: Promise.resolve() };
    entry.ready = img.decode().then(
      () => {
        entry.status = 'ready';
      },
      (err: unknown) => {
        entry.status = 'error';
        // A failed URL must be retried the next time it is wanted, not served from here.
        if (this.entries.get(url) === entry) this.entries.delete(url);
        throw err;
      },
    );
    entry.ready.catch(() => undefined);
    this.entries.set(url, entry);
    this.evict();
    return entry;
  }

  /** Start loading `urls` in order; the first one wanted soonest. */
  prefetch(urls: readonly string[]): void {
    urls.forEach((url, i) => this.load(url, { prefetch: true, priority: i === 0 ? 'high' : 'low' }));
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
