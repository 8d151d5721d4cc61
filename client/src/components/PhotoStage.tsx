// The big photo. The preview element comes from the ImageCache already decoded and is put
// into the DOM directly (not through React), so a prefetched photo appears in the same frame
// as the keypress. Until a preview is ready, its thumbnail (usually cached by the filmstrip)
// stands in, scaled up.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { imageError } from '../api/client';
import { markShown } from '../perf/paint';
import type { ImageCache } from '../perf/imageCache';

interface Props {
  item: string | null;
  previewUrl: string | null;
  thumbUrl: string | null;
  cache: ImageCache;
  /** Decode problem the server already reported for this item (queue `decode_error`). */
  knownError: string | null;
  label: string;
  children?: ReactNode;
}

export function PhotoStage({ item, previewUrl, thumbUrl, cache, knownError, label, children }: Props) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<{ url: string; message: string } | null>(null);
  usePreviewInto(wrapRef, hostRef, { item, previewUrl, cache, label }, setFailure);

  // A stale failure must not label the next photo (dropped while rendering that photo).
  if (failure && failure.url !== previewUrl) setFailure(null);

  const error = (failure?.url === previewUrl ? failure.message : null) ?? knownError;

  return (
    <div className="stage" ref={wrapRef} data-state="empty" data-testid="stage" data-item={item ?? ''}>
      {thumbUrl ? <img className="stage-thumb" src={thumbUrl} alt="" aria-hidden="true" decoding="async" /> : null}
      <div className="stage-host" ref={hostRef} />
      <div className="stage-spinner" aria-hidden="true">
        <span className="spinner spinner-big" />
      </div>
      {error ? (
        <div className="decode-badge" role="status" data-testid="decode-error">
          <strong>Cannot decode</strong>
          <span>{error}</span>
          <span className="muted small">You can still file, trash or skip it.</span>
        </div>
      ) : null}
      {children}
    </div>
  );
}

interface Preview {
  item: string | null;
  previewUrl: string | null;
  cache: ImageCache;
  label: string;
}

/**
 * Put the decoded preview into `host` (from the cache at once when it is there), and say on
 * `wrap` whether it is loading, ready or failed; a failure's message goes to `onFailure`.
 */
function usePreviewInto(
  wrapRef: React.RefObject<HTMLDivElement | null>,
  hostRef: React.RefObject<HTMLDivElement | null>,
  { item, previewUrl, cache, label }: Preview,
  setFailure: (failure: { url: string; message: string }) => void,
) {
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    const host = hostRef.current;
    if (!wrap || !host) return;
    if (!previewUrl || !item) {
      host.replaceChildren();
      wrap.dataset.state = 'empty';
      return;
    }
    let live = true;
    const entry = cache.load(previewUrl, { priority: 'high' });
    const show = (fromCache: boolean) => {
      if (!live) return;
      entry.img.alt = label;
      host.replaceChildren(entry.img);
      wrap.dataset.state = 'ready';
      markShown(item, fromCache);
    };
    if (entry.status === 'ready') {
      show(true);
    } else {
      host.replaceChildren();
      wrap.dataset.state = 'loading';
      entry.ready.then(
        () => show(false),
        async () => {
          if (!live) return;
          wrap.dataset.state = 'error';
          const { message } = await imageError(previewUrl);
          if (live) setFailure({ url: previewUrl, message });
        },
      );
    }
    return () => {
      live = false;
    };
  }, [wrapRef, hostRef, previewUrl, item, cache, label, setFailure]);

}
