// A journal line's photo, wherever it is now (source, cluster or trash), and the player's icons.
import { useState } from 'react';
import type { ActionRecord } from '../../api/queries';
import { describe, photoOf, type PhotoRef } from '../../logic/actionView';
import { imageUrl } from '../../api/urls';

export function Icon({ d }: { d: string }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}

export function Thumb({ rec, undos, now, size }: { rec: ActionRecord; undos: Map<number, ActionRecord>; now: ReadonlyMap<string, PhotoRef>; size: 'thumb' | 'preview' }) {
  const ref = photoOf(rec, undos, now);
  const [failed, setFailed] = useState<string | null>(null);
  if (!ref) return <span className="log-thumb log-thumb-none" aria-hidden="true" />;
  const url = imageUrl(ref.item, size, ref.root);
  if (failed === url) return <span className={`log-thumb log-thumb-none ${size === 'preview' ? 'log-thumb-big' : ''}`}>photo moved on since</span>;
  return (
    <img
      className={size === 'preview' ? 'player-img' : 'log-thumb'}
      src={url}
      alt={describe(rec)}
      loading={size === 'thumb' ? 'lazy' : 'eager'}
      decoding="async"
      onError={() => setFailed(url)}
    />
  );
}
