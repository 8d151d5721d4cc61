// The typed HTTP client. Every request carries this tab's reviewer name, so the journal and
// the "who is looking at what" presence tell tabs apart.
import createClient from 'openapi-fetch';
import { serializePath } from './urls';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

const REVIEWER_KEY = 'photosort.reviewer';

/** One name per browser tab that survives a reload of that tab (sessionStorage). */
function tabReviewer(): string {
  try {
    const saved = sessionStorage.getItem(REVIEWER_KEY);
    if (saved) return saved;
    const name = `web-${Math.random().toString(16).slice(2, 6)}`;
    sessionStorage.setItem(REVIEWER_KEY, name);
    return name;
  } catch {
    return 'web';
  }
}

export const reviewer = tabReviewer();

export const api = createClient<paths>({
  baseUrl: '',
  headers: { 'X-Reviewer': reviewer },
  pathSerializer: serializePath,
});

/** A failed request, with the server's `{"error": {code, message}}` when there was one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** `moves_failed`: each photo whose move failed, with the reason (they stay queued). */
    readonly failed: ReadonlyArray<{ item: string; reason: string }> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server could not be reached at all (down, restarting, network gone). */
  get offline(): boolean {
    return this.status === 0;
  }
}

function errorFrom(status: number, body: unknown, fallback: string): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown; failed?: unknown } } | null)?.error;
  if (err && typeof err.message === 'string') {
    const failed: unknown[] = Array.isArray(err.failed) ? err.failed : [];
    const listed = failed.filter((f): f is { item: string; reason: string } => {
      const o = f as { item?: unknown; reason?: unknown } | null;
      return typeof o?.item === 'string' && typeof o.reason === 'string';
    });
    return new ApiError(status, typeof err.code === 'string' ? err.code : 'error', err.message, listed);
  }
  return new ApiError(status, 'http_error', fallback);
}

/**
 * Await an openapi-fetch call and return its data, or throw an ApiError. Network failures
 * become status 0 so callers can tell "server gone" from "server said no".
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let res: { data?: T; error?: unknown; response: Response };
  try {
    res = await call;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'offline', 'the photosort server cannot be reached');
  }
  if (res.error !== undefined || !res.response.ok) {
    throw errorFrom(res.response.status, res.error, `${res.response.status} ${res.response.statusText}`);
  }
  return res.data as T;
}

/** The error message of a failed image request (422 "cannot decode", 404 gone, ...). */
export async function imageError(url: string): Promise<{ status: number; message: string }> {
  try {
    const res = await fetch(url, { headers: { Accept: 'application/json' } });
    if (res.ok) return { status: res.status, message: 'the browser could not decode this image' };
    const body: unknown = await res.json().catch(() => null);
    return { status: res.status, message: errorFrom(res.status, body, `${res.status} ${res.statusText}`).message };
  } catch {
    return { status: 0, message: 'the photosort server cannot be reached' };
  }
}

/** Tell the server which photo is on screen; on page exit this must survive the unload. */
export function sendViewing(item: string | null, { beacon = false } = {}): void {
  if (beacon && typeof navigator.sendBeacon === 'function') {
    const blob = new Blob([JSON.stringify({ item, reviewer })], { type: 'application/json' });
    navigator.sendBeacon('/api/viewing', blob);
    return;
  }
  void api.POST('/api/viewing', { body: { item, reviewer } }).catch(() => undefined);
}
