// Server state through TanStack Query: one key per resource, so an SSE event or an action
// response can invalidate exactly what it changed.
import { keepPreviousData, QueryClient, useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap, type Schemas } from './client';

export type SessionInfo = Schemas['SessionInfo'];
export type QueueItem = Schemas['QueueItem'];
export type QueuePage = Schemas['QueuePage'];
export type ActionRecord = Schemas['ActionRecord'];
export type ActionsPage = Schemas['ActionsPage'];
export type AutoMoveEstimate = Schemas['AutoMoveEstimate'];
export type AutoMoveResult = Schemas['AutoMoveResult'];
export type Stats = Schemas['Stats'];
export type ClusterInfo = Schemas['ClusterInfo'];
export type IndexingProgress = Schemas['IndexingProgress'];
export type SuggestionSet = Schemas['SuggestionSet'];

export const keys = {
  session: ['session'] as const,
  queue: ['queue'] as const,
  actions: ['actions'] as const,
  estimate: (threshold: number | null, minSamples: number | null, minMargin: number | null) =>
    ['estimate', threshold, minSamples, minMargin] as const,
  dryRun: (threshold: number, minSamples: number | null, minMargin: number | null) =>
    ['dry-run', threshold, minSamples, minMargin] as const,
};

/** The head of the queue the UI keeps in hand: enough to prefetch and to fill the filmstrip. */
export const QUEUE_WINDOW = 60;

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // While the server is away, keep retrying quietly; the banner tells the user.
        retry: (n, err) => (err instanceof ApiError && err.offline ? n < 1000 : n < 1),
        retryDelay: (n) => Math.min(3000, 300 * 2 ** n),
        refetchOnWindowFocus: true,
        staleTime: 1000,
      },
    },
  });
}

export function useSessionInfo() {
  return useQuery({
    queryKey: keys.session,
    queryFn: () => unwrap(api.GET('/api/session')),
    // Indexing progress also arrives by SSE; the poll only covers a missed event.
    refetchInterval: (q) => (q.state.data?.indexing.running || q.state.data?.embedder.status === 'loading' ? 3000 : false),
  });
}

export interface QueueSnapshot {
  page: QueuePage;
  /** When the request left (performance.now()): what the optimistic layer compares against. */
  startedAt: number;
}

export function useQueue() {
  return useQuery({
    queryKey: keys.queue,
    queryFn: async (): Promise<QueueSnapshot> => {
      const startedAt = performance.now();
      const page = await unwrap(api.GET('/api/queue', { params: { query: { offset: 0, limit: QUEUE_WINDOW } } }));
      return { page, startedAt };
    },
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** The whole journal (oldest first), fetched in pages of 5000. */
export async function fetchJournal(): Promise<ActionsPage> {
  const records: ActionRecord[] = [];
  const undone: number[] = [];
  let after = 0;
  let lastSeq = 0;
  for (let guard = 0; guard < 100; guard++) {
    const page = await unwrap(api.GET('/api/actions', { params: { query: { after, limit: 5000 } } }));
    records.push(...page.records);
    undone.push(...page.undone);
    lastSeq = page.last_seq;
    const newest = page.records[page.records.length - 1]?.seq ?? lastSeq;
    if (page.records.length < 5000 || newest >= lastSeq) break;
    after = newest;
  }
  return { records, undone, last_seq: lastSeq };
}

export function useJournal(enabled: boolean) {
  return useQuery({ queryKey: keys.actions, queryFn: fetchJournal, enabled, placeholderData: keepPreviousData });
}

/** `threshold` null: the server picks (the saved setting, else its recommendation). */
export function useEstimate(threshold: number | null, minSamples: number | null, minMargin: number | null, enabled: boolean) {
  return useQuery({
    queryKey: keys.estimate(threshold, minSamples, minMargin),
    queryFn: () =>
      unwrap(
        api.GET('/api/auto-move/estimate', {
          params: {
            query: {
              ...(threshold !== null ? { threshold } : {}),
              ...(minSamples !== null ? { min_samples: minSamples } : {}),
              ...(minMargin !== null ? { min_margin: minMargin } : {}),
            },
          },
        }),
      ),
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useDryRun(threshold: number, minSamples: number | null, minMargin: number | null, enabled: boolean) {
  return useQuery({
    queryKey: keys.dryRun(threshold, minSamples, minMargin),
    queryFn: () =>
      unwrap(
        api.POST('/api/auto-move', {
          body: { threshold, min_samples: minSamples, min_margin: minMargin, dry_run: true },
        }),
      ),
    enabled,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 0,
  });
}
