// Keypress-to-paint timing, for bench/ui.py and for anyone curious in the console.
//
//   window.__photosortPaint.samples  -> [{ item, ms, prefetched, key }]  (newest last, max 1000)
//   window.__photosortPaint.last     -> the newest sample
//
// `ms` runs from the key event's own timestamp (when the browser received the input) to
// just after the frame that first shows the new photo's decoded preview: a requestAnimationFrame
// callback runs before that frame paints, and a message posted from it is delivered after the
// paint. Costs: one timestamp per key and one rAF + message per shown photo.
// Each sample is also a `performance.measure('photosort:key-to-paint')`.

export interface PaintSample {
  item: string;
  ms: number;
  prefetched: boolean;
  key: string;
}

interface PaintHooks {
  samples: PaintSample[];
  last: PaintSample | null;
  pending: { t0: number; key: string } | null;
}

declare global {
  interface Window {
    __photosortPaint?: PaintHooks;
  }
}

function hooks(): PaintHooks {
  window.__photosortPaint ??= { samples: [], last: null, pending: null };
  return window.__photosortPaint;
}

/** A key that will show another photo was pressed at `timeStamp` (the event's timestamp). */
export function markInput(timeStamp: number, key: string): void {
  hooks().pending = { t0: timeStamp, key };
}

/** The stage just put the decoded preview of `item` in the DOM. */
export function markShown(item: string, prefetched: boolean): void {
  const h = hooks();
  const pending = h.pending;
  if (!pending) return;
  h.pending = null;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const end = performance.now();
      const sample = { item, ms: end - pending.t0, prefetched, key: pending.key };
      h.samples.push(sample);
      if (h.samples.length > 1000) h.samples.shift();
      h.last = sample;
      try {
        performance.measure('photosort:key-to-paint', { start: pending.t0, end, detail: sample });
      } catch {
        // Older engines without measure options: the sample array still has it.
      }
    };
    channel.port2.postMessage(null);
  });
}
