// Live updates over server-sent events. EventSource reconnects by itself after a dropped
// connection, but gives up for good on an HTTP error (e.g. a dev proxy's 502 while the
// backend restarts), so a closed source is recreated here with a backoff.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Schemas } from './client';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

// Payload types come from the backend's OpenAPI schema (`LiveEvent` and its members); the
// SSE event name is each payload's `type`.
export type ActionEvent = Schemas['ActionEvent'];
export type QueueChangedEvent = Schemas['QueueChangedEvent'];
export type IndexingEvent = Schemas['IndexingEvent'];
export type BatchProgressEvent = Schemas['BatchProgressEvent'];
export type BatchDoneEvent = Schemas['BatchDoneEvent'];
export type HelloEvent = Schemas['HelloEvent'];

export interface EventHandlers {
  hello?: (e: HelloEvent, reconnected: boolean) => void;
  action?: (e: ActionEvent) => void;
  queueChanged?: (e: QueueChangedEvent) => void;
  indexing?: (e: IndexingEvent) => void;
  batchProgress?: (e: BatchProgressEvent) => void;
  batchDone?: (e: BatchDoneEvent) => void;
  /** Any other event type the backend adds later (embedder status, ...). */
  other?: (type: string, data: unknown) => void;
}

export function useServerEvents(handlers: EventHandlers, { enabled = true } = {}): ConnectionState {
  const [state, setState] = useState<ConnectionState>('connecting');
  const ref = useRef(handlers);
  // The listeners read the latest handlers; updated after each commit, never during render.
  useLayoutEffect(() => {
    ref.current = handlers;
  });

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let everOpened = false;
    let stopped = false;

    const parse = (e: MessageEvent<string>): unknown => {
      try {
        return JSON.parse(e.data) as unknown;
      } catch {
        return null;
      }
    };

    const connect = () => {
      source = new EventSource('/api/events');
      source.addEventListener('hello', (e) => {
        const reconnected = everOpened;
        everOpened = true;
        failures = 0;
        setState('open');
        ref.current.hello?.(parse(e as MessageEvent<string>) as HelloEvent, reconnected);
      });
      const on = (type: string, fn: (data: unknown) => void) =>
        source?.addEventListener(type, (e) => {
          const data = parse(e as MessageEvent<string>);
          if (data !== null) fn(data);
        });
      on('action', (d) => ref.current.action?.(d as ActionEvent));
      on('queue-changed', (d) => ref.current.queueChanged?.(d as QueueChangedEvent));
      on('indexing', (d) => ref.current.indexing?.(d as IndexingEvent));
      on('batch-progress', (d) => ref.current.batchProgress?.(d as BatchProgressEvent));
      on('batch-done', (d) => ref.current.batchDone?.(d as BatchDoneEvent));
      on('embedder', (d) => ref.current.other?.('embedder', d));
      source.onerror = () => {
        setState(everOpened ? 'reconnecting' : 'connecting');
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          failures += 1;
          retry = setTimeout(connect, Math.min(5000, 500 * 2 ** Math.min(failures, 4)));
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [enabled]);

  return state;
}
